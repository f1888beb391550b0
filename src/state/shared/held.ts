import { statSync } from "node:fs";
import { RunRefusedError } from "../../core/errors.js";
import { printableLine } from "../../core/printable.js";
import type { LockHolder } from "../lock.js";
import { chainAt, extendChain, leaseCommit, readLeases, type Chain } from "./chain.js";
import { refSha, updateRefs } from "./git-remote.js";
import { describeLease, leaseFor, type LeaseRecord } from "./lease.js";
import { readSharedRecord, type RecordDescriber } from "./shared-record.js";
import { lockRef, runRef, trackingLockRef, trackingRunRef } from "./refs.js";
import { fetchShared, pushAtomic, type ShareConfig } from "./remote.js";
import { countLines, DEFAULT_CHUNK, segmentEnd } from "./stream.js";

export interface HeldParts {
  readonly config: ShareConfig;
  readonly runbookId: string;
  readonly holder: LockHolder;
  /** Our lock commit, as the remote has it. */
  readonly lockSha: string;
  /** The run's chain as the remote has it. */
  readonly chain: Chain;
  readonly journalFile: string;
  readonly env: Record<string, string>;
  readonly now: () => number;
  readonly notice: (text: string) => void;
  /** `--offline`: when the remote cannot be reached, go on (once journaled) instead of waiting. */
  readonly offline: boolean;
  /** How the shared record of a run reads, when the lock was lost (the state folder knows no fold). */
  readonly describeRecord: RecordDescriber;
}

/** Most bytes of journal in one push by default: a large journal goes up in several, each renewing the lease. */
export const DEFAULT_SEGMENT = 32 << 20;

/**
 * The runner lost its runbook's shared lock: someone took it over (its lease expired, or `--force`).
 * What this runner journaled after that is not the run's record, so it never reports the run as
 * ended (completed, failed…): it says so, and what the shared record says. Exit 2, like any run
 * refused (docs/handoff.md).
 */
export class LeaseLostError extends RunRefusedError {
  override name = "LeaseLostError";
}

/**
 * Node fires a timer whose delay is past 2^31-1 ms (about 24.8 days) at once, every millisecond:
 * a heartbeat of a long lease is held to that.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** How often a held lease is renewed when nothing else pushes: a quarter of a lease, so one late or failed renewal still leaves it fresh. */
export function heartbeatMs(leaseMs: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(50, Math.floor(leaseMs / 4)));
}

/**
 * Whether a block may start on this lease, judged without the network: the last renewal the remote
 * confirmed (when its push began, by this machine's clock) is less than half a lease old, and no
 * renewal has failed since. Pure, for tests.
 */
export function leaseFresh(confirmedAt: number, now: number, leaseMs: number, failing: boolean): boolean {
  return !failing && now - confirmedAt < leaseMs / 2;
}

/**
 * A runbook's shared lock while a run holds it: pushes the journal at each change of state (in the
 * background, never in a step's way), renews the lease with every push and on a heartbeat, answers
 * the engine's "may the next block start?", and releases the lock at the end.
 *
 * A block starts while the lease was confirmed by the remote within half a lease and no renewal has
 * failed since: asked of the clock, not of the remote, so a step costs no round trip. A failed or
 * late renewal makes the next block wait until one gets through (or the lock is found lost). A block
 * that asks for it (an irreversible step) also waits until the remote has every event journaled
 * before it: whoever takes the run over then knows it began.
 */
export class HeldLease {
  readonly #p: HeldParts;
  #lockSha: string;
  #chain: Chain;
  #remoteTip: string | undefined;
  #remoteBytes: number;
  #confirmedAt: number;
  #failing: { since: number; detail: string; refused: boolean } | undefined;
  #lost: LeaseRecord | "unknown" | undefined;
  #pushing: Promise<void> | undefined;
  #again = false;
  #released = false;
  #waiting = false;
  #offlineNoted = false;
  /** When the last push ended, and a push waiting for the gap after it. */
  #lastEnd = 0;
  #later: NodeJS.Timeout | undefined;
  #urgent = false;
  /** The journal has more than one push carries: the next segment goes at once. */
  #more = false;
  /** A failed renewal was said on the screen: its recovery is said too. */
  #failNoted = false;
  #lastTry = 0;
  /** The run's end (`run_finished`) was journaled: a claim the shared record must confirm. */
  #ended = false;
  /** Handed over: the release names who may take the lock at once. */
  #releasedTo: string | undefined;
  readonly #ours = new Set<string>();
  readonly #timer: NodeJS.Timeout;

  constructor(p: HeldParts) {
    this.#p = p;
    this.#lockSha = p.lockSha;
    this.#ours.add(p.lockSha);
    this.#chain = p.chain;
    this.#remoteTip = p.chain.tip;
    this.#remoteBytes = p.chain.bytes;
    this.#confirmedAt = p.now();
    this.#timer = setInterval(() => this.kick(), this.#heartbeatMs());
    this.#timer.unref();
  }

  #heartbeatMs(): number {
    return heartbeatMs(this.#p.config.leaseMs);
  }

  /**
   * Something changed: push soon. Pushes never overlap; one asked for during a push follows it, after
   * a short gap (`pushGapMs`) so that a run of quick steps batches its events into a few pushes instead
   * of keeping git busy beside them. `urgent` (a block that must be known to have begun, the run's end,
   * a renewal the next block waits for) pushes at once.
   */
  kick(urgent = false): void {
    if (this.#released || this.#lost) return;
    if (this.#pushing) {
      this.#again = true;
      this.#urgent ||= urgent;
      return;
    }
    const wait = this.#lastEnd + pushGapMs(this.#p.config.leaseMs) - this.#p.now();
    if (!urgent && wait > 0) {
      this.#later ??= setTimeout(() => {
        this.#later = undefined;
        this.kick();
      }, wait);
      this.#later.unref();
      return;
    }
    if (this.#later) clearTimeout(this.#later);
    this.#later = undefined;
    this.#pushing = (async () => {
      do {
        this.#again = false;
        this.#urgent = false;
        await this.#pushOnce(false).catch((e: unknown) => this.#failed(this.#p.now(), (e as Error).message, false));
        // More of a large journal, or an urgent push asked for meanwhile: at once; anything else after the gap.
      } while ((this.#more || (this.#again && this.#urgent)) && !this.#lost && !this.#released);
    })().finally(() => {
      this.#pushing = undefined;
      this.#lastEnd = this.#p.now();
      if (this.#again) {
        this.#again = false;
        this.kick();
      }
    });
  }

  /**
   * Asked before the run's end is journaled: throws when the lock is known to be lost (a runner that
   * lost its lock never records the run as ended: completed, failed…; the shared record says how).
   */
  ending(): void {
    if (this.#lost) throw this.#lostError();
    this.#ended = true;
  }

  /**
   * Before the run's end is journaled: one push of what the journal holds, so that a lock lost during
   * the last step is known now, not after the end was written. Throws when it was lost; a remote that
   * cannot be reached is left to \`release\`, which says what it can and cannot tell.
   */
  async settle(): Promise<void> {
    this.kick(true);
    await this.#pushing;
    if (this.#lost) throw this.#lostError();
  }

  /** Pushes what the journal holds now, in the background; returns its length, for a later `gate`. */
  mark(): number {
    const length = this.#journalLength();
    if (this.#remoteBytes < length) this.kick(true);
    return length;
  }

  async gate(signal: AbortSignal, o: { published?: boolean | number } = {}): Promise<string | undefined> {
    const { config, now } = this.#p;
    // A block reserved ahead waits for its reservation's push (usually long done); one that was not, for its own attempt_started.
    const target = typeof o.published === "number" ? o.published : o.published ? this.#journalLength() : 0;
    for (;;) {
      if (this.#lost) {
        const who = this.#lost === "unknown" ? "another run" : describeLease(this.#lost);
        throw new RunRefusedError(`lost the lock of ${this.#p.runbookId} on ${config.remote} to ${who}; stopped before the next step, and nothing more runs here`, {
          hint: `Its journal here keeps what this runner did: see \`runbook share status\` and \`runbook log ${this.#p.holder.runId}\`.`,
        });
      }
      const fresh = leaseFresh(this.#confirmedAt, now(), config.leaseMs, this.#failing !== undefined);
      if (fresh && this.#remoteBytes >= target) {
        if (this.#waiting) this.#p.notice(`${config.remote} answers again and the lease is renewed: going on`);
        this.#waiting = false;
        return undefined;
      }
      if (this.#failing && this.#p.offline) {
        if (this.#offlineNoted) return undefined;
        this.#offlineNoted = true;
        return `went on offline (--offline): could not renew the lease on ${config.remote} since ${new Date(this.#failing.since).toISOString()} (${this.#failing.detail}); another machine may take the lock over when it expires`;
      }
      if (this.#failing && !this.#waiting) {
        this.#waiting = true;
        this.#p.notice(`cannot renew the lease on ${config.remote} (${printableLine(this.#failing.detail)}): waiting before the next step. Ctrl-C leaves the run resumable; \`runbook resume ${this.#p.holder.runId} --offline\` goes on without ${config.remote}.`);
      }
      if (!this.#failing && !this.#waiting && now() - this.#confirmedAt >= config.leaseMs / 2) {
        // Late, not failed: a renewal is on its way (a slow remote) and has not answered within half a lease.
        this.#waiting = true;
        this.#p.notice(`the lease on ${config.remote} was last renewed at ${new Date(this.#confirmedAt).toISOString()}, half a lease ago or more, and its renewal has not answered yet: waiting before the next step. Ctrl-C leaves the run resumable.`);
      }
      // A remote that turns pushes down is asked again on the heartbeat, not twice a second.
      if (!this.#failing?.refused || now() - this.#lastTry >= this.#heartbeatMs()) this.kick(true);
      await Promise.race([this.#pushing ?? NEVER, delay(this.#failing ? 500 : 100)]);
      if (signal.aborted) return undefined;
    }
  }

  /** The run was handed over to `to` (anyone, when null): the release says so in the lease. */
  handOver(to: string | null): void {
    this.#releasedTo = to ?? undefined;
  }

  async release(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#later) clearTimeout(this.#later);
    this.#released = true;
    await this.#pushing;
    if (!this.#lost) {
      // A large journal goes up a segment at a time; the last push also releases the lock.
      for (let pushes = 0; ; pushes++) {
        let done = false;
        try {
          done = await this.#pushOnce(true);
        } catch (e) {
          this.#failed(this.#p.now(), (e as Error).message, false);
        }
        if (done || this.#failing || this.#lost || pushes > 10_000) break;
      }
    }
    if (this.#lost) throw await this.#lostErrorWithRecord();
    const expiredAt = this.#confirmedAt + this.#p.config.leaseMs;
    if (this.#ended && this.#failing && !this.#p.offline && this.#p.now() >= expiredAt) {
      // Its lease ran out while it went on, and the remote cannot say whether someone took the run
      // over: the end this runner journaled may not be the run's. Not reported as ended here.
      const p = this.#p;
      throw new LeaseLostError(
        `the lease of ${p.runbookId} on ${p.config.remote} expired at ${new Date(expiredAt).toISOString()} while this run went on, and ${p.config.remote} cannot be reached (${printableLine(this.#failing.detail)}): another machine may have taken the run over, so the run is not reported as ended (not completed) here.\n${p.config.remote}'s record of run ${p.holder.runId}: it could not be read`,
        { hint: `When ${p.config.remote} answers, \`runbook runs\` shows what the shared record says; if nobody took the run over, \`runbook share push\` publishes what this clone journaled.` },
      );
    }
    if (this.#failing) {
      const local = this.#journalLength() - this.#remoteBytes;
      this.#p.notice(
        `could not release the lock of ${this.#p.runbookId} on ${this.#p.config.remote} (${printableLine(this.#failing.detail)}): it expires by itself${local > 0 ? `; ${local} bytes of this run's journal are only in this clone (see \`runbook share status\`)` : ""}`,
      );
    }
  }

  /** The journal's length. Its writer is this process and writes whole lines, so it ends with one. */
  #journalLength(): number {
    try {
      return statSync(this.#p.journalFile).size;
    } catch {
      return 0;
    }
  }

  /** One push: the next segment of the journal (if any) with a lease commit. Resolves whether the remote now has the whole journal. */
  async #pushOnce(release: boolean): Promise<boolean> {
    const p = this.#p;
    const { repo } = p.config;
    const chunk = p.config.chunkBytes ?? DEFAULT_CHUNK;
    const startedAt = p.now();
    this.#lastTry = startedAt;
    this.#more = false;
    const length = this.#journalLength();
    // Only what the journal gained since the last commit is read, a segment at a time, as a stream.
    const from = this.#chain.bytes;
    const to = length > from ? segmentEnd(p.journalFile, from, length, p.config.segmentBytes ?? DEFAULT_SEGMENT, chunk) : from;
    const all = to >= length;
    const events = countLines(p.journalFile, from, to, chunk);
    // The journal's commit and the lease's are independent: made side by side, pushed together.
    const [chain, lock] = await Promise.all([
      to > from ? extendChain(repo, this.#chain, { file: p.journalFile, from, to }, `runbook run ${p.holder.runId}: ${events} event${events === 1 ? "" : "s"} by ${p.holder.user}@${p.holder.host}`, p.env, chunk, p.config.signer) : this.#chain,
      leaseCommit(repo, this.#lockSha, leaseFor(p.holder, startedAt, p.config.leaseMs, release && all, this.#releasedTo), p.env, p.config.signer),
    ]);
    if (chain !== this.#chain) {
      this.#chain = chain;
      await updateRefs(repo, "runbook: journaled", [[runRef(p.holder.runId), chain.tip!]]);
    }
    this.#ours.add(lock);
    const updates: Array<{ ref: string; sha: string; expected: string | undefined }> = [{ ref: lockRef(p.runbookId), sha: lock, expected: this.#lockSha }];
    if (chain.tip !== this.#remoteTip) updates.push({ ref: runRef(p.holder.runId), sha: chain.tip!, expected: this.#remoteTip });
    const r = await pushAtomic(p.config, updates);
    if (r.ok) {
      this.#confirmed(lock, chain, startedAt);
      // More of the journal to go: push again at once.
      this.#more = !all && !release;
      return all;
    }
    if (r.why === "unreachable") {
      this.#failed(startedAt, r.detail, false);
      return false;
    }
    if (r.why === "refused") {
      this.#failed(startedAt, `${p.config.remote} refused the push: ${r.detail}`, true, r.detail);
      return false;
    }
    // The lock moved. A push of ours that timed out yet landed is still ours.
    if ((await fetchShared(p.config)) !== undefined) {
      this.#failed(startedAt, "refused, and the remote could not be read again", false);
      return false;
    }
    const remoteLock = await refSha(repo, trackingLockRef(p.config.remote, p.runbookId));
    if (remoteLock && this.#ours.has(remoteLock)) {
      const remoteTip = await refSha(repo, trackingRunRef(p.config.remote, p.holder.runId));
      this.#lockSha = remoteLock;
      this.#remoteTip = remoteTip;
      this.#remoteBytes = (await chainAt(repo, remoteTip)).bytes;
      this.#more = true;
      return false;
    }
    this.#lost = (remoteLock ? (await readLeases(repo, [remoteLock])).get(remoteLock) : undefined) ?? "unknown";
    // Said at once, not at the next block: the operator must know that what runs now is no longer the run.
    p.notice(
      `lost the lock of ${p.runbookId} on ${p.config.remote} to ${this.#lost === "unknown" ? "another run" : describeLease(this.#lost)}: nothing more runs here, and this run is not reported as ended here (a block running now is not stopped: nothing stops a shell command halfway)`,
    );
    return false;
  }

  /** The error for a lost lock, before anything more is known. */
  #lostError(): LeaseLostError {
    const p = this.#p;
    const lost = this.#lost ?? "unknown";
    const who = lost === "unknown" ? "another run" : describeLease(lost);
    return new LeaseLostError(`lost the lock of ${p.runbookId} on ${p.config.remote} to ${who}: what this runner did after that is only in this clone, and the run is not reported as ended (not completed) here`, {
      hint: `This clone's journal is set aside at its next fetch (\`runbook share status\`); \`runbook log ${p.holder.runId}\` shows the run as it went on.`,
    });
  }

  /** The same, with what the shared record says happened, read from the remote now. */
  async #lostErrorWithRecord(): Promise<LeaseLostError> {
    const p = this.#p;
    const base = this.#lostError();
    const unreachable = await fetchShared(p.config);
    const record = unreachable === undefined ? await readSharedRecord(p.config, p.holder.runId, p.runbookId, p.journalFile, p.describeRecord, p.now()).catch(() => undefined) : undefined;
    const says = record ?? `it could not be read${unreachable ? ` (${printableLine(unreachable)})` : ""}`;
    return new LeaseLostError(`${base.message}.\n${p.config.remote}'s record of run ${p.holder.runId}: ${says}`, base.hint !== undefined ? { hint: base.hint } : {});
  }

  #confirmed(lock: string, chain: Chain, at: number): void {
    this.#lockSha = lock;
    this.#remoteTip = chain.tip;
    this.#remoteBytes = chain.bytes;
    this.#confirmedAt = at;
    if (this.#failing && this.#failNoted && !this.#waiting && !this.#released) this.#p.notice(`${this.#p.config.remote} answers again: the lease of ${this.#p.runbookId} is renewed`);
    this.#failing = undefined;
    this.#failNoted = false;
    // This clone's view of the remote follows what it pushed, so `runs` here needs no fetch to see it.
    const { repo, remote } = this.#p.config;
    void updateRefs(repo, "runbook: pushed", [[trackingLockRef(remote, this.#p.runbookId), lock], ...(chain.tip ? [[trackingRunRef(remote, this.#p.holder.runId), chain.tip] as const] : [])]).catch(() => undefined);
  }

  #failed(at: number, detail: string, refused: boolean, reason?: string): void {
    const first = this.#failing === undefined;
    this.#failing ??= { since: at, detail, refused };
    // A remote that turns pushes down says why, and it is said at once: it will not change by itself.
    if (first && refused) {
      const until = new Date(this.#confirmedAt + this.#p.config.leaseMs).toISOString();
      this.#p.notice(`${this.#p.config.remote} refused the push that renews the lease of ${this.#p.runbookId}: ${printableLine(reason ?? detail)}. The lease ends at ${until} unless a push gets through; a block running now goes on, the next one waits.`);
      this.#failNoted = true;
    } else if (first && !this.#released && !this.#p.offline) {
      // Said when it happens, not at the next block: the operator knows before deciding to go on.
      const until = new Date(this.#confirmedAt + this.#p.config.leaseMs).toISOString();
      this.#p.notice(`could not renew the lease of ${this.#p.runbookId} on ${this.#p.config.remote} (${printableLine(detail)}): a block running now goes on; the next one waits until a renewal gets through (the lease ends at ${until})`);
      this.#failNoted = true;
    }
  }
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** A promise that never settles: what a wait races against when no push is in flight. */
const NEVER = new Promise<void>(() => undefined);

/** The least time between two pushes of the journal (a quarter of a second, less for a short lease): events batch up meanwhile. */
export function pushGapMs(leaseMs: number): number {
  return Math.min(250, Math.floor(heartbeatMs(leaseMs) / 2));
}
