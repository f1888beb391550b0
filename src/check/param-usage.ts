import type { Runbook, ShellBlock } from "../model/types.js";
import { scanPlaceholders, type Placeholder } from "../model/placeholders.js";
import { scanShellVariables, type VarReference } from "../model/shell-vars.js";
import { closest } from "../model/suggest.js";

/**
 * Variables a command can rely on without a param: the usual login environment and what the
 * runner itself sets. Lowercase names are shell locals by convention and are not checked.
 */
export const AMBIENT_VARIABLES: ReadonlySet<string> = new Set([
  "HOME", "USER", "LOGNAME", "PATH", "PWD", "OLDPWD", "SHELL", "TERM", "LANG", "LANGUAGE", "LC_ALL", "TZ",
  "TMPDIR", "HOSTNAME", "HOSTTYPE", "UID", "EUID", "PPID", "RANDOM", "SECONDS", "LINENO", "BASHPID",
  "BASH_SOURCE", "BASH_VERSION", "BASH_REMATCH", "PIPESTATUS", "FUNCNAME", "IFS", "OSTYPE", "REPLY",
  "EDITOR", "PAGER", "CI", "DISPLAY", "SSH_AUTH_SOCK", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME",
  "RUNBOOK_RUN_ID", "RUNBOOK_STEP_ID", "RUNBOOK_ATTEMPT", "RUNBOOK_HOST", "RUNBOOK_FILE", "RUNBOOK_DIR", "RUNBOOK_STATE_DIR",
]);

/** Blocks that actually run: prerequisites, steps and the runbook-level rollback. */
export function runnableBlocks(runbook: Runbook): ShellBlock[] {
  return runbook.shellBlocks.filter((b) => b.stepId !== undefined || (b.section === "prerequisites" && b.role === "command") || b.section === "rollback");
}

export interface BlockVariables {
  readonly block: ShellBlock;
  readonly references: readonly VarReference[];
  readonly assigned: ReadonlySet<string>;
}

export function blockVariables(runbook: Runbook): BlockVariables[] {
  return runnableBlocks(runbook).map((block) => ({ block, ...scanShellVariables(block.source) }));
}

export interface BlockPlaceholders {
  readonly block: ShellBlock;
  readonly placeholders: readonly Placeholder[];
}

export function blockPlaceholders(runbook: Runbook): BlockPlaceholders[] {
  return runnableBlocks(runbook).map((block) => ({ block, placeholders: scanPlaceholders(block.source) }));
}

/**
 * The variable a placeholder's name stands for, written as one: `pod-name` → `POD_NAME`,
 * `inputs.max_lag` → `MAX_LAG`. Undefined for a description (`<value of the alert's label>`),
 * which names no variable well.
 */
export function variableNameFor(placeholder: Placeholder): string | undefined {
  const words = placeholder.name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  if (words.length === 0 || words.length > 4) return undefined;
  const name = words.join("_").toUpperCase();
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** The declared variable (param, `env:` name, capture) a placeholder most likely means, if any. */
export function declaredFor(placeholder: Placeholder, declared: readonly string[]): string | undefined {
  const name = variableNameFor(placeholder);
  if (name === undefined) return undefined;
  return declared.find((d) => d === name) ?? declared.find((d) => d.toUpperCase() === name) ?? closest(name, declared);
}
