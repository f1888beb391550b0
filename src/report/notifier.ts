import type { JournalEvent, NewEventOf } from "../journal/events.js";
import type { NotifyOn } from "../model/schema/config-schema.js";
import type { Ask } from "../run/ask.js";
import type { Plan } from "../run/plan.js";
import type { RunState } from "../run/state.js";
import type { Notifications, RunNotifier } from "../run/world.js";
import { setLongTimeout, type LongTimer } from "../system/long-timer.js";
import type { PostResult } from "../system/webhook.js";
import { jsonMessage, slackMessage, type Moment } from "./chat-message.js";

/** A webhook of the config's `notify:`, its URL resolved from the environment. */
export interface Hook {
  readonly name: string;
  readonly url: string;
  readonly format: "slack" | "json";
  readonly on: ReadonlySet<NotifyOn>;
  readonly waitingAfterMs: number;
}

/** How posts leave the machine, and how long to wait before each retry (its length is the retries). */
export interface Delivery {
  post(url: string, body: unknown, signal: AbortSignal): Promise<PostResult>;
  readonly backoffMs: readonly number[];
  readonly now: () => number;
}

/** 1 s, 2 s, 4 s: four tries in about seven seconds, then the post is given up and journaled so. */
export const BACKOFF_MS: readonly number[] = [1000, 2000, 4000];

interface Item {
  readonly on: NotifyOn;
  readonly body: unknown;
  attempts: number;
  settled: boolean;
  /** Why the last try failed. */
  last?: string;
}

/**
 * The team's chat for every run of this process. Each webhook has its own queue, sent in order (a
 * failure is not told before the start), in the background: no step ever waits for a post.
 */
export function createNotifications(hooks: readonly Hook[], delivery: Delivery): Notifications {
  return { open: (run, record) => openRun(hooks, delivery, run, record) };
}

function openRun(
  hooks: readonly Hook[],
  delivery: Delivery,
  run: { readonly runId: string; readonly plan: Plan; readonly mask: (text: string) => string },
  record: (outcome: NewEventOf<"notified">) => void,
): RunNotifier {
  // Ending: no more retries and no new moments. Cut: the time to end is up, posts in flight are dropped.
  let ending = false;
  const cut = new AbortController();
  const waits = new Set<() => void>();
  const queues = hooks.map((hook) => ({ hook, items: [] as Item[], current: undefined as Item | undefined, running: undefined as Promise<void> | undefined }));
  let latest: RunState | undefined;
  // A failure is told once per attempt: when the person is asked about it, or when the step ends failed.
  const toldFailed = new Set<string>();

  const settle = (hook: Hook, item: Item, status: "sent" | "given_up", why?: string) => {
    if (item.settled) return;
    item.settled = true;
    const clean = why === undefined ? undefined : run.mask(why.split(hook.url).join("<url>"));
    record({ type: "notified", hook: hook.name, on: item.on, status, attempts: item.attempts, ...(clean ? { why: clean } : {}) });
  };

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ending) return resolve();
      const wake = () => {
        clearTimeout(t);
        waits.delete(wake);
        resolve();
      };
      const t = setTimeout(wake, ms);
      waits.add(wake);
    });

  const deliver = async (hook: Hook, item: Item) => {
    for (;;) {
      if (ending && item.attempts > 0) return settle(hook, item, "given_up", `${item.last ?? "failed"}; the run ended before try ${item.attempts + 1}`);
      item.attempts += 1;
      const result = await delivery.post(hook.url, item.body, cut.signal);
      if (result.ok) return settle(hook, item, "sent");
      if (!result.retry) return settle(hook, item, "given_up", result.why);
      item.last = result.why;
      const wait = delivery.backoffMs[item.attempts - 1];
      if (wait === undefined) return settle(hook, item, "given_up", `${result.why}, ${item.attempts} tries`);
      await pause(wait);
    }
  };

  const pump = (q: (typeof queues)[number]) => {
    if (q.running) return;
    q.running = (async () => {
      for (let item = q.items.shift(); item; item = q.items.shift()) {
        q.current = item;
        await deliver(q.hook, item);
      }
      q.current = undefined;
      q.running = undefined;
    })();
  };

  const tell = (m: Moment) => {
    // A run started without approval (break glass) is told to every webhook, whatever its `on:`.
    const glass = m.on === "started" && m.event?.type === "run_started" && m.event.breakGlass !== undefined;
    for (const q of queues) {
      if (!q.hook.on.has(m.on) && !glass) continue;
      const body = q.hook.format === "slack" ? slackMessage(m, run.mask) : jsonMessage(m, run.mask);
      q.items.push({ on: m.on, body, attempts: 0, settled: false });
      pump(q);
    }
  };

  const moment = (on: NotifyOn, state: RunState, event: JournalEvent | undefined, step: string | undefined, question?: Moment["question"]): Moment => ({
    on, runId: run.runId, event, state, plan: run.plan, step, ...(question ? { question } : {}),
  });

  const failedOnce = (state: RunState, target: string, event: JournalEvent | undefined) => {
    const key = `${target}#${state.steps.get(target)?.attempts ?? 0}`;
    if (toldFailed.has(key)) return;
    toldFailed.add(key);
    tell(moment("failed", state, event, target));
  };

  return {
    onEvent(event, state) {
      latest = state;
      if (ending) return;
      switch (event.type) {
        case "run_started":
        case "run_resumed":
          return tell(moment("started", state, event, undefined));
        case "step_finished":
          if (event.status === "failed") failedOnce(state, event.target, event);
          return;
        case "rollback_finished":
          if (event.status === "failed") failedOnce(state, event.target, event);
          return;
        case "run_finished":
          return tell(moment("ended", state, event, undefined));
        case "handover_asked":
          return tell(moment("handover", state, event, undefined));
        default:
          return;
      }
    },

    asked(question: Ask) {
      const step = question.step?.id ?? (question.kind === "interrupted" ? question.target : undefined);
      if (question.kind === "failed" && latest && step) failedOnce(latest, step, undefined);
      const since = delivery.now();
      const timers: LongTimer[] = [];
      for (const q of queues) {
        if (!q.hook.on.has("waiting")) continue;
        timers.push(
          setLongTimeout(() => {
            if (!latest || ending) return;
            const m = moment("waiting", latest, undefined, step, { kind: question.kind, waitedMs: delivery.now() - since });
            q.items.push({ on: "waiting", body: q.hook.format === "slack" ? slackMessage(m, run.mask) : jsonMessage(m, run.mask), attempts: 0, settled: false });
            pump(q);
          }, q.hook.waitingAfterMs),
        );
      }
      return () => {
        for (const t of timers) t.clear();
      };
    },

    async finish(ms) {
      // Posts in flight get their answer and the last moment (ended) its one try; retries not yet
      // due are given up now, not slept through.
      ending = true;
      for (const wake of [...waits]) wake();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
      const drained = (async () => {
        for (let running = active(); running.length; running = active()) await Promise.all(running);
      })();
      await Promise.race([drained, deadline]);
      clearTimeout(timer);
      cut.abort();
      for (const q of queues) {
        if (q.current) settle(q.hook, q.current, "given_up", `${q.current.last ? `${q.current.last}; ` : ""}no answer before the run ended (${Math.round(ms / 1000)} s)`);
        for (const item of q.items.splice(0)) settle(q.hook, item, "given_up", "the run ended before it was sent");
      }
    },
  };

  function active(): Promise<void>[] {
    return queues.map((q) => q.running).filter((p): p is Promise<void> => p !== undefined);
  }
}
