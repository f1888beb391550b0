import type { JournalEvent, NewEvent } from "../journal/events.js";
import type { JournalSink } from "../journal/store.js";
import { apply, type RunState } from "./state.js";

/**
 * A run's journal as its session holds it: the only writer. Each event is appended (and fsynced when
 * it changes what is known), then applied, then shown: the state is always what the journal says.
 */
export class RunJournal {
  #state: RunState;
  readonly #sink: JournalSink;
  readonly #onEvent: (event: JournalEvent, state: RunState) => void;

  constructor(sink: JournalSink, state: RunState, onEvent: (event: JournalEvent, state: RunState) => void) {
    this.#sink = sink;
    this.#state = state;
    this.#onEvent = onEvent;
  }

  get state(): RunState {
    return this.#state;
  }

  append(event: NewEvent, durable = true): JournalEvent {
    const full = this.#sink.append(event, durable);
    this.#state = apply(this.#state, full);
    this.#onEvent(full, this.#state);
    return full;
  }

  close(): void {
    this.#sink.close();
  }
}
