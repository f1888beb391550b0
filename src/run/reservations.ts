import type { Phase } from "../journal/events.js";
import type { Plan, PlanStep } from "./plan.js";
import type { RunJournal } from "./run-journal.js";

/**
 * What a shared run reserves ahead, so that its steps need no round trip to the remote each.
 *
 * A block of a shared run starts only once the remote could tell whoever takes the run over that it
 * may have begun: either its own `attempt_started` was pushed (a round trip before the block), or a
 * `reserved` event naming its step was, earlier. A runner reserves the next few plain steps at once
 * and pushes that in the background while it runs them; whoever takes the run over from another
 * state folder asks about every reserved step with no start on record (the fold: `unconfirmed`),
 * never running one again silently (docs/handoff.md).
 *
 * How far ahead: none while the steps are slow next to the remote (four times its latency or more,
 * both measured as the run goes) or not measured yet: each block then waits for its own start to
 * reach the remote, which costs little next to the step, and a crash leaves only the step that was
 * running in doubt. Quicker steps get enough of them reserved to cover twice the remote's latency
 * (at most `MAX_WINDOW`): a quick runbook is not held up by the remote, and a crash leaves at most
 * that many steps to ask about.
 */
export const MAX_WINDOW = 64;
/** Steps at least this many times the remote's latency need no reservation ahead. */
const SLOW = 4;
/** A gate that took longer than this waited for the remote: how long the reservation took to get there is a sample of its latency. */
const WAITED_MS = 5;

/**
 * Steps reserved ahead: those that run here without asking anyone. A confirmed, manual or
 * irreversible step waits for a person or must be known to have begun, and a step on a group is
 * journaled host by host: each waits for its own start to be pushed.
 */
export function reservable(step: PlanStep): boolean {
  return !step.confirm && !step.manual && step.irreversible === undefined && step.on === undefined;
}

export class Reservations {
  readonly #plan: Plan;
  readonly #journal: RunJournal;
  /** Kicks a push of the journal as it is and returns its length: what the remote must have. */
  readonly #mark: () => number;
  readonly #index: ReadonlyMap<string, number>;
  /** The journal length a step's reservation needs on the remote, by step id. */
  readonly #receipts = new Map<string, number>();
  /** Index in the plan of the last step reserved. */
  #through = -1;
  #window = 1;
  /** When each receipt was asked for (clock ms), by receipt. */
  readonly #markedAt = new Map<number, number>();
  /** Moving averages: ms from a reservation to the remote having it; ms from one block's gate to the next block. */
  #latency: number | undefined;
  #pace: number | undefined;
  /** When the last gate let a reserved block go. */
  #lastGo: number | undefined;
  readonly #now: () => number;

  constructor(plan: Plan, journal: RunJournal, mark: () => number, now: () => number) {
    this.#now = now;
    this.#plan = plan;
    this.#journal = journal;
    this.#mark = mark;
    this.#index = new Map(plan.steps.map((s, i) => [s.id, i]));
  }

  /**
   * Before a block of `target` starts (before its attempt_started): journals a reservation when one
   * is due and returns what the gate must see on the remote first: a journal length, or `true` for
   * everything journaled so far (a block not reserved ahead: its own start).
   */
  before(target: string, phase: Phase): number | true {
    const i = this.#index.get(target);
    const step = i === undefined ? undefined : this.#plan.steps[i];
    if (i === undefined || !step || (phase !== "command" && phase !== "verify") || !this.#ahead(step)) return true;
    if (this.#lastGo !== undefined && phase === "command") this.#pace = average(this.#pace, this.#now() - this.#lastGo, 0.3);
    this.#size();
    if (!this.#receipts.has(target)) {
      // Not reserved, and nothing to reserve ahead: its own start goes first.
      if (this.#window === 1) return true;
      this.#reserve(i, i);
    }
    // Keep the window ahead of the steps (this one is reserved, so the window reaches it): the next reservation goes up while these run.
    else if (this.#through - i < this.#window / 2) this.#reserve(this.#through + 1, i);
    return this.#receipts.get(target) ?? true;
  }

  /**
   * The gate let a block go after `waitedMs`, having waited for `published` (its reservation's
   * receipt, or its own start): when it waited, a sample of the remote's latency.
   */
  went(published: number | true, waitedMs: number): void {
    const now = this.#now();
    const asked = published === true ? now - waitedMs : this.#markedAt.get(published);
    if (waitedMs > WAITED_MS && asked !== undefined) this.#latency = average(this.#latency, now - asked, 0.5);
    this.#lastGo = now;
  }

  /** None ahead for slow steps (or before both are measured); else twice the latency at the pace of the steps. */
  #size(): void {
    if (this.#latency === undefined || this.#pace === undefined || this.#pace >= SLOW * this.#latency) {
      this.#window = 1;
      return;
    }
    const steps = Math.ceil((2 * this.#latency) / Math.max(1, this.#pace)) + 1;
    this.#window = Math.max(2, Math.min(MAX_WINDOW, steps));
  }

  /** Whether a step may be reserved ahead in this run: reservable, and not waiting for an approved plan (`approvals.steps`). */
  #ahead(step: PlanStep): boolean {
    return reservable(step) && !(this.#journal.state.started.approvalAt ?? []).includes(step.id);
  }

  /** Reserves the consecutive reservable pending steps from index `from`, up to `window` steps from `at`. */
  #reserve(from: number, at: number): void {
    const state = this.#journal.state;
    const targets: string[] = [];
    for (let j = from; j < this.#plan.steps.length && j < at + this.#window; j++) {
      const s = this.#plan.steps[j]!;
      if (!this.#ahead(s)) break;
      const status = state.steps.get(s.id)?.status;
      if (j !== at && status !== "pending") break;
      if (!this.#receipts.has(s.id)) targets.push(s.id);
    }
    if (!targets.length) return;
    this.#journal.append({ type: "reserved", targets });
    const receipt = this.#mark();
    this.#markedAt.set(receipt, this.#now());
    for (const t of targets) this.#receipts.set(t, receipt);
    this.#through = Math.max(this.#through, this.#index.get(targets.at(-1)!)!);
  }
}

const average = (was: number | undefined, sample: number, weight: number): number => (was === undefined ? sample : was + weight * (sample - was));
