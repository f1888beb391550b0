import path from "node:path";
import { InputError } from "../../core/errors.js";
import type { Diagnostic } from "../diagnostic.js";
import { projectChecker } from "../project.js";
import { createExecutor } from "../batch/executor.js";
import { boundHeapGrowth } from "../batch/heap-growth.js";
import { historyAnswers } from "../batch/history-answers.js";
import { inOrder } from "../batch/in-order.js";
import type { LintCache } from "../batch/lint-cache.js";
import type { JobSettings, LintOutcome, StaleOutcome } from "../batch/protocol.js";
import type { RepoHistory } from "../../system/git-history.js";
import { cacheStage } from "./cache.js";
import { readSource, type Unreadable } from "./read.js";

/** Files read ahead of the one being reported: enough to keep every worker busy, few enough to hold. */
const WINDOW = 64;
/**
 * Staleness needs only the frontmatter and fingerprints: small results, so many files in flight. A
 * file that records a `verified_commit` waits for the history, read once (as long as `git log` takes):
 * a window of thousands lets every file of a large repository be read and judged meanwhile, rather
 * than the files past the window after it (`stale` on 1,000 runbooks was 3× `git log`, half of it that).
 */
const STALE_WINDOW = 4096;

interface Common {
  readonly cwd: string;
  /** From the collect stage: in report order. */
  readonly files: readonly string[];
  readonly settings: JobSettings;
  /** Holds `RUNBOOK_WORKERS`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** After each file, whatever became of it. */
  readonly tick?: () => void;
}

/** One file's findings, the project checks' included, stamped with its name. */
export interface LintedFile {
  readonly file: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly beyondShallow: boolean;
}

/**
 * The lint pipeline: read → cache → parse → rules (on worker threads when there are many files) →
 * project checks, each file handed to `emit` in order as soon as the files before it are. Memory
 * holds a window of files, never all of them; what a file's findings were is forgotten once emitted.
 * Files that cannot be read are handed to `unreadable`; one that breaks the tool is one of them.
 */
export async function lintFiles(o: Common & { readonly cache: LintCache | undefined; emit: (f: LintedFile) => void; unreadable: (u: Unreadable) => void }): Promise<void> {
  const answers = historyAnswers(o.cwd, o.files.map((f) => readAbsolute(o.cwd, f)));
  const executor = createExecutor({ settings: o.settings, answers, env: o.env });
  const cache = cacheStage(o.cache, { today: o.settings.today, path: o.settings.path, answers });
  const checkIds = projectChecker(o.settings.severities);
  boundHeapGrowth(o.files.length);

  const outcomeOf = async (file: string): Promise<LintOutcome | Unreadable> => {
    const read = await readSource(file, o.cwd);
    if ("unreadable" in read) return read;
    const hit = await cache.lookup(read);
    if (hit) return hit;
    // Without a cache the bytes are not needed again: not held while the file waits for a worker.
    const text = read.bytes.toString("utf8");
    const source = o.cache ? read : undefined;
    let outcome: LintOutcome;
    try {
      outcome = (await executor.run({ kind: "lint", file, absolute: read.absolute, text })) as LintOutcome;
    } catch (error) {
      // One file that breaks the tool must not hide the findings of every other file.
      const message = (error instanceof Error ? error.message : String(error)).split("\n")[0];
      return { file, unreadable: `internal error while reading ${file}: ${message}; please report it` };
    }
    if (source) cache.store(source, outcome);
    return outcome;
  };

  try {
    await inOrder(o.files, WINDOW, outcomeOf, (outcome, file) => {
      o.tick?.();
      if ("unreadable" in outcome) return o.unreadable(outcome);
      const diagnostics: Diagnostic[] = outcome.diagnostics.map((d) => ({ file, ...d }));
      const duplicate = checkIds(outcome.id && { file, ...outcome.id });
      if (duplicate) diagnostics.push(duplicate);
      o.emit({ file, diagnostics, beyondShallow: outcome.beyondShallow === true });
    });
  } finally {
    answers.close();
    await executor.close();
  }
  await cache.save();
}

/**
 * The staleness pipeline: read → parse → the staleness rules, with the history read once for these
 * files. What `stale` and `verify`'s assessment (and `handoff`) report. `after` is handed the history
 * while it is still open, for questions asked of it once every file is judged.
 */
export async function staleFiles(o: Common & { emit: (file: string, outcome: StaleOutcome) => void; after?: (repo: RepoHistory | undefined) => Promise<void> }): Promise<{ gitChecked: boolean }> {
  const answers = historyAnswers(o.cwd, o.files.map((f) => readAbsolute(o.cwd, f)));
  const executor = createExecutor({ settings: o.settings, answers, env: o.env });
  try {
    // The history is read while the first files are read and judged, not before.
    const repo = answers.repo();
    await inOrder(
      o.files,
      STALE_WINDOW,
      async (file) => {
        const source = await readSource(file, o.cwd);
        // As before the pipeline: an unreadable file stops `stale` with a usage error.
        if ("unreadable" in source) throw new InputError(source.unreadable);
        return (await executor.run({ kind: "stale", file, absolute: source.absolute, text: source.bytes.toString("utf8") })) as StaleOutcome;
      },
      (outcome, file) => {
        o.tick?.();
        o.emit(file, outcome);
      },
    );
    const history = await repo;
    await o.after?.(history);
    return { gitChecked: history !== undefined };
  } finally {
    answers.close();
    await executor.close();
  }
}

const readAbsolute = (cwd: string, file: string) => path.resolve(cwd, file);
