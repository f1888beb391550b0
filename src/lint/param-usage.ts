import type { Runbook, ShellBlock } from "../model/types.js";
import { scanShellVariables, type VarReference } from "../parse/shell-vars.js";

/**
 * Variables a command can rely on without a param: the usual login environment and what the
 * runner itself sets. Lowercase names are shell locals by convention and are not checked.
 */
export const AMBIENT_VARIABLES: ReadonlySet<string> = new Set([
  "HOME", "USER", "LOGNAME", "PATH", "PWD", "OLDPWD", "SHELL", "TERM", "LANG", "LANGUAGE", "LC_ALL", "TZ",
  "TMPDIR", "HOSTNAME", "HOSTTYPE", "UID", "EUID", "PPID", "RANDOM", "SECONDS", "LINENO", "BASHPID",
  "BASH_SOURCE", "BASH_VERSION", "BASH_REMATCH", "PIPESTATUS", "FUNCNAME", "IFS", "OSTYPE", "REPLY",
  "EDITOR", "PAGER", "CI", "DISPLAY", "SSH_AUTH_SOCK", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME",
  "RUNBOOK_RUN_ID", "RUNBOOK_STEP_ID", "RUNBOOK_ATTEMPT", "RUNBOOK_FILE", "RUNBOOK_DIR", "RUNBOOK_STATE_DIR",
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
