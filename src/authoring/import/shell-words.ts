/**
 * Enough of a shell lexer to judge whether a block only reads: it splits source into simple
 * commands (words, leading assignments, redirections) and collects what runs inside `$(…)`,
 * backticks and `<(…)`. It is not a shell parser: whatever it does not follow (an unclosed quote,
 * `case`, a function, `>(…)`, arithmetic that runs a command, a heredoc that expands one) is
 * reported as `unsupported`, and a caller that must be safe treats that as "may change state".
 * Pure; never throws; linear in the source.
 */

export interface ShellWord {
  /** The word with quotes removed; expansions are kept as written (`$NAME`). */
  readonly text: string;
  /** No part of it expands: what is written is what the command gets. */
  readonly literal: boolean;
  /** Some part was quoted or escaped, so `"{"` or `'if'` is not a keyword. */
  readonly quoted: boolean;
}

export interface Redirect {
  /** `>`, `>>`, `<`, `<<`, `<<<`, `>&`, `&>`… without the file descriptor. */
  readonly op: string;
  readonly target: ShellWord | undefined;
}

export interface SimpleCommand {
  /** `NAME=value` words before the command name. */
  readonly assignments: readonly ShellWord[];
  /** The command name and its arguments. */
  readonly words: readonly ShellWord[];
  readonly redirects: readonly Redirect[];
}

export interface ShellScript {
  readonly commands: readonly SimpleCommand[];
  /** The source of each `$(…)`, `` `…` `` and `<(…)`, to be judged in turn. */
  readonly substitutions: readonly string[];
  /** What the lexer did not follow, in words; undefined when it followed everything. */
  readonly unsupported: string | undefined;
}

type Token = { readonly kind: "word"; readonly word: ShellWord } | { readonly kind: "op"; readonly op: string } | { readonly kind: "redirect"; readonly op: string };

const OPERATORS = ["&&", "||", ";;", "|&", ";", "|", "&", "(", ")"];
const REDIRECTS = ["<<<", "<<-", "&>>", "<<", ">>", "<&", ">&", "<>", ">|", "&>", "<", ">"];
/** Reserved words that only open or close a compound command around other commands. */
const PREFIX_WORDS = new Set(["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "time"]);

class Lexer {
  readonly tokens: Token[] = [];
  readonly substitutions: string[] = [];
  unsupported: string | undefined;
  private i = 0;
  private word = "";
  private inWord = false;
  private literal = true;
  private quoted = false;
  private heredocs: { delimiter: string; strip: boolean; expands: boolean }[] = [];
  private expectDelimiter: { strip: boolean } | undefined;

  constructor(private readonly src: string) {}

  run(): void {
    const { src } = this;
    while (this.i < src.length && this.unsupported === undefined) {
      const c = src[this.i] ?? "";
      const next = src[this.i + 1] ?? "";
      if (c === "\\" && next === "\n") {
        this.i += 2;
      } else if (c === " " || c === "\t" || c === "\r") {
        this.endWord();
        this.i++;
      } else if (c === "\n") {
        this.endWord();
        this.tokens.push({ kind: "op", op: "\n" });
        this.i++;
        this.readHeredocBodies();
      } else if (c === "#" && !this.inWord) {
        const end = src.indexOf("\n", this.i);
        this.i = end === -1 ? src.length : end;
      } else if ((c === "<" || c === ">") && next === "(" && !this.inWord) {
        if (c === ">") this.fail("`>(…)` feeds a command whose effect is not followed");
        else {
          const inner = this.balanced(this.i + 2);
          this.substitution(inner, inner === undefined ? 0 : this.i + 2 + inner.length + 1);
        }
      } else if (c === "<" || c === ">" || (c === "&" && next === ">")) {
        // `2>` and `2>&1`: a word of digits right before a redirection is its file descriptor.
        if (this.inWord && /^\d+$/.test(this.word) && this.literal && !this.quoted) this.resetWord();
        else this.endWord();
        const op = REDIRECTS.find((r) => src.startsWith(r, this.i)) ?? c;
        this.tokens.push({ kind: "redirect", op });
        if (op === "<<" || op === "<<-") this.expectDelimiter = { strip: op === "<<-" };
        this.i += op.length;
      } else if (OPERATORS.some((o) => o[0] === c)) {
        this.endWord();
        const op = OPERATORS.find((o) => src.startsWith(o, this.i)) ?? c;
        this.tokens.push({ kind: "op", op });
        this.i += op.length;
      } else if (c === "'") {
        const end = src.indexOf("'", this.i + 1);
        if (end === -1) return this.fail("a quote that never closes");
        this.append(src.slice(this.i + 1, end), true);
        this.i = end + 1;
      } else if (c === '"') {
        this.doubleQuoted();
      } else if (c === "\\") {
        this.append(next, true);
        this.i += 2;
      } else if (c === "$") {
        this.dollar();
      } else if (c === "`") {
        const end = this.backtickEnd(this.i + 1);
        if (end === -1) return this.fail("a backtick that never closes");
        this.substitution(src.slice(this.i + 1, end).replace(/\\([`$\\])/g, "$1"), end + 1);
      } else {
        this.append(c, false);
        this.i++;
      }
    }
    this.endWord();
    if (this.heredocs.length || this.expectDelimiter) this.readHeredocBodies();
  }

  private fail(why: string): void {
    this.unsupported ??= why;
    this.i = this.src.length;
  }

  private append(text: string, quoted: boolean): void {
    this.word += text;
    this.inWord = true;
    if (quoted) this.quoted = true;
  }

  private resetWord(): void {
    this.word = "";
    this.inWord = false;
    this.literal = true;
    this.quoted = false;
  }

  private endWord(): void {
    if (!this.inWord) return;
    const word: ShellWord = { text: this.word, literal: this.literal, quoted: this.quoted };
    this.resetWord();
    if (this.expectDelimiter) {
      this.heredocs.push({ delimiter: word.text, strip: this.expectDelimiter.strip, expands: !word.quoted });
      this.expectDelimiter = undefined;
    }
    this.tokens.push({ kind: "word", word });
  }

  /** Marks the word as expanding and keeps the expansion's text as written. */
  private expansion(text: string): void {
    this.append(text, false);
    this.literal = false;
  }

  private substitution(inner: string | undefined, end: number): void {
    if (inner === undefined) return this.fail("a `$(` that never closes");
    this.substitutions.push(inner);
    this.expansion(this.src.slice(this.i, end));
    this.i = end;
  }

  private dollar(): void {
    const { src } = this;
    const next = src[this.i + 1] ?? "";
    if (next === "(" && src[this.i + 2] === "(") {
      const end = src.indexOf("))", this.i + 3);
      if (end === -1) return this.fail("arithmetic that never closes");
      const inner = src.slice(this.i + 3, end);
      if (/[`]|\$\(/.test(inner)) return this.fail("arithmetic that runs a command");
      this.expansion(src.slice(this.i, end + 2));
      this.i = end + 2;
    } else if (next === "(") {
      const inner = this.balanced(this.i + 2);
      this.substitution(inner, inner === undefined ? 0 : this.i + 2 + inner.length + 1);
    } else if (next === "{") {
      const end = src.indexOf("}", this.i + 2);
      if (end === -1) return this.fail("a `${` that never closes");
      const inner = src.slice(this.i + 2, end);
      // `${X:-$(cmd)}` hides a command in a default; not followed.
      if (/[`]|\$\(|\$\{/.test(inner)) return this.fail("a command inside `${…}`");
      this.expansion(src.slice(this.i, end + 1));
      this.i = end + 1;
    } else if (/[A-Za-z_0-9@*#?$!-]/.test(next)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(this.i + 1, this.i + 257));
      const len = m ? m[0].length : 1;
      this.expansion(src.slice(this.i, this.i + 1 + len));
      this.i += 1 + len;
    } else if (next === "'" || next === '"') {
      // `$'…'` and `$"…"`: quoted text; the quote is read next.
      this.i++;
    } else {
      this.append("$", false);
      this.i++;
    }
  }

  private doubleQuoted(): void {
    const { src } = this;
    this.append("", true);
    this.i++;
    while (this.i < src.length && this.unsupported === undefined) {
      const c = src[this.i] ?? "";
      if (c === '"') {
        this.i++;
        return;
      }
      if (c === "\\") {
        const next = src[this.i + 1] ?? "";
        this.append(/[$`"\\\n]/.test(next) ? (next === "\n" ? "" : next) : `\\${next}`, true);
        this.i += 2;
      } else if (c === "$") {
        this.dollar();
      } else if (c === "`") {
        const end = this.backtickEnd(this.i + 1);
        if (end === -1) return this.fail("a backtick that never closes");
        this.substitution(src.slice(this.i + 1, end).replace(/\\([`$\\"])/g, "$1"), end + 1);
      } else {
        this.append(c, true);
        this.i++;
      }
    }
    this.fail("a quote that never closes");
  }

  private backtickEnd(from: number): number {
    for (let j = from; j < this.src.length; j++) {
      if (this.src[j] === "\\") j++;
      else if (this.src[j] === "`") return j;
    }
    return -1;
  }

  /** The text from `from` up to the `)` that closes an already open `(`, or undefined. */
  private balanced(from: number): string | undefined {
    const { src } = this;
    let depth = 1;
    for (let j = from; j < src.length; j++) {
      const c = src[j];
      if (c === "\\") j++;
      else if (c === "'") {
        const end = src.indexOf("'", j + 1);
        if (end === -1) return undefined;
        j = end;
      } else if (c === '"') {
        for (j++; j < src.length && src[j] !== '"'; j++) if (src[j] === "\\") j++;
      } else if (c === "(") depth++;
      else if (c === ")" && --depth === 0) return src.slice(from, j);
    }
    return undefined;
  }

  /** Skips the bodies of the heredocs opened on the line just ended. */
  private readHeredocBodies(): void {
    if (this.expectDelimiter) return this.fail("a heredoc without a delimiter");
    const { src } = this;
    for (const h of this.heredocs) {
      let found = false;
      while (this.i < src.length) {
        const end = src.indexOf("\n", this.i);
        const line = src.slice(this.i, end === -1 ? src.length : end);
        this.i = end === -1 ? src.length : end + 1;
        if ((h.strip ? line.replace(/^\t+/, "") : line) === h.delimiter) {
          found = true;
          break;
        }
        if (h.expands && /[`]|\$\(/.test(line)) return this.fail("a heredoc that runs a command");
      }
      if (!found) return this.fail("a heredoc that never ends");
    }
    this.heredocs = [];
  }
}

/** Splits shell source into simple commands. See the module comment for what it follows. */
export function lexShell(source: string): ShellScript {
  const lexer = new Lexer(source.replace(/\r\n?/g, "\n"));
  lexer.run();
  const commands: SimpleCommand[] = [];
  let unsupported = lexer.unsupported;
  let current: { assignments: ShellWord[]; words: ShellWord[]; redirects: Redirect[] } = { assignments: [], words: [], redirects: [] };
  let forHeader = false;
  const flush = () => {
    if (current.words.length || current.assignments.length || current.redirects.length) commands.push(current);
    current = { assignments: [], words: [], redirects: [] };
  };
  const tokens = lexer.tokens;
  for (let t = 0; t < tokens.length && unsupported === undefined; t++) {
    const token = tokens[t]!;
    if (token.kind === "op") {
      if (token.op === "(" && current.words.length === 1) unsupported = "a function definition";
      forHeader = false;
      flush();
      continue;
    }
    if (token.kind === "redirect") {
      const target = tokens[t + 1];
      current.redirects.push({ op: token.op, target: target?.kind === "word" ? target.word : undefined });
      if (target?.kind === "word") t++;
      continue;
    }
    const { word } = token;
    if (forHeader) continue;
    const atStart = current.words.length === 0;
    if (atStart && !word.quoted && word.literal) {
      if (PREFIX_WORDS.has(word.text)) {
        flush();
        continue;
      }
      if (word.text === "for" || word.text === "select") {
        // `for NAME in words`: nothing runs in the header but its substitutions, collected already.
        if ((tokens[t + 1]?.kind === "op" && (tokens[t + 1] as { op: string }).op === "(") || word.text === "select") unsupported = `\`${word.text}\` loops of this form`;
        forHeader = true;
        continue;
      }
      if (word.text === "case" || word.text === "function" || word.text === "coproc") {
        unsupported = `\`${word.text}\``;
        continue;
      }
    }
    if (atStart && /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/.test(word.text)) {
      current.assignments.push(word);
      continue;
    }
    current.words.push(word);
  }
  flush();
  return { commands, substitutions: lexer.substitutions, unsupported };
}
