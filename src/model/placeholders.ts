/** Where a placeholder sits, which decides how `$NAME` must be written in its place. */
export type PlaceholderQuoting = "none" | "double" | "single" | "heredoc" | "quoted-heredoc";

/** A template placeholder left in shell source: `{{MAX_LAG}}`, `${{ inputs.host }}`, `<pod-name>`. */
export interface Placeholder {
  /** As written, e.g. `{{ MAX_LAG }}`. */
  readonly text: string;
  /** The name inside it, e.g. `MAX_LAG`, `host`, `pod-name`. */
  readonly name: string;
  readonly syntax: "mustache" | "github" | "angle";
  /** Offset within the source. */
  readonly offset: number;
  readonly quoting: PlaceholderQuoting;
}

/** Go and Jinja template words that stand alone in `{{…}}` and are not placeholders. */
const TEMPLATE_WORDS = new Set(["end", "else", "range", "if", "with", "define", "template", "block", "break", "continue", "nil", "true", "false", "endif", "endfor", "raw", "endraw"]);

/** `{{ X }}` or `{{- X -}}`: a bare name, as Mustache, Handlebars, Jinja and Helm values are written. `{{.Field}}` (Go) is not. */
const MUSTACHE = /\{\{-?[ \t]{0,8}([A-Za-z_][A-Za-z0-9_]{0,64}(?:[.-][A-Za-z0-9_]{1,64}){0,8})[ \t]{0,8}-?\}\}/y;
/** `${{ inputs.host }}`: GitHub Actions; to bash it is a "bad substitution". */
const GITHUB = /\$\{\{[ \t]{0,8}([A-Za-z_][A-Za-z0-9_.\-[\]'"]{0,128})[ \t]{0,8}\}\}/y;
/**
 * `<pod-name>`, `<NAMESPACE>`, `<value of the alert's namespace label>`, `<e.g. db-1.internal>`: a
 * letter, then up to a line of text with nothing the shell would act on (quotes, `$`, `|`, `;`, `&`,
 * parentheses, another `<` or `>`), ending in a letter or digit, so `<in >out` is not one.
 */
const ANGLE = /<([A-Za-z](?:[^<>\n'"`$|;&()\\{}=]{0,100}[A-Za-z0-9_])?)>/y;
/** The start of a heredoc: `<<EOF`, `<<-EOF`, `<< 'EOF'`, `<<"EOF"`, `<<\EOF`. */
const HEREDOC = /<<(-?)[ \t]{0,16}(?:'([^'\n]{1,64})'|"([^"\n]{1,64})"|\\?([A-Za-z0-9_.-]{1,64}))/y;

/** Longest span markup's closing tag is looked for in: keeps the scan linear. */
const WINDOW = 256;

/** A sticky match at `at`: every pattern here is bounded, so each try reads a few hundred characters at most. */
function matchAt(re: RegExp, source: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(source);
}

/**
 * Finds template placeholders in shell source, which the shell never fills in: `{{X}}` is run as
 * the text `{{X}}`, `${{ X }}` is a bad substitution, and `<x>` reads a file named `x`. A scanner
 * like `scanShellVariables`, not a shell parser: comments are skipped; `<` as a redirection
 * (`< file`, `2>&1`, `<&3`), a heredoc (`<<EOF`), a here-string (`<<<`) or a process substitution
 * (`<(…)`), and `<b>…</b>` markup are not placeholders. Linear in the source; never throws.
 */
export function scanPlaceholders(source: string): Placeholder[] {
  const out: Placeholder[] = [];
  const n = source.length;
  let quote: "none" | "double" | "single" = "none";
  const pending: { word: string; strip: boolean; quoted: boolean }[] = [];
  let i = 0;
  while (i < n) {
    const c = source[i] ?? "";
    if (c === "\n") {
      i++;
      // A newline outside quotes starts the bodies of the heredocs opened on the line that ends.
      if (quote === "none") for (let h = pending.shift(); h; h = pending.shift()) i = scanHeredocBody(source, i, h, out);
      continue;
    }
    if (quote === "single") {
      if (c === "'") quote = "none";
      else pushAt(source, i, quote, out);
      i++;
      continue;
    }
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (quote === "none") {
      if (c === "'") {
        quote = "single";
        i++;
        continue;
      }
      if (c === "#" && (i === 0 || /[\s;|&(]/.test(source[i - 1] ?? ""))) {
        const end = source.indexOf("\n", i);
        i = end === -1 ? n : end;
        continue;
      }
      if (c === "<" && source[i + 1] === "<") {
        if (source[i + 2] === "<") {
          i += 3;
          continue;
        }
        const m = matchAt(HEREDOC, source, i);
        if (m) {
          pending.push({ word: m[2] ?? m[3] ?? m[4] ?? "", strip: m[1] === "-", quoted: m[2] !== undefined || m[3] !== undefined || m[0].includes("\\") });
          i += m[0].length;
          continue;
        }
        i += 2;
        continue;
      }
    }
    if (c === '"') {
      quote = quote === "double" ? "none" : "double";
      i++;
      continue;
    }
    i = pushAt(source, i, quote, out);
  }
  return out;
}

/** Records a placeholder starting at `i`, if one does; returns where scanning goes on. */
function pushAt(source: string, i: number, quoting: PlaceholderQuoting, out: Placeholder[]): number {
  const c = source[i];
  if (c !== "{" && c !== "$" && c !== "<") return i + 1;
  // Inside single quotes the scan goes on character by character: never a placeholder within one.
  const last = out.at(-1);
  if (last && i < last.offset + last.text.length) return i + 1;
  const github = c === "$" ? matchAt(GITHUB, source, i) : null;
  if (github) {
    const expression = github[1] ?? "";
    out.push({ text: github[0], name: expression.split(".").at(-1)?.replace(/[[\]'"]/g, "") || expression, syntax: "github", offset: i, quoting });
    return i + github[0].length;
  }
  if (c === "{" && source[i - 1] !== "$") {
    const m = matchAt(MUSTACHE, source, i);
    // A third brace is another syntax (Handlebars' raw `{{{x}}}`, or shell brace expansion): left alone.
    if (m && source[i - 1] !== "{" && source[i + m[0].length] !== "}" && !TEMPLATE_WORDS.has((m[1] ?? "").toLowerCase())) {
      out.push({ text: m[0], name: m[1] ?? "", syntax: "mustache", offset: i, quoting });
      return i + m[0].length;
    }
    return i + 1;
  }
  if (c === "<" && isPlaceholderStart(source, i)) {
    const m = matchAt(ANGLE, source, i);
    if (m && !closedLater(source, i + m[0].length, m[1] ?? "")) {
      out.push({ text: m[0], name: m[1] ?? "", syntax: "angle", offset: i, quoting });
      return i + m[0].length;
    }
  }
  return i + 1;
}

/**
 * `<` that can open a placeholder: not glued to a letter or digit (`List<String>`, `0<file`), nor
 * part of `<<`, `<&3` or `$<`, which the shell owns. `backup_<TIMESTAMP>` is one.
 */
function isPlaceholderStart(source: string, i: number): boolean {
  const before = source[i - 1] ?? " ";
  return !/[A-Za-z0-9<>&$\\]/.test(before);
}

/** `<b>bold</b>` or `<name>x</name>`: markup with its closing tag on the same line, not a placeholder. */
function closedLater(source: string, from: number, name: string): boolean {
  const lineEnd = source.indexOf("\n", from);
  return source.slice(from, lineEnd === -1 ? Math.min(source.length, from + WINDOW) : Math.min(lineEnd, from + WINDOW)).includes(`</${name}>`);
}

/** Scans a heredoc's body, from `at` to just past its closing line; nothing in it is a comment or a quote. */
function scanHeredocBody(source: string, at: number, h: { word: string; strip: boolean; quoted: boolean }, out: Placeholder[]): number {
  let i = at;
  while (i < source.length) {
    const end = source.indexOf("\n", i);
    const lineEnd = end === -1 ? source.length : end;
    const line = source.slice(i, lineEnd);
    if ((h.strip ? line.replace(/^\t+/, "") : line) === h.word) return end === -1 ? source.length : end + 1;
    for (let j = i; j < lineEnd; ) j = pushAt(source, j, h.quoted ? "quoted-heredoc" : "heredoc", out);
    i = lineEnd + 1;
  }
  return source.length;
}
