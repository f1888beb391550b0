import type { NewEventOf } from "../journal/events.js";
import { nobody, type Operator } from "./ask.js";
import { SecretMasker } from "./mask.js";
import type { Plan } from "./plan.js";
import type { RunJournal } from "./run-journal.js";
import type { RunState } from "./state.js";
import type { JournalEvent } from "../journal/events.js";
import type { RunNotifier, World } from "./world.js";

/** How long a run that has ended waits for its last posts before it lets go of its journal. */
const FINISH_MS = 2000;

/**
 * A session's side of the team's chat: the run's events after the front end, a clock on each question
 * a person is asked, and each delivery's outcome journaled through the session's one writer (never
 * after the journal is closed). Without `notify:` every method does nothing.
 */
export class RunNotice {
  readonly #notifier: RunNotifier | undefined;
  #journal: RunJournal | undefined;
  #closed = false;

  constructor(world: World, runId: string, plan: Plan, secrets: Iterable<string>) {
    const masker = new SecretMasker(secrets);
    this.#notifier = world.notifications?.open({ runId, plan, mask: (t) => masker.mask(t) }, (o) => this.#record(o));
  }

  /** The journal outcomes are written to, once it is open. */
  attach(journal: RunJournal): void {
    this.#journal = journal;
  }

  onEvent(event: JournalEvent, state: RunState): void {
    this.#notifier?.onEvent(event, state);
  }

  /** The operator, with a clock on every question a person is asked (flags answer at once: no clock). */
  watch(operator: Operator): Operator {
    const notifier = this.#notifier;
    if (!notifier || operator === nobody) return operator;
    return {
      name: operator.name,
      ask: async (q, signal) => {
        const answered = notifier.asked(q);
        try {
          return await operator.ask(q, signal);
        } finally {
          answered();
        }
      },
    };
  }

  /** The run has ended: its last posts get a moment, then nothing more is journaled. */
  async finish(): Promise<void> {
    try {
      await this.#notifier?.finish(FINISH_MS);
    } finally {
      this.#closed = true;
    }
  }

  #record(outcome: NewEventOf<"notified">): void {
    if (this.#journal && !this.#closed) this.#journal.append(outcome, false);
  }
}
