import { lexShell, type Redirect, type ShellWord } from "./shell-words.js";
import { isProgramVariable, READ_ONLY_COMMANDS, type ReadOnlyCommand } from "./read-only-commands.js";

/** Whether a block only reads, and if not, the first reason found. */
export type Verdict = { readonly readOnly: true } | { readonly readOnly: false; readonly why: string };

const BY_NAME: ReadonlyMap<string, ReadOnlyCommand> = new Map(READ_ONLY_COMMANDS.flatMap((c) => c.names.map((n) => [n, c] as const)));
const MAX_DEPTH = 8;

/**
 * Whether every command of a shell block is on the read-only list (`READ_ONLY_COMMANDS`) with
 * arguments that only read, so `runbook import` may write the step without `confirm`. Anything it
 * cannot follow counts as changing state: a command not on the list, a command named by a variable,
 * a redirection to a file, `$(…)` that is not read-only itself, `sudo`, `xargs`, `eval`, `ssh`…
 * Pure; never throws.
 */
export function readOnlyVerdict(source: string, depth = 0): Verdict {
  if (depth > MAX_DEPTH) return no("command substitutions nested too deep");
  const script = lexShell(source);
  if (script.unsupported !== undefined) return no(`${script.unsupported} (not followed)`);
  for (const command of script.commands) {
    for (const r of command.redirects) {
      const why = redirectWhy(r);
      if (why) return no(why);
    }
    for (const a of command.assignments) {
      const variable = /^[A-Za-z_][A-Za-z0-9_]*/.exec(a.text)?.[0] ?? "";
      if (isProgramVariable(variable)) return no(`sets \`${variable}\`, which makes programs run others`);
    }
    const [name, ...args] = command.words;
    if (!name) continue;
    if (!name.literal) return no(`\`${name.text}\` runs a command named by a variable`);
    const entry = BY_NAME.get(name.text);
    if (!entry) return no(`\`${name.text}\` is not on the read-only list`);
    const why = entry.check?.(args, name.text);
    if (why) return no(`\`${name.text}\`: ${why}`);
  }
  for (const inner of script.substitutions) {
    const v = readOnlyVerdict(inner, depth + 1);
    if (!v.readOnly) return no(`\`$(${firstLine(inner)})\`: ${v.why}`);
  }
  return { readOnly: true };
}

/** Shorthand for callers that only need the answer. */
export function isReadOnly(source: string): boolean {
  return readOnlyVerdict(source).readOnly;
}

function no(why: string): Verdict {
  return { readOnly: false, why };
}

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}

/** Reading a file, duplicating a descriptor, or writing to /dev/null only; any other redirection writes. */
function redirectWhy(r: Redirect): string | undefined {
  const target: ShellWord | undefined = r.target;
  if (r.op === "<" || r.op === "<<<" || r.op === "<<" || r.op === "<<-") return undefined;
  if ((r.op === ">&" || r.op === "<&") && target?.literal && /^(\d+|-)$/.test(target.text)) return undefined;
  if ([">", ">>", "&>", "&>>", ">&", ">|"].includes(r.op) && target?.literal && target.text === "/dev/null") return undefined;
  return `redirection \`${r.op}${target ? ` ${target.text}` : ""}\` writes`;
}
