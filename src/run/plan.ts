import path from "node:path";
import type { StepGraph } from "../model/step-graph.js";
import type { Fanout, Runbook, ShellBlock, Step } from "../model/types.js";
import { DEFAULT_BACKOFF_MS } from "./backoff.js";

export type Phase = "check" | "command" | "verify" | "rollback";

/** One block, ready to run: what, where, and how hard to try. */
export interface PlanBlock {
  readonly target: string;
  readonly phase: Phase;
  readonly source: string;
  readonly line: number;
  readonly cwd: string;
  readonly timeoutMs: number | undefined;
  readonly retries: number;
  readonly backoffMs: number;
}

export interface PlanStep {
  readonly id: string;
  readonly title: string;
  readonly instructions: string;
  readonly line: number;
  readonly manual: boolean;
  readonly confirm: boolean;
  readonly irreversible: string | undefined;
  readonly capture: string | undefined;
  /** `{#id drill_skip}`: a drill leaves it out. */
  readonly drillSkip: boolean;
  readonly command: PlanBlock | undefined;
  readonly verify: PlanBlock | undefined;
  readonly rollback: PlanBlock | undefined;
  /** Variables the step's blocks read, so a capture from a secret can be treated as one. */
  readonly reads: readonly string[];
  /** `on=`: the group (or `$PARAM`) whose hosts run its blocks over SSH; undefined runs them here. */
  readonly on: string | undefined;
  readonly fanout: Fanout;
  /** The steps it waits for (`needs=`, else the step before it): with `parallel` above 1, it starts once they are all finished. */
  readonly needs: readonly string[];
}

/** A runbook turned into what the engine walks. Pure. */
export interface Plan {
  readonly runbookId: string;
  readonly title: string;
  readonly file: string;
  readonly dir: string;
  readonly shell: readonly string[];
  readonly requires: readonly string[];
  readonly checks: readonly PlanBlock[];
  /** In run order. */
  readonly steps: readonly PlanStep[];
  readonly rollback: readonly PlanBlock[];
  /** Steps at once (frontmatter `parallel:`, or `--parallel`): 1 runs them one at a time, in order. */
  readonly parallel: number;
}

/** Targets of prerequisite checks and runbook-level rollback blocks; `@` cannot start a step id. */
export const checkTarget = (i: number) => `@prerequisite/${i + 1}`;
export const rollbackTarget = (i: number) => `@rollback/${i + 1}`;

const SHELLS: Record<string, readonly string[]> = {
  bash: ["bash", "-euo", "pipefail"],
  zsh: ["zsh", "-euo", "pipefail"],
  sh: ["sh", "-eu"],
};

export function buildPlan(runbook: Runbook, graph: StepGraph, absoluteFile: string): Plan {
  const dir = path.dirname(absoluteFile);
  const defaultTimeout = runbook.meta?.timeout;
  const block = (b: ShellBlock, target: string, phase: Phase): PlanBlock => ({
    target,
    phase,
    source: b.source,
    line: b.span.start.line,
    cwd: b.attributes.cwd ? path.resolve(dir, b.attributes.cwd) : dir,
    timeoutMs: b.attributes.timeout ?? defaultTimeout,
    retries: b.attributes.retries ?? 0,
    backoffMs: b.attributes.backoff ?? DEFAULT_BACKOFF_MS,
  });
  const step = (s: Step): PlanStep => ({
    id: s.id,
    title: s.title,
    instructions: s.instructions,
    line: s.span.start.line,
    manual: s.manual,
    // An irreversible step is always confirmed: without a person (or a flag naming it) it never runs.
    confirm: s.confirm || s.irreversible !== undefined,
    irreversible: s.irreversible,
    capture: s.capture,
    drillSkip: s.drillSkip,
    command: s.command && block(s.command, s.id, "command"),
    verify: s.verify && block(s.verify, s.id, "verify"),
    rollback: s.rollback && block(s.rollback, s.id, "rollback"),
    on: s.on,
    fanout: s.fanout,
    needs: graph.needs.get(s.id) ?? [],
    reads: [...new Set([s.command, s.verify, s.rollback].flatMap((b) => (b ? [...b.source.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] ?? "") : [])))],
  });
  return {
    runbookId: runbook.meta?.id ?? "runbook",
    title: runbook.title ?? runbook.meta?.id ?? runbook.file,
    file: absoluteFile,
    dir,
    shell: SHELLS[runbook.meta?.shell ?? "bash"] ?? SHELLS.bash!,
    requires: runbook.meta?.requires ?? [],
    checks: runbook.prerequisites.map((b, i) => block(b, checkTarget(i), "check")),
    steps: graph.order.map(step),
    rollback: runbook.rollback.map((b, i) => block(b, rollbackTarget(i), "rollback")),
    parallel: runbook.meta?.parallel ?? 1,
  };
}

/** Steps that need an operator's answer: confirmations and manual steps. */
export function stepsNeedingOperator(plan: Plan): PlanStep[] {
  return plan.steps.filter((s) => s.confirm || s.manual);
}
