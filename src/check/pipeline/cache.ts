import { commandLookup } from "../../system/command-exists.js";
import { depsHold, type LintCache } from "../batch/lint-cache.js";
import type { HistoryAnswers, LintOutcome } from "../batch/protocol.js";
import type { Source } from "./read.js";

export interface CacheStage {
  /** The cached result for these bytes, if what it read from the machine still reads the same. */
  lookup(source: Source): Promise<LintOutcome | undefined>;
  store(source: Source, outcome: LintOutcome): void;
  save(): Promise<void>;
}

/**
 * Stage 4, cache: results by content (see LintCache). Without a cache (`--no-cache`) every lookup
 * misses and nothing is stored.
 */
export function cacheStage(cache: LintCache | undefined, now: { today: string; path: string | undefined; answers: HistoryAnswers }): CacheStage {
  if (!cache) return { lookup: async () => undefined, store: () => undefined, save: async () => undefined };
  const commandExists = commandLookup(now.path);
  const keys = new WeakMap<Source, { rel: string; key: string }>();
  const keyOf = (s: Source) => {
    let k = keys.get(s);
    if (!k) keys.set(s, (k = { rel: cache.relative(s.absolute), key: cache.keyOf(s.file, s.bytes) }));
    return k;
  };
  return {
    async lookup(source) {
      const { rel, key } = keyOf(source);
      const hit = cache.get(rel, key);
      if (!hit) return undefined;
      const historyDigest = async (commit: string) => (await now.answers.plan(source.absolute, commit)).digest;
      return (await depsHold(hit.deps, { today: now.today, commandExists, historyDigest })) ? hit : undefined;
    },
    store(source, outcome) {
      const { rel, key } = keyOf(source);
      cache.set(rel, key, outcome);
    },
    save: () => cache.save(),
  };
}
