import type { Diagnostic } from "../diagnostic.js";
import type { RuleSetting } from "../lint-runbook.js";
import type { StaleKind } from "../staleness.js";
import type { HistoryPlan } from "../file-history.js";

/** What every job of one command shares: the config's part in the results, today, and PATH. */
export interface JobSettings {
  readonly severities: Readonly<Record<string, RuleSetting>>;
  readonly defaultReviewEvery: string | undefined;
  /** YYYY-MM-DD: rules see today at UTC midnight. */
  readonly today: string;
  /** For `requires-installed`: each thread looks commands up itself. */
  readonly path: string | undefined;
}

/** One file to lint or to judge for staleness, with its text already read. */
export interface Job {
  readonly kind: "lint" | "stale";
  /** As the report names it (relative to cwd where possible). */
  readonly file: string;
  readonly absolute: string;
  readonly text: string;
}

/** A finding of a file's own, without the file: the report stamps it. */
export type FileDiagnostic = Omit<Diagnostic, "file">;

/**
 * What a lint result depended on beyond the file's bytes and the config, recorded as it was read:
 * today (when a rule looked at the date), the commands looked up on PATH, and git history.
 */
export interface Deps {
  today?: string;
  commands?: Record<string, boolean>;
  history?: { readonly commit: string; readonly digest: string };
}

export interface LintOutcome {
  readonly kind: "lint";
  readonly diagnostics: readonly FileDiagnostic[];
  /** Where the runbook declares its id, for the check across files. */
  readonly id?: { readonly id: string; readonly line: number; readonly column: number };
  readonly deps: Deps;
  /** Its `verified_commit` is not in a shallow clone's history: the command says so once, for all. */
  readonly beyondShallow?: true;
}

export interface StaleOutcome {
  readonly kind: "stale";
  readonly id: string | null;
  readonly lastVerified: string | null;
  readonly due: string | null;
  readonly findings: ReadonlyArray<{ readonly kind: StaleKind; readonly message: string; readonly line: number; readonly column: number }>;
  /** As in LintOutcome. */
  readonly beyondShallow?: true;
}

export type Outcome = LintOutcome | StaleOutcome;

/** What a job asks of the thread that owns git: answered in-process, or across a worker's port. */
export interface HistoryAnswers {
  /** With `withBase`, the file at the verified commit comes with the plan: one question, not two. */
  plan(absolute: string, commit: string, withBase?: boolean): Promise<HistoryPlan>;
  blobs(rel: string, commits: readonly string[]): Promise<ReadonlyArray<string | undefined>>;
  /**
   * The file at a commit named by its full hash, read while the history is still being read (see
   * `openRepoHistory`), with the path it was read at: usable once the plan agrees on both.
   */
  early(absolute: string, commit: string): Promise<{ readonly rel: string; readonly text: string | undefined } | undefined>;
}
