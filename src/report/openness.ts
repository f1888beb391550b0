import { asStopped, type RunState } from "../run/state.js";

/** Who holds a live run, as its lock or lease says. */
export interface Holder {
  readonly runId: string;
  readonly user: string;
  readonly host: string;
  readonly pid: number;
  /** When a shared lease ends unless it is renewed (absent for a lock in the local state folder). */
  readonly leaseUntil: string | undefined;
}

/**
 * Where a run stands for whoever looks at it, the one answer every screen and report renders:
 * - `live-mine`   this process runs it (the screen, the plain view of the run itself)
 * - `live-other`  a live process holds it (its lock or lease): it is theirs, not to be resumed here
 * - `stopped`     nobody holds it and it has not ended: it waits for a person (resume, roll back, or
 *                 check by hand after a failed rollback)
 * - `ended`       completed, rolled back (wholly or to an irreversible step), or closed: needs nobody
 */
export type Openness = { readonly kind: "live-mine" } | { readonly kind: "live-other"; readonly holder: Holder } | { readonly kind: "stopped" } | { readonly kind: "ended" };

/**
 * Runs that ended and need nobody: completed, rolled back (wholly, or to an irreversible step), or
 * closed by someone (`runbook close`). Every other state is open (a failed rollback needs someone
 * to check the system by hand).
 */
export const ENDED: ReadonlySet<RunState["status"]> = new Set(["completed", "rolled_back", "rolled_back_to", "closed"]);

/**
 * `holder` is who holds the run's lock now: `"me"` for the process running it, a Holder read from a
 * lock or a lease, or undefined. A journal that says `running` with no live holder is a run whose
 * runner died: stopped, not live.
 */
export function openness(state: RunState, holder: Holder | "me" | undefined): Openness {
  if (ENDED.has(state.status)) return { kind: "ended" };
  if (state.status === "running") {
    if (holder === "me") return { kind: "live-mine" };
    if (holder !== undefined && holder.runId === state.started.runId) return { kind: "live-other", holder };
  }
  return { kind: "stopped" };
}

export const isLive = (o: Openness): boolean => o.kind === "live-mine" || o.kind === "live-other";

/**
 * How a run that no process holds looks: a block it was running when its runner stopped has an
 * unknown outcome (interrupted). That is also true of a run closed after its runner died
 * (`runbook close`): its record ends where it was left.
 */
export function leftAsIs(state: RunState): RunState {
  if (state.status !== "closed") return asStopped(state);
  return { ...asStopped({ ...state, status: "running" }), status: "closed" };
}

/** The state as whoever looks at it should see it: a live run as it is, any other as it was left. */
export const asSeen = (state: RunState, open: Openness): RunState => (isLive(open) ? state : leftAsIs(state));

/** What to type next about a run: the same commands on the screen, in the plain view, `log`, `runs` and `handoff`. */
export interface Offers {
  /** Go on from where it stopped (not after a rollback began: that is carried on by `rollback`). */
  readonly resume?: string;
  readonly rollback?: string;
  /**
   * A live run someone else holds: who and until when, how to reach them, and how to take it over
   * once its runner is gone. Never resume or rollback as if it were ours: the lock refuses them.
   */
  readonly held?: {
    /** `bob@laptop-b (pid 4242, lease until 13:05:10Z)`. */
    readonly by: string;
    /** `runbook note <id> "…"`: the runner journals it and shows it. */
    readonly note: string;
    /** `runbook handover <id>`: asks the holder to hand the run over (docs/handoff.md). */
    readonly handover: string;
    /** The command that takes it over, and when it will: after a shared lease lapses, or once its local runner is stopped. */
    readonly takeOver: string;
    readonly after: "lease" | "stop";
    readonly when: string;
  };
  /** Every line of every step. */
  readonly log: string;
}

/** `bob@laptop-b (pid 4242, lease until 13:05:10Z)`, `alice@db-admin-1 (pid 4242)`. */
export function holderText(h: Holder): string {
  return `${h.user}@${h.host} (pid ${h.pid}${h.leaseUntil ? `, lease until ${h.leaseUntil.slice(11, 19)}Z` : ""})`;
}

/** The commands a run offers, from where it stands. */
export function offers(state: RunState, open: Openness): Offers {
  const id = state.started.runId;
  const log = `runbook log ${id}`;
  const goOn = state.rollback ? `runbook rollback ${id}` : `runbook resume ${id}`;
  switch (open.kind) {
    case "ended":
    case "live-mine":
      return { log };
    case "live-other": {
      const h = open.holder;
      const when = h.leaseUntil
        ? `once its lease ends (${h.leaseUntil.slice(11, 19)}Z, renewed while its runner lives); --force takes it now, only if that runner is gone`
        : `once it is stopped (Ctrl-C in its terminal, or kill -INT ${h.pid} on ${h.host})`;
      return { held: { by: holderText(h), note: `runbook note ${id} "…"`, handover: `runbook handover ${id}`, takeOver: goOn, after: h.leaseUntil ? "lease" : "stop", when }, log };
    }
    case "stopped":
      // A failed rollback is for a person to check by hand: both commands would refuse it.
      if (state.status === "rollback_failed") return { log };
      return { ...(state.rollback ? {} : { resume: `runbook resume ${id}` }), rollback: `runbook rollback ${id}`, log };
  }
}

/** One line of what to type next: a label, the command to copy (if any), and words around it. */
export interface OfferLine {
  readonly label: string;
  readonly command: string | undefined;
  readonly words: string | undefined;
}

/**
 * The offers as labelled lines, in the one order every presentation prints them (the log line is
 * each presentation's own). `roll back` is spelt as the handoff report always did.
 */
export function offerLines(o: Offers): OfferLine[] {
  const lines: OfferLine[] = [];
  if (o.held) {
    lines.push({ label: "held by", command: undefined, words: o.held.by });
    lines.push({ label: "ask them", command: o.held.note, words: undefined });
    lines.push({ label: "hand over", command: o.held.handover, words: "asks them to hand it over" });
    lines.push({ label: "take over", command: o.held.takeOver, words: o.held.when });
  }
  if (o.resume) lines.push({ label: "resume", command: o.resume, words: undefined });
  if (o.rollback) lines.push({ label: "roll back", command: o.rollback, words: undefined });
  return lines;
}

/**
 * The one command for whoever reads about a run and would go on with it: `runbook handover <id>`
 * while someone else holds it, else how it goes on (`resume`, or `rollback` once a rollback began).
 * Undefined when nothing goes on (ended, a failed rollback, the reader's own live run).
 */
export function readerCommand(o: Offers): string | undefined {
  return o.held?.handover ?? o.resume ?? o.rollback;
}

/** An offer line as plain text: the command, then its words. */
export const offerText = (l: OfferLine): string => [l.command, l.words].filter((x) => x !== undefined).join(" ");

/** The offers in a few words, for a table row (`runs`): `resume or rollback`, `rollback`, `handover; resume after lease`. */
export function offerBrief(o: Offers): string {
  const verb = (command: string) => command.split(" ")[1] ?? command;
  if (o.held) return `handover; ${verb(o.held.takeOver)} ${o.held.after === "lease" ? "after lease" : "once stopped"}`;
  return [o.resume, o.rollback].flatMap((c) => (c === undefined ? [] : [verb(c)])).join(" or ");
}
