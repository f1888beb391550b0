import { createHash } from "node:crypto";

/**
 * Each journal line is the event's JSON with `"sum":"…"` appended as its last key: a hash of
 * the line's own bytes before it. A line cut short or changed in place no longer matches.
 */
export function sealLine(json: string): string {
  return `${json.slice(0, -1)},"sum":"${digest(json)}"}`;
}

const SEALED = /^(.*),"sum":"([0-9a-f]{16})"\}$/s;

/** The event's JSON if the line's checksum holds, else undefined. */
export function unsealLine(line: string): string | undefined {
  const m = SEALED.exec(line);
  if (!m) return undefined;
  const json = `${m[1]}}`;
  return digest(json) === m[2] ? json : undefined;
}

function digest(s: string): string {
  return createHash("sha256").update(s).digest("hex").slice(0, 16);
}
