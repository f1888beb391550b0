import type { HandoverRecord, NoteInbox } from "../journal/ports.js";
import type { RunJournal } from "./run-journal.js";
import type { EventOf } from "../journal/events.js";

/** The holder let the run go: to whom (anyone, when null), who did, and how. */
export interface HandoverGrant {
  readonly to: string | null;
  readonly by: string;
  readonly how: EventOf<"released">["how"];
}

/** What the engine asks of a handover: whether one was granted, and a signal that takes a question on screen down when it is. */
export interface Handover {
  granted(): HandoverGrant | undefined;
  readonly signal: AbortSignal;
}

export interface HandoverWatch extends Handover {
  stop(): void;
}

/** How the screen offers a handover: a key (`grant` is called when it is pressed), or only words. */
export type OfferHandover = (request: HandoverRecord, grant: () => void) => void;

/**
 * Watches a live shared run's notes ref (through its inbox, fetched in the background) for requests
 * to hand it over, made after this session took the run. Each is journaled (`handover_asked`: the
 * views show it, the team's chat is told), then offered: granted at once with `--allow-handover`,
 * else offered on the screen (a key) and said in words (`runbook release`). A grant left by
 * `runbook release` on this machine by this operator grants it too. Only the journal's writer calls this.
 */
export function watchHandovers(o: {
  journal: RunJournal;
  inbox: NoteInbox;
  runId: string;
  operator: string;
  /** When this session took the run: requests and grants from before are someone else's business. */
  since: string;
  allow: boolean;
  offer: OfferHandover;
  notice: (text: string) => void;
  everyMs?: number;
}): HandoverWatch {
  const seen = new Set<string>();
  const stop = new AbortController();
  let grant: HandoverGrant | undefined;
  let asked: HandoverRecord | undefined;
  const give = (g: HandoverGrant) => {
    if (grant) return;
    grant = g;
    o.notice(`handing run ${o.runId} over to ${g.to ?? "whoever resumes it"}: it stops before the next step`);
    stop.abort("handover");
  };
  const look = () => {
    if (grant || !o.inbox.requests) return;
    let records: HandoverRecord[];
    try {
      records = o.inbox.requests(o.runId);
    } catch {
      return;
    }
    for (const r of records) {
      if (seen.has(r.id) || r.at < o.since) continue;
      seen.add(r.id);
      if (r.kind === "grant") {
        // Only the holder's own word counts: `runbook release` checks it, and so does this.
        if (r.by === o.operator) give({ to: r.to ?? asked?.by ?? null, by: r.by, how: "release" });
        continue;
      }
      if (r.by === o.operator) continue;
      asked = r;
      o.journal.append({ type: "handover_asked", id: r.id, by: r.by, host: r.host, ...(r.text ? { message: r.text } : {}) });
      if (o.allow) give({ to: r.by, by: o.operator, how: "allow-handover" });
      else {
        const request = r;
        o.offer(request, () => give({ to: request.by, by: o.operator, how: "key" }));
      }
    }
  };
  look();
  const timer = setInterval(look, o.everyMs ?? 250);
  timer.unref();
  return {
    granted: () => grant,
    signal: stop.signal,
    stop: () => clearInterval(timer),
  };
}
