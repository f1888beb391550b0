import { statSync } from "node:fs";
import { RunRefusedError } from "../../errors.js";
import type { LockHolder } from "../lock.js";
import { chainAt, extendChain, leaseCommit, readLeases, type Chain } from "./chain.js";
import { refSha, updateRefs } from "./git.js";
import { describeLease, leaseFor, type LeaseRecord } from "./lease.js";
import { lockRef, runRef, trackingLockRef, trackingRunRef } from "./refs.js";
import { fetchShared, pushAtomic, type ShareConfig } from "./remote.js";
import { tailOf } from "./sync.js";

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
}

/**
 * A runbook's shared lock while a run holds it: pushes the journal at each change of state (in the
 * background, never in a step's way), renews the lease with every push and on a heartbeat, answers
 * the engine's "may the next block start?", and releases the lock at the end.
 *
 * A block starts only when the lease was confirmed by the remote within half a lease and the remote
 * has every event journaled so far: whoever takes an expired lease over sees every block that ended.
 */
export class HeldLease {
  readonly #p: HeldParts;
  #lockSha: string;
  #chain: Chain;
  #remoteTip: string | undefined;
  #remoteBytes: number;
  #confirmedAt: number;
  #failing: { since: number; detail: string } | undefined;
  #lost: LeaseRecord | "unknown" | undefined;
  #pushing: Promise<void> | undefined;
  #again = false;
  #released = false;
  #waiting = false;
  #offlineNoted = false;
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
    this.#timer = setInterval(() => this.kick(), Math.max(50, Math.floor(p.config.leaseMs / 4)));
    this.#timer.unref();
  }

  /** Something changed: push soon. Pushes never overlap; one asked for during a push follows it. */
  kick(): void {
    if (this.#released || this.#lost) return;
    if (this.#pushing) {
      this.#again = true;
      return;
    }
    this.#pushing = (async () => {
      do {
        this.#again = false;
        await this.#pushOnce(false).catch((e: unknown) => this.#failed(this.#p.now(), (e as Error).message));
      } while (this.#again && !this.#lost && !this.#released);
    })().finally(() => {
      this.#pushing = undefined;
    });
  }

  async gate(signal: AbortSignal): Promise<string | undefined> {
    const { config, now } = this.#p;
    const target = this.#journalLength();
    for (;;) {
      if (this.#lost) {
        const who = this.#lost === "unknown" ? "another run" : describeLease(this.#lost);
        throw new RunRefusedError(`lost the lock of ${this.#p.runbookId} on ${config.remote} to ${who}; stopped before the next step, and nothing more runs here`, {
          hint: `Its journal here keeps what this runner did: see \`runbook share status\` and \`runbook log ${this.#p.holder.runId}\`.`,
        });
      }
      const fresh = now() - this.#confirmedAt < config.leaseMs / 2;
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
        this.#p.notice(`cannot renew the lease on ${config.remote} (${this.#failing.detail}): waiting before the next step. Ctrl-C leaves the run resumable; \`runbook resume ${this.#p.holder.runId} --offline\` goes on without ${config.remote}.`);
      }
      this.kick();
      await Promise.race([this.#pushing, delay(this.#failing ? 500 : 100)]);
      if (signal.aborted) return undefined;
    }
  }

  async release(): Promise<void> {
    clearInterval(this.#timer);
    this.#released = true;
    await this.#pushing;
    if (this.#lost) return;
    try {
      await this.#pushOnce(true);
    } catch (e) {
      this.#failed(this.#p.now(), (e as Error).message);
    }
    if (this.#failing || this.#lost) {
      const local = this.#journalLength() - this.#remoteBytes;
      this.#p.notice(
        `could not release the lock of ${this.#p.runbookId} on ${this.#p.config.remote} (${this.#failing?.detail ?? "it was taken over"}): it expires by itself${local > 0 ? `; ${local} bytes of this run's journal are only in this clone (see \`runbook share status\`)` : ""}`,
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

  async #pushOnce(release: boolean): Promise<void> {
    const p = this.#p;
    const { repo } = p.config;
    const startedAt = p.now();
    let fresh: Buffer;
    try {
      // Only what the journal gained since the last commit is read: a journal may be large.
      fresh = tailOf(p.journalFile, this.#chain.bytes);
    } catch {
      fresh = Buffer.alloc(0);
    }
    const events = fresh.toString("utf8").split("\n").filter(Boolean).length;
    // The journal's commit and the lease's are independent: made side by side, pushed together.
    const [chain, lock] = await Promise.all([
      fresh.length ? extendChain(repo, this.#chain, fresh, `runbook run ${p.holder.runId}: ${events} event${events === 1 ? "" : "s"} by ${p.holder.user}@${p.holder.host}`, p.env) : this.#chain,
      leaseCommit(repo, this.#lockSha, leaseFor(p.holder, startedAt, p.config.leaseMs, release), p.env),
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
      return;
    }
    if (r.why === "unreachable") return this.#failed(startedAt, r.detail);
    // Refused: someone moved the lock. A push of ours that timed out yet landed is still ours.
    if ((await fetchShared(p.config)) !== undefined) return this.#failed(startedAt, "refused, and the remote could not be read again");
    const remoteLock = await refSha(repo, trackingLockRef(p.config.remote, p.runbookId));
    if (remoteLock && this.#ours.has(remoteLock)) {
      const remoteTip = await refSha(repo, trackingRunRef(p.config.remote, p.holder.runId));
      this.#lockSha = remoteLock;
      this.#remoteTip = remoteTip;
      this.#remoteBytes = (await chainAt(repo, remoteTip)).bytes;
      this.#again = true;
      return;
    }
    this.#lost = (remoteLock ? (await readLeases(repo, [remoteLock])).get(remoteLock) : undefined) ?? "unknown";
  }

  #confirmed(lock: string, chain: Chain, at: number): void {
    this.#lockSha = lock;
    this.#remoteTip = chain.tip;
    this.#remoteBytes = chain.bytes;
    this.#confirmedAt = at;
    this.#failing = undefined;
    // This clone's view of the remote follows what it pushed, so `runs` here needs no fetch to see it.
    const { repo, remote } = this.#p.config;
    void updateRefs(repo, "runbook: pushed", [[trackingLockRef(remote, this.#p.runbookId), lock], ...(chain.tip ? [[trackingRunRef(remote, this.#p.holder.runId), chain.tip] as const] : [])]).catch(() => undefined);
  }

  #failed(at: number, detail: string): void {
    this.#failing ??= { since: at, detail };
  }
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
