import type { RelatedLocation } from "../model/problem.js";

export type { Problem, RelatedLocation } from "../model/problem.js";
export { startOf } from "../model/problem.js";

export type Severity = "error" | "warning";

/** What the config may set a rule to. */
export type RuleSetting = Severity | "off";

/** One finding about one file. It always knows where it is. */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  readonly severity: Severity;
  readonly ruleId: string;
  readonly message: string;
  readonly related?: readonly RelatedLocation[];
  /** What the text at the finding's span should be, when a rule knows the fix (editors offer it). */
  readonly expected?: readonly string[];
}

