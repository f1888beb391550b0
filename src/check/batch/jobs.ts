import { commandLookup } from "../../system/command-exists.js";
import { lintRunbook } from "../lint-runbook.js";
import { idAtOf } from "../project.js";
import { buildRunbook } from "../../model/build-runbook.js";
import type { Runbook } from "../../model/types.js";
import { fileHistory, verifiedCommitOf } from "../file-history.js";
import { assessStaleness } from "../staleness.js";
import type { Deps, HistoryAnswers, Job, LintOutcome, JobSettings, StaleOutcome } from "./protocol.js";

/**
 * One file's work, the same in a worker thread and in-process: build the runbook, ask for its git
 * history when it records a `verified_commit`, then lint it or judge its staleness.
 */
export async function runJob(job: Job, settings: JobSettings, answers: HistoryAnswers): Promise<LintOutcome | StaleOutcome> {
  const runbook = buildRunbook(job.file, job.text);
  const verified = verifiedCommitOf(runbook);
  const plan = verified === undefined ? undefined : await answers.plan(job.absolute, verified, true);
  const history = plan && (await fileHistory(runbook, plan, (rel, commits) => answers.blobs(rel, commits)));
  const shallow = plan?.kind === "beyond-shallow" ? { beyondShallow: true as const } : {};
  if (job.kind === "stale") return { ...stale(runbook, settings, history), ...shallow };
  const deps: Deps = {};
  if (verified !== undefined && plan) deps.history = { commit: verified, digest: plan.digest };
  const diagnostics = lintRunbook(runbook, {
    severities: settings.severities,
    commandExists: watchedLookup(settings.path, deps),
    today: watchedDate(settings.today, deps),
    defaultReviewEvery: settings.defaultReviewEvery,
    history,
  }).map(({ file: _, ...d }) => d);
  const at = idAtOf(runbook);
  return { kind: "lint", diagnostics, ...(at ? { id: { id: at.id, line: at.line, column: at.column } } : {}), deps, ...shallow };
}

function stale(runbook: Runbook, settings: JobSettings, history: Parameters<typeof assessStaleness>[1]["history"]): StaleOutcome {
  const s = assessStaleness(runbook, { today: new Date(`${settings.today}T00:00:00Z`), defaultReviewEvery: settings.defaultReviewEvery, history });
  return {
    kind: "stale",
    id: runbook.meta?.id ?? null,
    lastVerified: s.lastVerified ?? null,
    due: s.due ?? null,
    findings: s.findings.map((f) => ({ kind: f.kind, message: f.message, line: f.place.line, column: f.place.column })),
  };
}

const lookups = new Map<string | undefined, (name: string) => boolean>();

/** PATH lookups that note what they answered, so a cached result can be checked on another machine. */
function watchedLookup(envPath: string | undefined, deps: Deps): (name: string) => boolean {
  let lookup = lookups.get(envPath);
  if (!lookup) lookups.set(envPath, (lookup = commandLookup(envPath)));
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
