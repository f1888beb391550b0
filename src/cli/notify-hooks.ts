import type { NotifyConfig } from "../model/schema/config-schema.js";
import { NOTIFY_ON } from "../model/schema/config-schema.js";
import { BACKOFF_MS, createNotifications, type Hook } from "../report/notifier.js";
import type { Notifications } from "../run/world.js";
import { postJson } from "../system/webhook.js";

const DEFAULT_WAITING_MS = 5 * 60_000;
const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * The config's `notify:` webhooks with their URLs read from the environment. A webhook whose variable
 * is unset is left out with a notice: a run at 3 a.m. is not refused for want of a chat.
 */
export function notifyHooks(config: readonly NotifyConfig[] | undefined, env: Readonly<Record<string, string | undefined>>, notice: (text: string) => void): Hook[] {
  const hooks: Hook[] = [];
  (config ?? []).forEach((c, i) => {
    const name = c.name ?? `notify[${i}]`;
    const missing = [...c.url.matchAll(ENV_REF)].map((m) => m[1]!).filter((v) => !env[v]);
    if (missing.length) {
      notice(`notify: ${name} is not told of this run: ${missing.map((v) => `$${v}`).join(", ")} ${missing.length === 1 ? "is" : "are"} not set`);
      return;
    }
    const url = c.url.replace(ENV_REF, (_, v: string) => env[v] ?? "");
    hooks.push({ name, url, format: c.format ?? "slack", on: new Set(c.on ?? NOTIFY_ON), waitingAfterMs: c.waiting_after ?? DEFAULT_WAITING_MS });
  });
  return hooks;
}

/** The real team's chat: HTTP posts with retries; undefined when no webhook is left. */
export function realNotifications(hooks: readonly Hook[]): Notifications | undefined {
  return hooks.length ? createNotifications(hooks, { post: postJson, backoffMs: BACKOFF_MS, now: Date.now }) : undefined;
}
