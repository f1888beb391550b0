import type { PhrasingContent, RootContent } from "mdast";
import { toString } from "mdast-util-to-string";
import { parseMarkdown } from "../model/parse-markdown.js";
import { displayProse, type DisplayValues } from "../report/display-values.js";
import { piecesToSpans, wrapCode, wrapWords, type Span, type Style, type StyledLine } from "./styled.js";

/**
 * A step's instructions as terminal lines at `width`: paragraphs re-wrapped (the source's hard line
 * breaks dropped), lists with bullets and hanging indents, inline code and emphasis styled rather
 * than shown raw, links as text (url), and the values of params and captures put in. Pure.
 */
export function proseLines(markdown: string, width: number, values: DisplayValues): StyledLine[] {
  // The screen redraws many times a second while output flows: parse each step's prose once per width and values.
  const key = `${width}\u0000${[...values].map(([k, v]) => `${k}=${v.secret ? "*" : (v.value ?? "\u0001")}`).join("\u0000")}\u0000${markdown}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const out: StyledLine[] = [];
  for (const node of parseMarkdown(markdown).children) block(node, { width, first: "", rest: "", values }, out);
  if (cache.size >= 64) cache.delete(cache.keys().next().value!);
  cache.set(key, out);
  return out;
}

const cache = new Map<string, StyledLine[]>();

interface Frame {
  readonly width: number;
  readonly first: string;
  readonly rest: string;
  readonly values: DisplayValues;
}

function block(node: RootContent, f: Frame, out: StyledLine[]): void {
  switch (node.type) {
    case "paragraph":
      out.push(...wrapWords(inline(node.children, f.values), f.width, f.first, f.rest));
      return;
    case "heading":
      out.push(...wrapWords(inline(node.children, f.values).map((s) => (s.style === "plain" ? { ...s, style: "bold" as const } : s)), f.width, f.first, f.rest));
      return;
    case "list":
      node.children.forEach((item, i) => {
        const marker = node.ordered ? `${(node.start ?? 1) + i}. ` : "• ";
        const hang = f.rest + " ".repeat(marker.length);
        item.children.forEach((child, j) => block(child, { ...f, first: j === 0 ? (i === 0 ? f.first : f.rest) + marker : hang, rest: hang }, out));
      });
      return;
    case "blockquote":
      node.children.forEach((child, j) => block(child, { ...f, first: `${j === 0 ? f.first : f.rest}│ `, rest: `${f.rest}│ ` }, out));
      return;
    case "code":
      node.value.split("\n").forEach((line, j) => out.push(...wrapCode([{ text: line, style: "code" }], f.width, `${j === 0 ? f.first : f.rest}  `, `${f.rest}  `)));
      return;
    case "thematicBreak":
      out.push([{ text: f.first + "─".repeat(Math.max(1, Math.min(20, f.width - f.first.length))), style: "dim" }]);
      return;
    case "html":
    case "yaml":
    case "definition":
      return;
    default: {
      const text = toString(node);
      if (text) out.push(...wrapWords([{ text, style: "plain" }], f.width, f.first, f.rest));
    }
  }
}

function inline(nodes: readonly PhrasingContent[], values: DisplayValues, style: Style = "plain"): Span[] {
  const out: Span[] = [];
  for (const n of nodes) {
    switch (n.type) {
      case "text":
        out.push(...piecesToSpans(displayProse(n.value, values), style));
        break;
      case "inlineCode":
        out.push(...piecesToSpans(displayProse(n.value, values), "code"));
        break;
      case "strong":
      case "emphasis":
        out.push(...inline(n.children, values, "bold"));
        break;
      case "link": {
        out.push(...inline(n.children, values, style));
        if (n.url && toString(n) !== n.url) out.push({ text: ` (${n.url})`, style: "dim" });
        break;
      }
      case "image":
        if (n.alt) out.push({ text: n.alt, style });
        break;
      case "break":
        out.push({ text: "\n", style: "break" });
        break;
      case "html":
        break;
      default:
        if ("children" in n) out.push(...inline(n.children as PhrasingContent[], values, style));
        else if ("value" in n && typeof n.value === "string") out.push({ text: n.value, style });
    }
  }
  return out;
}
