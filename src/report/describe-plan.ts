import { formatDuration } from "../model/duration.js";
import type { ResolvedParams } from "../run/param-values.js";
import type { Plan, PlanBlock } from "../run/plan.js";
import type { Param } from "../model/schema/frontmatter-schema.js";
import { MASKED } from "../core/masked.js";

const indent = (s: string, by = "      ") => s.split("\n").map((l) => `${by}${l}`).join("\n");

function attrs(b: PlanBlock): string {
  const out: string[] = [];
  if (b.timeoutMs !== undefined) out.push(`timeout ${formatDuration(b.timeoutMs)}`);
  if (b.retries) out.push(`${b.retries} retr${b.retries === 1 ? "y" : "ies"}, backoff ${formatDuration(b.backoffMs)}`);
  return out.length ? ` (${out.join(", ")})` : "";
}

/** One param as a dry run shows it: its value, `***` for a secret, or why there is none yet. */
export interface ParamShown {
  readonly name: string;
  /** What to print, or undefined when no value was given (nor has a default). */
  readonly value: string | undefined;
  /** The value given is refused by the param's checks (listed as an error before the plan). */
  readonly wrong: boolean;
}

/**
 * Each declared param as a dry run shows it. Never a value that is not real: a secret is `***` only
 * when one was given, and a param with no value says so rather than show a stand-in. Pure.
 */
export function paramsShown(declared: Readonly<Record<string, Param>>, given: Readonly<Record<string, string>>, r: ResolvedParams): ParamShown[] {
  const wrong = new Set(r.problems.map((p) => p.name));
  return Object.entries(declared).map(([name, p]) => {
    const raw = Object.hasOwn(r.values, name) ? r.values[name] : wrong.has(name) ? ((Object.hasOwn(given, name) ? given[name] : undefined) ?? p.default) : undefined;
    return { name, value: raw === undefined ? undefined : p.secret ? MASKED : raw, wrong: wrong.has(name) };
  });
}

/** What a param with no value gets at the start of a run: asked for at a terminal, else the run is refused. */
function notGiven(name: string, interactive: boolean): string {
  return interactive ? "(not given: asked at start)" : `(not given: pass -p ${name}=… or set RUNBOOK_PARAM_${name}; there is no terminal to ask at)`;
}

export interface DescribeOptions {
  readonly from?: string | undefined;
  readonly only?: readonly string[] | undefined;
  /** Whether `run` would have a terminal to ask for missing params at. */
  readonly interactive?: boolean;
  /** How many given params are wrong; the errors are printed before the plan. */
  readonly wrongParams?: number;
}

/** `--dry-run`: the order, the commands, which steps confirm and which can be rolled back. Nothing runs. */
export function describePlan(plan: Plan, params: readonly ParamShown[], pick: DescribeOptions = {}): string {
  const wrong = pick.wrongParams ?? 0;
  const refused = wrong ? `; it would not start as given: ${wrong === 1 ? "a param is" : `${wrong} params are`} wrong (listed above)` : ":";
  const out: string[] = [`Plan for ${plan.title} (${plan.runbookId}), nothing will run${refused}`, ""];
  const order = plan.steps.map((s) => s.id);
  const assumed = (id: string) => (pick.only ? !pick.only.includes(id) : pick.from !== undefined && order.indexOf(id) < order.indexOf(pick.from));
  if (params.length) {
    out.push("Params:");
    for (const p of params) out.push(p.value === undefined ? `  ${p.name} ${notGiven(p.name, pick.interactive === true)}` : `  ${p.name}=${p.value}${p.wrong ? "  (wrong, see above)" : ""}`);
    out.push("");
  }
  if (plan.requires.length) out.push(`Requires on PATH: ${plan.requires.join(", ")}`, "");
  if (plan.checks.length) {
    out.push("Prerequisites (all must pass before any step runs):");
    plan.checks.forEach((c, i) => out.push(`  ${i + 1}. line ${c.line}${attrs(c)}`, indent(c.source)));
    out.push("");
  }
  // With steps at once, what each waits for is the order that counts.
  out.push(plan.parallel > 1 ? `Steps, up to ${plan.parallel} at once (each once the steps it needs are done; an irreversible one alone):` : "Steps, in order:");
  plan.steps.forEach((s, i) => {
    if (assumed(s.id)) {
      out.push(`  ${i + 1}. ${s.id}: ${s.title}  [assumed done by the operator: not run, not rolled back]`);
      return;
    }
    const marks = [s.manual ? "manual" : "", s.confirm ? "confirm" : "", s.irreversible !== undefined ? `irreversible: ${s.irreversible}` : "", s.rollback ? "has rollback" : "", s.capture ? `captures $${s.capture}` : "", s.on !== undefined ? `on ${s.on}` : "", plan.parallel > 1 ? (s.needs.length ? `needs ${s.needs.join(", ")}` : "needs nothing") : ""].filter(Boolean);
    out.push(`  ${i + 1}. ${s.id}: ${s.title}${marks.length ? `  [${marks.join("; ")}]` : ""}`);
    // A manual step is its instructions: they are what the operator will be asked to do and confirm.
    if (s.manual) out.push("     the operator does, then confirms:", s.instructions === "" ? "      (no instructions: only the heading)" : indent(s.instructions));
    if (s.command) out.push(`     run${attrs(s.command)}:`, indent(s.command.source));
    if (s.verify) out.push(`     verify${attrs(s.verify)}:`, indent(s.verify.source));
    if (s.rollback) out.push(`     rollback${attrs(s.rollback)}:`, indent(s.rollback.source));
  });
  if (plan.rollback.length) {
    out.push("", "Runbook rollback (after the steps' own rollbacks):");
    plan.rollback.forEach((b, i) => out.push(`  ${i + 1}. line ${b.line}`, indent(b.source)));
  }
  return `${out.join("\n")}\n`;
}
