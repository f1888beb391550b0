import { readFileSync } from "node:fs";
import { UsageError } from "../core/errors.js";
import { OUTPUT_LIMIT_HELP, parseOutputLimit } from "../model/output-size.js";
import type { LoadedConfig } from "../system/config-file.js";
import { withCommitSigner } from "./commit-signer.js";
import { notifyHooks, realNotifications } from "./notify-hooks.js";
import { loadProjectConfig } from "./project-config.js";
import { repoRootOf } from "../system/repo-root.js";
import type { Answers, Policy } from "../run/ask.js";
import type { Plan } from "../run/plan.js";
import { collectParamFlags } from "../run/params.js";
import { checkRequires, prepare, prepareForPreview, sha256, type Prepared } from "../run/prepare.js";
import type { Diagnostic } from "../check/diagnostic.js";
import type { ContinueRequest } from "../run/session.js";
import type { World } from "../run/world.js";
import { stateDirOf } from "../state/state-dir.js";
import type { ShareConfig } from "../state/shared/remote.js";
import { shareConfigOf } from "../state/shared/setup.js";
import type { ViewMode } from "./front-end.js";
import { useColor, type Io } from "./io.js";
import { runIdIn, syncForReading } from "./shared-runs.js";
import { VERSION } from "./version.js";
import { isInteractive, realWorld } from "./real-world.js";

/** The flags run, resume and rollback share. */
export interface SessionFlags {
  param: string[];
  /** `--parallel N` (run, resume): steps at once, over the frontmatter's `parallel:`. */
  parallel?: string;
  plain?: boolean;
  format?: "text" | "json";
  force?: boolean;
  config?: string;
  yes?: boolean;
  onFailure?: "abort" | "rollback";
  rerunInterrupted?: boolean;
  skipInterrupted?: boolean;
  markInterruptedDone?: boolean;
  file?: string;
  offline?: boolean;
  /** `--confirm-irreversible a,b` (repeatable). */
  confirmIrreversible?: string[];
  /** `rollback --past a` (repeatable). */
  past?: string[];
  /** `--allow-handover`: grant a handover when asked, without a person (docs/handoff.md). */
  allowHandover?: boolean;
}

export interface SessionSetup {
  readonly loaded: LoadedConfig;
  readonly stateDir: string;
  readonly interactive: boolean;
  readonly given: Record<string, string>;
  /** Which given params came from `-p` and which from `RUNBOOK_PARAM_*`. */
  readonly givenBy: Record<string, "flag" | "environment">;
  readonly policy: Policy;
  readonly world: World;
  readonly prepare: (file: string) => Promise<Prepared>;
  /** For a dry run: refused only for errors that make the plan wrong; the others come back. */
  readonly preview: (file: string) => Promise<{ prepared: Prepared; metadataErrors: readonly Diagnostic[] }>;
  readonly checkRequires: (plan: Plan) => void;
  readonly share: ShareConfig | undefined;
}

/** Turns the shared flags into what a session needs: one place for the checks run, resume and rollback share. */
export async function sessionSetup(io: Io, flags: SessionFlags): Promise<SessionSetup> {
  const loaded = await loadProjectConfig(io.cwd, flags.config);
  const stateDir = stateDirOf(io.env, loaded.root, loaded.config.state_dir, io.cwd);
  // JSON output is for machines: nobody to prompt.
  const interactive = isInteractive(io) && flags.format !== "json";
  const mode: ViewMode = flags.format === "json" ? "json" : interactive && !flags.plain ? "tui" : "plain";
  const given = collectParamFlags(flags.param, io.env);
  const flagged = new Set(flags.param.map((f) => f.slice(0, f.indexOf("="))));
  const givenBy = Object.fromEntries(Object.keys(given).map((n) => [n, flagged.has(n) ? ("flag" as const) : ("environment" as const)]));
  const policy: Policy = {
    yes: flags.yes === true,
    onFailure: flags.onFailure ?? (interactive ? "ask" : "abort"),
    interrupted: interruptedFlag(flags),
    confirmIrreversible: idList(flags.confirmIrreversible),
    past: idList(flags.past),
    ...(flags.allowHandover === true ? { allowHandover: true } : {}),
  };
  const share = withCommitSigner(shareConfigOf(loaded, io.env), loaded, io.env, (text) => io.stderr.write(`runbook: ${text}\n`));
  const real = realWorld(io, stateDir, { mode, interactive, color: useColor(io, io.stdout) }, { config: share, offline: flags.offline === true }, outputLimitOf(io.env, loaded.config.output_limit));
  const told = { ...real, notifications: realNotifications(notifyHooks(loaded.config.notify, io.env, real.notice)) };
  const world = io.world ? io.world(told) : told;
  const ctx = { cwd: io.cwd, stateDir, severities: loaded.config.rules ?? {}, color: useColor(io, io.stderr), toolVersion: VERSION };
  const parallel = parallelFlag(flags.parallel);
  const steps = (p: Prepared): Prepared => (parallel === undefined ? p : { ...p, plan: { ...p.plan, parallel } });
  const preview = async (file: string) => {
    const r = await prepareForPreview(file, ctx);
    return { ...r, prepared: steps(r.prepared) };
  };
  return { loaded, stateDir, interactive, given, givenBy, policy, world, prepare: async (file) => steps(await prepare(file, ctx)), preview, checkRequires: (plan) => checkRequires(plan, io.env.PATH), share };
}

/**
 * The run `resume` or `rollback` names (an id, a unique prefix, `last`), after fetching shared runs:
 * a run started on another machine is continued here from the shared journal.
 */
export async function continuedRun(io: Io, s: SessionSetup, given: string): Promise<string> {
  await syncForReading(io, s.share, s.stateDir);
  return runIdIn(s.world.store, io.cwd, given);
}

/** What resume and rollback need to find a journal's runbook and carry on. */
export function continueRequest(io: Io, s: SessionSetup, mode: "resume" | "rollback", runId: string, flags: SessionFlags): ContinueRequest {
  return {
    mode,
    runId,
    given: s.given,
    policy: s.policy,
    interactive: s.interactive,
    force: flags.force === true,
    lookup: { checkoutRoot: repoRootOf(io.cwd), stateDir: s.stateDir, explicit: flags.file, cwd: io.cwd },
    hashOf: (file) => {
      try {
        return sha256(readFileSync(file, "utf8"));
      } catch {
        return undefined;
      }
    },
    prepare: s.prepare,
    checkRequires: s.checkRequires,
  };
}

/** `RUNBOOK_OUTPUT_LIMIT`, else the config's `output_limit` (checked by its schema), else the engine's default. */
function outputLimitOf(env: Io["env"], configured: string | number | undefined): number | undefined {
  const given = env.RUNBOOK_OUTPUT_LIMIT;
  if (given === undefined || given === "") return configured === undefined ? undefined : parseOutputLimit(configured);
  const bytes = parseOutputLimit(given);
  if (bytes === undefined) throw new UsageError(`RUNBOOK_OUTPUT_LIMIT=${given} is not a size: expected ${OUTPUT_LIMIT_HELP}`);
  return bytes;
}

/** `--parallel N`: a whole number from 1 to 64, as the frontmatter's `parallel:`. */
function parallelFlag(given: string | undefined): number | undefined {
  if (given === undefined) return undefined;
  const n = Number(given);
  if (!/^\d+$/.test(given.trim()) || n < 1 || n > 64) throw new UsageError(`--parallel ${given}: expected a whole number from 1 to 64 (steps at once; 1 runs them one at a time)`);
  return n;
}

/** Step ids from a repeatable flag whose values may also be comma-separated lists. */
function idList(values: readonly string[] | undefined): string[] {
  return [...new Set((values ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean))];
}

function interruptedFlag(flags: SessionFlags): Answers["interrupted"] | undefined {
  const chosen = [flags.rerunInterrupted && "rerun", flags.skipInterrupted && "skip", flags.markInterruptedDone && "done"].filter((x): x is Answers["interrupted"] => typeof x === "string");
  if (chosen.length > 1) throw new UsageError("choose one of --rerun-interrupted, --skip-interrupted and --mark-interrupted-done");
  return chosen[0];
}
