import path from "node:path";
import { RunRefusedError, UsageError } from "../core/errors.js";
import type { EventOf } from "../journal/events.js";

export interface Found {
  readonly file: string;
  /** How it was found, for the operator: "where the run started", "in this checkout", "--file". */
  readonly how: string;
  /** Its content is the one the run started with. */
  readonly same: boolean;
}

export interface LookupContext {
  /** The current checkout's root, if the current folder is in a repository. */
  readonly checkoutRoot: string | undefined;
  readonly stateDir: string;
  /** `--file`: the operator says where it is. */
  readonly explicit: string | undefined;
  readonly cwd: string;
  /** The SHA-256 of a file's content, or undefined when it cannot be read. */
  readonly hashOf: (file: string) => string | undefined;
}

/**
 * Finds the runbook of a journal. `--file` wins. Otherwise: where the run was started, when its
 * content is the same; then the same path relative to the current checkout's root (or to the state
 * folder, for a runbook in no repository); then wherever a file is, changed or not. A run started in
 * another checkout takes this checkout's copy first, when it is the same.
 */
export function locateRunbook(started: EventOf<"run_started">, ctx: LookupContext): Found {
  const { runbook } = started;
  if (ctx.explicit !== undefined) {
    const file = path.resolve(ctx.cwd, ctx.explicit);
    const hash = ctx.hashOf(file);
    if (hash === undefined) throw new UsageError(`cannot read --file ${ctx.explicit}`);
    return { file, how: "--file", same: hash === runbook.sha256 };
  }
  const candidates: Array<{ file: string; how: string }> = [{ file: runbook.file, how: "where the run started" }];
  if (runbook.path !== undefined) {
    const base = runbook.base === "state" ? ctx.stateDir : ctx.checkoutRoot;
    const here = base === undefined ? undefined : path.resolve(base, runbook.path);
    if (here !== undefined && here !== path.resolve(runbook.file)) candidates.push({ file: here, how: runbook.base === "state" ? "beside the state folder" : "in this checkout" });
  }
  // A run started in another checkout (a shared run taken over, a colleague's clone) runs this one's copy.
  const elsewhere = ctx.checkoutRoot !== undefined && path.relative(ctx.checkoutRoot, runbook.file).startsWith("..");
  const seen = (elsewhere ? [...candidates].reverse() : candidates).map((c) => ({ ...c, hash: ctx.hashOf(c.file) }));
  const same = seen.find((c) => c.hash === runbook.sha256);
  if (same) return { file: same.file, how: same.how, same: true };
  // Prefer this checkout's copy over another one's when neither is the same.
  const any = seen.find((c) => c.how !== "where the run started" && c.hash !== undefined) ?? seen.find((c) => c.hash !== undefined);
  if (any) return { file: any.file, how: any.how, same: false };
  const looked = [...new Set(candidates.map((c) => c.file))].join(", ");
  throw new RunRefusedError(`cannot find the runbook of run ${started.runId} (${runbook.id}): looked at ${looked}`, { hint: "Point at it with --file PATH." });
}
