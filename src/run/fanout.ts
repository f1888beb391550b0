import type { HostShare } from "../model/schema/attributes.js";
import type { Fanout } from "../model/types.js";
import type { Capture, EventOf, NewEvent } from "../journal/events.js";
import { passed } from "../journal/outcome.js";
import type { PlanBlock, PlanStep } from "./plan.js";
import { attemptKey, type Attempt, type HostState, type RunState, type StepState } from "./state.js";

/** One block to run on one host of a step on a group. */
export interface HostRun {
  readonly host: string;
  readonly block: PlanBlock;
  readonly attempt: number;
  readonly retry: number;
  readonly notBefore: number | undefined;
}

/**
 * The hosts a step on a group runs on, from what the run journaled when it started: the group `on=`
 * names, or the group or host a param names (`on=$TARGET`). Undefined for a step run here.
 */
export function stepHosts(started: EventOf<"run_started">, ps: Pick<PlanStep, "id" | "on">): readonly string[] | undefined {
  if (ps.on === undefined) return undefined;
  const name = started.on?.[ps.id] ?? groupName(ps.on, started.params);
  return started.targets?.[name] ?? [name];
}

/** What `on=` names once params are known: `$TARGET` is the param's value. */
export function groupName(on: string, params: Readonly<Record<string, string>>): string {
  return on.startsWith("$") ? (params[on.slice(1)] ?? "") : on;
}

/** How many hosts a share is, of `total`: a percent rounds up for a batch (a canary is at least one host). */
function sizeOf(share: HostShare, total: number, round: (n: number) => number): number {
  return "count" in share ? share.count : round((share.percent * total) / 100);
}

/**
 * The hosts in batches: each size in turn, the last repeating until every host has its batch
 * (Ansible's `serial`). `1,25%,100%` on 8 hosts: [1], [2], [5].
 */
export function batches(hosts: readonly string[], spec: readonly HostShare[]): string[][] {
  const out: string[][] = [];
  let i = 0;
  for (let k = 0; i < hosts.length; k++) {
    const share = spec[Math.min(k, spec.length - 1)] ?? { percent: 100 };
    const size = Math.max(1, sizeOf(share, hosts.length, Math.ceil));
    out.push(hosts.slice(i, i + size));
    i += size;
  }
  return out;
}

/** How many hosts may fail before the step fails: a percent rounds down (10% of 5 hosts is none). */
export function failuresAllowed(fanout: Fanout, total: number): number {
  return sizeOf(fanout.maxFail, total, Math.floor);
}

/** What to do next for a step on a group: a host's end to journal, hosts to run, or the step's end. */
export type HostsNext =
  | { readonly kind: "record"; readonly events: readonly NewEvent[] }
  | { readonly kind: "hosts"; readonly runs: readonly HostRun[]; readonly parallel: number; readonly waiting: number }
  | { readonly kind: "failed"; readonly host: HostState }
  /** A `confirm` step asks before each batch: these hosts start once the operator says yes. */
  | { readonly kind: "confirm"; readonly hosts: readonly string[] }
  /** `capture`: the list of the hosts' values (`capture=` on a group). */
  | { readonly kind: "done"; readonly capture: Capture | undefined };

/**
 * The next move of a step on a group, from its hosts' states: each host runs the command, then the
 * verify block, with its retries; a batch starts once every host of the one before has ended and no
 * more hosts than `max_fail=` allows have failed (and, for a `confirm` step, once the operator has
 * said yes to it). Pure.
 */
export function nextOnHosts(state: RunState, ps: PlanStep, s: StepState, hosts: readonly string[]): HostsNext {
  const states = s.hosts;
  // A host whose block has ended is settled first: its end is journaled before anything else starts.
  for (const name of hosts) {
    const h = states.get(name);
    const a = h?.attempt;
    if (h?.status !== "running" || !a?.result || a.result.interrupted) continue;
    if (passed(a.result)) {
      if (a.phase === "command" && ps.verify) continue;
      return { kind: "record", events: [{ type: "step_finished", target: ps.id, host: name, status: "done", by: "run" }] };
    }
    if (a.result.retryInMs === null) return { kind: "record", events: [{ type: "step_finished", target: ps.id, host: name, status: "failed", by: "run" }] };
  }
  const inFlight = hosts.filter((n) => { const h = states.get(n); return h?.status === "running" && h.attempt?.result === undefined; }).length;
  const failedHosts = hosts.map((n) => states.get(n)).filter((h): h is HostState => h?.status === "failed");
  const tooMany = failedHosts.length > failuresAllowed(ps.fanout, hosts.length);
  if (tooMany) return inFlight ? { kind: "hosts", runs: [], parallel: ps.fanout.parallel, waiting: inFlight } : { kind: "failed", host: failedHosts.at(-1)! };
  const settled = (n: string) => { const st = states.get(n)?.status; return st === "done" || st === "failed"; };
  const batch = batches(hosts, ps.fanout.batch).find((b) => !b.every(settled));
  if (!batch) return { kind: "done", capture: hostList(ps, hosts, states) };
  // A batch none of whose hosts has begun waits for a yes naming its hosts (starting a host uses the yes up).
  const confirmed = s.answer?.question === "confirm" && s.answer.answer === "yes";
  if (ps.confirm && !confirmed && !batch.some((n) => states.get(n)?.attempt !== undefined)) return { kind: "confirm", hosts: batch };
  const runs: HostRun[] = [];
  for (const name of batch) {
    const h = states.get(name);
    const run = hostRun(state, ps, name, h);
    if (run) runs.push(run);
  }
  return { kind: "hosts", runs, parallel: ps.fanout.parallel, waiting: inFlight };
}

/**
 * What a step on a group captured: one value per host that is done, in the group's order, one a
 * line (`$NAME` is the list; each host's block knew its host as `RUNBOOK_HOST`). Secret when any
 * host's value is: the journal then has the name only.
 */
function hostList(ps: PlanStep, hosts: readonly string[], states: ReadonlyMap<string, HostState>): Capture | undefined {
  if (ps.capture === undefined) return undefined;
  const values = hosts.map((n) => states.get(n)).filter((h): h is HostState => h?.status === "done").map((h) => h.attempt?.capture);
  const secret = values.some((c) => c?.secret === true);
  return { name: ps.capture, value: secret ? null : values.map((c) => c?.value ?? "").join("\n"), secret };
}

/** The block a host runs next, or undefined while it runs or once it has ended. */
function hostRun(state: RunState, ps: PlanStep, host: string, h: HostState | undefined): HostRun | undefined {
  if (!ps.command) return undefined;
  if (!h || h.status === "pending") return runOn(state, ps.command, host, undefined);
  if (h.status !== "running") return undefined;
  const a = h.attempt;
  if (!a?.result || a.result.interrupted) return undefined;
  if (passed(a.result)) return a.phase === "command" && ps.verify ? runOn(state, ps.verify, host, undefined) : undefined;
  if (a.result.retryInMs === null) return undefined;
  return runOn(state, a.phase === "verify" && ps.verify ? ps.verify : ps.command, host, a);
}

export function runOn(state: RunState, block: PlanBlock, host: string, retryOf: Attempt | undefined): HostRun {
  const attempt = (state.attemptNumbers.get(attemptKey(block.target, block.phase, host)) ?? 0) + 1;
  const retryIn = retryOf?.result?.retryInMs;
  const notBefore = retryOf?.endedAt && retryIn != null ? Date.parse(retryOf.endedAt) + retryIn : undefined;
  return { host, block, attempt, retry: retryOf ? retryOf.retry + 1 : 0, notBefore };
}

/** Hosts with this word, for the views: `done 3/5 · failed 1 · pending 1`. */
export function hostCounts(s: StepState, hosts: readonly string[] | undefined): Record<HostState["status"], string[]> {
  const out: Record<HostState["status"], string[]> = { pending: [], running: [], interrupted: [], done: [], failed: [] };
  for (const name of hosts ?? [...s.hosts.keys()]) out[s.hosts.get(name)?.status ?? "pending"].push(name);
  return out;
}
