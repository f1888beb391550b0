import { commandLookup } from "../../system/command-exists.js";
import { lintRunbook } from "../lint-runbook.js";
import { idAtOf } from "../project.js";
import { assessStaleness } from "../staleness.js";
import type { Runbook } from "../../model/types.js";
import type { Deps, JobSettings, LintOutcome, StaleOutcome } from "../batch/protocol.js";
import type { GitFacts } from "./history.js";

/**
 * Stage 5, rules: one runbook's findings, from the runbook and the git facts handed in. What the
 * result read from the machine (PATH, today, history) is noted in `deps`, for the cache. Pure but for
 * the PATH lookups.
 */
export function lintOutcome(runbook: Runbook, settings: JobSettings, facts: GitFacts): LintOutcome {
  const deps: Deps = {};
  if (facts.verified !== undefined && facts.plan) deps.history = { commit: facts.verified, digest: facts.plan.digest };
  const diagnostics = lintRunbook(runbook, {
    severities: settings.severities,
    commandExists: watchedLookup(settings, deps),
    today: watchedDate(settings.today, deps),
    defaultReviewEvery: settings.defaultReviewEvery,
    history: facts.history,
  }).map(({ file: _, ...d }) => d);
  const at = idAtOf(runbook);
  return { kind: "lint", diagnostics, ...(at ? { id: { id: at.id, line: at.line, column: at.column } } : {}), deps, ...shallow(facts) };
}

/** The staleness rules alone, as `stale` and `handoff` report them: they read only the frontmatter. Pure. */
export function staleOutcome(runbook: Pick<Runbook, "frontmatter" | "meta">, settings: JobSettings, facts: GitFacts): StaleOutcome {
  const s = assessStaleness(runbook, { today: new Date(`${settings.today}T00:00:00Z`), defaultReviewEvery: settings.defaultReviewEvery, history: facts.history });
  return {
    kind: "stale",
    id: runbook.meta?.id ?? null,
    lastVerified: s.lastVerified ?? null,
    due: s.due ?? null,
    findings: s.findings.map((f) => ({ kind: f.kind, message: f.message, line: f.place.line, column: f.place.column })),
    ...shallow(facts),
  };
}

const shallow = (facts: GitFacts) => (facts.plan?.kind === "beyond-shallow" ? { beyondShallow: true as const } : {});

/**
 * One PATH lookup per batch (its settings object: one per `lint`/`stale` call, one per worker thread),
 * so a file is asked about once per call. Never for the life of the process: `main` may run many
 * times in one process (an editor, the tests), and a command installed between two calls is found.
 */
const lookups = new WeakMap<JobSettings, (name: string) => boolean>();

/** PATH lookups that note what they answered, so a cached result can be checked on another machine. */
function watchedLookup(settings: JobSettings, deps: Deps): (name: string) => boolean {
  let lookup = lookups.get(settings);
  if (!lookup) lookups.set(settings, (lookup = commandLookup(settings.path)));
  const inner = lookup;
  return (name) => {
    const found = inner(name);
    (deps.commands ??= {})[name] = found;
    return found;
  };
}

/** Today, noting whether any rule looked at it: most results do not depend on the date. */
function watchedDate(day: string, deps: Deps): Date {
  const date = new Date(`${day}T00:00:00Z`);
  return new Proxy(date, {
    get(target, key) {
      deps.today = day;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
