import type { RelatedLocation, Severity } from "./diagnostic.js";
import type { StepGraph } from "../model/step-graph.js";
import type { Runbook } from "../model/types.js";
import type { Point, Span } from "../model/positions.js";

/** What a rule sees. Everything here is data or a pure lookup; rules do no I/O. */
export interface RuleContext {
  readonly runbook: Runbook;
  readonly graph: StepGraph;
  /** Whether a command is on PATH; resolved by the caller, so rules stay pure. */
  readonly commandExists: (name: string) => boolean;
  /** Today, for staleness rules (UTC midnight). */
  readonly today: Date;
  /** Facts from git about this file, when the caller has them. */
  readonly history?: FileHistory | undefined;
  /** The config's default review period, e.g. `90d`. */
  readonly defaultReviewEvery?: string | undefined;
  /**
   * Records a finding. Returns false once the rule has reported as many as are useful: a rule
   * that may find thousands (one per unknown id) stops there rather than compute them all.
   * `expected`: what the text at `place` (a span) should be, when the rule knows the fix.
   */
  readonly report: (message: string, place: Span | Point, related?: readonly RelatedLocation[], expected?: readonly string[]) => boolean;
}

/** Whether the file's steps changed after the commit it was verified at. Filled in by the git adapter. */
export interface FileHistory {
  readonly stepsChangedSince: { readonly commit: string; readonly date: string; readonly subject: string } | undefined;
  readonly unknownCommit?: boolean;
}

export interface RuleExamples {
  /** Runbooks on which the rule reports nothing. */
  readonly good: readonly string[];
  /** Runbooks on which the rule reports at least once. */
  readonly bad: readonly string[];
}

export interface Rule {
  readonly id: string;
  readonly description: string;
  readonly severity: Severity;
  /**
   * False for a rule about the runbook's metadata (its owner, its title, when it was verified), not
   * about what runs or in what order: `graph` and `run --dry-run` show its errors as warnings instead
   * of refusing. `run` refuses to start on any error. Default true, the safe side for a new rule.
   */
  readonly affectsPlan?: boolean;
  readonly examples: RuleExamples;
  readonly check: (ctx: RuleContext) => void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}

/** A rule that reports what the model builder already found under this rule's id. */
export function problemRule(meta: Omit<Rule, "check">): Rule {
  return {
    ...meta,
    check: ({ runbook, report }) => {
      for (const p of runbook.problems) if (p.ruleId === meta.id) report(p.message, p.place, p.related, p.expected);
    },
  };
}

