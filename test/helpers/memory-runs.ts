import { configSchema } from "../../src/model/schema/config-schema.js";
import type { Holder } from "../../src/report/run-summary.js";
import type { RunsWorld } from "../../src/cli/shared-runs.js";
import type { Io } from "../../src/cli/io.js";
import type { ShareConfig } from "../../src/state/shared/remote.js";
import type { SyncReport } from "../../src/state/shared/sync.js";
import type { MemoryStore } from "./memory-world.js";
import type { Assessed } from "../../src/check/assess.js";

/**
 * What `runs`, `log`, `handoff`, `stats` and `share status` read, on a memory store: `holders` says
 * who holds a run now (by run id), `now` is the clock, `root` the project's root; `runbooks` is what
 * `handoff` is told of the runbooks' staleness (none by default; it is handed the dates it asked
 * for), `texts` the runbooks' texts by file (`log` takes step titles from them).
 */
export function memoryRuns(
  store: MemoryStore,
  o: {
    holders?: ReadonlyMap<string, Holder>;
    now: number;
    root: string;
    share?: { config: ShareConfig; sync: SyncReport };
    runbooks?: (asked: { today: Date; changedSince: Date }) => Assessed;
    texts?: ReadonlyMap<string, string>;
  },
): RunsWorld {
  return {
    loaded: { config: configSchema.parse({}), root: o.root, file: undefined },
    store,
    share: o.share?.config,
    sync: o.share?.sync,
    holderOf: (_runbookId, runId) => o.holders?.get(runId),
    now: () => o.now,
    runbooks: async (asked) => o.runbooks?.(asked) ?? { runbooks: [], gitChecked: false, changed: [] },
    runbookText: (file) => o.texts?.get(file),
  };
}

/** An Io whose output is kept: what a command printed, to read back. */
export function memoryIo(cwd = "/"): Io & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    argv: [],
    cwd,
    env: {},
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    stdin: process.stdin,
    out: () => out,
    err: () => err,
  };
}
