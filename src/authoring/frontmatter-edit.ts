import { InputError } from "../core/errors.js";
import { isMap, isScalar, parseDocument, type Pair } from "yaml";
import { parseMarkdown } from "../model/parse-markdown.js";
import { LineIndex } from "../model/positions.js";

export class FrontmatterEditError extends InputError {
  override name = "FrontmatterEditError";
}

/** A plain YAML scalar when it reads back as the same string, else a double-quoted one. */
function yamlValue(v: string): string {
  const plain = /^[A-Za-z0-9_][A-Za-z0-9_ .@/+-]*$/.test(v) && !/\s$/.test(v) && !/^(true|false|null|yes|no|on|off|~)$/i.test(v) && !/^[0-9.+-]+$/.test(v);
  return plain || /^\d{4}-\d{2}-\d{2}$/.test(v) || /^[0-9a-f]{7,64}$/.test(v) ? v : JSON.stringify(v);
}

/**
 * Sets top-level frontmatter keys by splicing text at the YAML nodes' offsets, so that every other
 * byte (comments, key order, quoting, line endings) stays as it was. The `yaml` library cannot
 * write a document back byte for byte, so it is used only to find where things are.
 * Each entry is `[keys that may hold it, value]`: the first key present is updated (aliases such as
 * `last_reviewed_on` keep their name), else the first key is added.
 */
export function setFrontmatterFields(text: string, fields: ReadonlyArray<readonly [readonly string[], string]>): string {
  const root = parseMarkdown(text);
  const yamlNode = root.children[0]?.type === "yaml" ? root.children[0] : undefined;
  if (!yamlNode?.position) throw new FrontmatterEditError("no frontmatter to update: add a `---` block with `id` and `owner` first");
  const lines = new LineIndex(text);
  const base = lines.lineStart(yamlNode.position.start.line + 1);
  const value = yamlNode.value;
  const doc = parseDocument(value, { keepSourceTokens: true });
  if (doc.errors.length) throw new FrontmatterEditError(`the frontmatter is not valid YAML (${doc.errors[0]?.message.split(" at line")[0]}); see \`runbook lint\``);
  const map = doc.contents;
  if (value.trim() !== "" && !isMap(map)) throw new FrontmatterEditError("the frontmatter is not a mapping of keys");
  if (isMap(map) && map.flow) throw new FrontmatterEditError("the frontmatter is a flow mapping ({…}); write it one key per line to let the tool update it");
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const pairs = isMap(map) ? (map.items as Pair[]) : [];
  const keyOf = (p: Pair) => (isScalar(p.key) ? String(p.key.value) : undefined);

  const edits: Array<{ at: number; end: number; text: string }> = [];
  const missing: string[] = [];
  let anchorEnd: number | undefined;
  for (const [keys, v] of fields) {
    const pair = pairs.find((p) => keys.includes(keyOf(p) ?? ""));
    if (!pair) {
      missing.push(`${keys[0]}: ${yamlValue(v)}`);
      continue;
    }
    const range = isScalar(pair.value) ? pair.value.range : undefined;
    if (range) edits.push({ at: base + range[0], end: base + range[1], text: yamlValue(v) });
    else {
      // `key:` with no value: put the value after the colon.
      const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
      if (!keyRange) throw new FrontmatterEditError(`cannot update \`${keys[0]}\``);
      const colon = text.indexOf(":", base + keyRange[1]);
      edits.push({ at: colon + 1, end: colon + 1, text: ` ${yamlValue(v)}` });
    }
    const lineEnd = lineEndAt(text, edits.at(-1)!.end);
    anchorEnd = Math.max(anchorEnd ?? 0, lineEnd);
  }
  if (missing.length) {
    if (value === "") edits.push({ at: base, end: base, text: missing.map((m) => `${m}${eol}`).join("") });
    else {
      const at = anchorEnd ?? lineEndAt(text, base + value.length);
      edits.push({ at, end: at, text: missing.map((m) => `${eol}${m}`).join("") });
    }
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.end);
  return out;
}

/** Offset of the line break that ends the line containing `offset`, before any comment's end. */
function lineEndAt(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  const end = nl === -1 ? text.length : nl;
  return text[end - 1] === "\r" ? end - 1 : end;
}
