import type { Diagnostic, Severity } from "./diagnostic.js";

/** Everything a formatter needs; formatters are pure functions of this. */
export interface Report {
  readonly files: readonly FileReport[];
  readonly rules: readonly RuleInfo[];
  /** Absolute folder the file paths are relative to. */
  readonly cwd: string;
  readonly toolVersion: string;
  readonly color: boolean;
  /** What the run as a whole has to say, not about one file (a shallow clone): SARIF notifications, GitHub warnings. */
  readonly notices?: readonly string[];
}

export interface FileReport {
  /** Path as given or found, relative to cwd where possible. */
  readonly file: string;
  readonly diagnostics: readonly Diagnostic[];
}

export interface RuleInfo {
  readonly id: string;
  readonly description: string;
  readonly severity: Severity;
  /** False when the rule's errors leave the graph and the plan right (see `Rule.affectsPlan`). */
  readonly affectsPlan?: boolean;
}

export function countBySeverity(files: readonly FileReport[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const f of files) {
    for (const d of f.diagnostics) {
      if (d.severity === "error") errors++;
      else warnings++;
    }
  }
  return { errors, warnings };
}
