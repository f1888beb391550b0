import { startOf, type Diagnostic, type RuleSetting, type Severity } from "./diagnostic.js";
import { buildStepGraph } from "../model/step-graph.js";
import type { Runbook } from "../model/types.js";
import type { Point, Span } from "../model/positions.js";
import type { FileHistory, Rule, RuleContext } from "./define-rule.js";
import { RULES } from "./registry.js";

export type { RuleSetting } from "./diagnostic.js";

/** Findings of one rule in one file past which more would only bury the first ones (and cost time). */
export const MAX_FINDINGS_PER_RULE = 100;

export interface LintOptions {
  readonly rules?: readonly Rule[];
  /** Per-rule severity overrides from the config. */
  readonly severities?: Readonly<Record<string, RuleSetting>>;
  readonly commandExists?: (name: string) => boolean;
  readonly today?: Date;
  readonly history?: FileHistory | undefined;
  readonly defaultReviewEvery?: string | undefined;
}

/**
 * Runs the rules over one runbook. Pure given its options. A rule that throws is a bug in the
 * rule, not in the runbook: it becomes a finding of its own instead of stopping the lint.
 */
export function lintRunbook(runbook: Runbook, options: LintOptions = {}): Diagnostic[] {
  const rules = options.rules ?? RULES;
  const graph = buildStepGraph(runbook);
  const out: Diagnostic[] = [];
  // An empty or binary file gets one clear finding, not one from every rule.
  const unreadable = runbook.problems.some((p) => p.ruleId === "file-content");
  for (const rule of rules) {
    const severity = options.severities?.[rule.id] ?? rule.severity;
    if (severity === "off" || (unreadable && rule.id !== "file-content")) continue;
    let count = 0;
    const report: RuleContext["report"] = (message, place, related, expected) => {
      count++;
      if (count <= MAX_FINDINGS_PER_RULE) out.push(toDiagnostic(runbook.file, rule.id, severity, message, place, related, expected));
      else if (count === MAX_FINDINGS_PER_RULE + 1) out.push(toDiagnostic(runbook.file, rule.id, severity, `More findings of this rule follow; only the first ${MAX_FINDINGS_PER_RULE} are shown`, place));
      return count <= MAX_FINDINGS_PER_RULE;
    };
    try {
      rule.check({
        runbook,
        graph,
        commandExists: options.commandExists ?? (() => true),
        today: options.today ?? new Date(),
        history: options.history,
        defaultReviewEvery: options.defaultReviewEvery,
        report,
      });
    } catch (error) {
      out.push(toDiagnostic(runbook.file, rule.id, "error", `Rule crashed: ${error instanceof Error ? error.message : String(error)}`, { line: 1, column: 1, offset: 0 }));
    }
  }
  return out.sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
}

function toDiagnostic(file: string, ruleId: string, severity: Severity, message: string, place: Span | Point, related?: Diagnostic["related"], expected?: Diagnostic["expected"]): Diagnostic {
  const start = startOf(place);
  const end = "end" in place ? place.end : undefined;
  return {
    file,
    line: start.line,
    column: start.column,
    ...(end ? { endLine: end.line, endColumn: end.column } : {}),
    severity,
    ruleId,
    message,
    ...(related && related.length ? { related } : {}),
    // A fix replaces a span; a bare point has nothing to replace.
    ...(expected && expected.length && end ? { expected } : {}),
  };
}
