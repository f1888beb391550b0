import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/** How one POST went: sent, or not and whether another try could help. */
export type PostResult = { readonly ok: true; readonly status: number } | { readonly ok: false; readonly retry: boolean; readonly why: string };

/** Each try gets this long to be answered. */
const TRY_MS = 5000;

/**
 * POSTs a JSON body to a webhook, once. 2xx is sent; 429 and 5xx, a timeout or a network error may
 * pass on another try; any other answer will not. No connection is kept alive, so a run's process
 * ends when its run does. `why` never holds the URL: a Slack webhook's URL is its secret.
 */
export function postJson(url: string, body: unknown, signal: AbortSignal, timeoutMs = TRY_MS): Promise<PostResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ ok: false, retry: false, why: "not a URL" });
      return;
    }
    if (target.protocol !== "https:" && target.protocol !== "http:") {
      resolve({ ok: false, retry: false, why: `not an http(s) URL (${target.protocol})` });
      return;
    }
    const data = Buffer.from(JSON.stringify(body));
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    let done = false;
    const finish = (r: PostResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(r);
    };
    const req = send(target, { method: "POST", agent: false, headers: { "content-type": "application/json", "content-length": data.length, "user-agent": "runbook" } }, (res) => {
      res.resume();
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) finish({ ok: true, status });
        else finish({ ok: false, retry: status === 429 || status >= 500, why: `answered ${status}${res.statusMessage ? ` ${res.statusMessage}` : ""}` });
      });
      res.on("error", () => finish({ ok: false, retry: true, why: "the answer was cut off" }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ ok: false, retry: true, why: `no answer in ${Math.round(timeoutMs / 1000)} s` });
    }, timeoutMs);
    const onAbort = () => {
      req.destroy();
      finish({ ok: false, retry: false, why: "the run ended first" });
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    req.on("error", (e: NodeJS.ErrnoException) => finish({ ok: false, retry: true, why: e.code ? `could not connect (${e.code})` : "could not connect" }));
    req.end(data);
  });
}
