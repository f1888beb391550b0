import { z } from "zod";
import { MAX_OUTPUT_LIMIT, MIN_OUTPUT_LIMIT, OUTPUT_LIMIT_HELP, OUTPUT_LIMIT_PATTERN, parseOutputLimit } from "../output-size.js";
import { durationSchema, REVIEW_PERIOD_PATTERN } from "../duration.js";

export const CONFIG_FILE = "runbook.config.yaml";

const shareSchema = z.strictObject({
  remote: z.string().min(1).optional().describe("The git remote that shares runs and locks (default origin)."),
  lease: durationSchema.optional().describe("How long a runner's lock lasts without being renewed (default 2m); the runner renews it while it runs."),
});

export const NOTIFY_ON = ["started", "waiting", "failed", "handover", "ended"] as const;
export type NotifyOn = (typeof NOTIFY_ON)[number];

const notifySchema = z.strictObject({
  url: z.string().min(1).describe("Where to POST: an https URL, or `${NAME}` to read it from an environment variable (never journaled or printed)."),
  name: z.string().min(1).optional().describe("What the journal and messages call this webhook (default: its place in the list, e.g. `notify[0]`)."),
  format: z.enum(["slack", "json"]).optional().describe("`slack`: an incoming-webhook message (text and blocks); `json`: the journal event and the run's summary (default slack)."),
  on: z.array(z.enum(NOTIFY_ON)).min(1).optional().describe("Which moments to post: `started` (a run starts or is resumed), `waiting` (an answer is awaited longer than `waiting_after`), `failed` (a step fails), `handover` (someone asks the holder of a live shared run to hand it over: `runbook handover`), `ended` (the run ends, with its outcome). Default: all."),
  waiting_after: durationSchema.optional().describe("How long a question may wait for its answer before `waiting` posts (default 5m)."),
});

const approvalsConfigSchema = z.strictObject({
  allowed_signers: z.string().min(1).describe("Git's allowed-signers file, relative to the config file: `principal [namespaces=\"runbook,git\"] key` per line; whose signatures count: `runbook` for plans and approvals, `git` for the signed journal commits of shared runs (docs/approvals.md)."),
});

export const configSchema = z.strictObject({
  review_every: z.string().regex(REVIEW_PERIOD_PATTERN, { message: "Expected a period such as `90d` or `6 months`" }).optional().describe("Default review period for runbooks that set none (default 90d)."),
  state_dir: z.string().min(1).optional().describe("Where run journals and locks live, relative to the config file (default .runbook)."),
  runbooks: z.array(z.string()).optional().describe("Default paths or globs for `lint` and `stale` (default runbooks/**/*.md)."),
  rules: z.record(z.string(), z.enum(["error", "warning", "off"])).optional().describe("Severity per lint rule id."),
  output_limit: z
    .union([z.number().int().min(MIN_OUTPUT_LIMIT).max(MAX_OUTPUT_LIMIT), z.string().regex(OUTPUT_LIMIT_PATTERN, { message: `Expected ${OUTPUT_LIMIT_HELP}` })])
    .refine((v) => parseOutputLimit(v) !== undefined, { message: `Expected ${OUTPUT_LIMIT_HELP}` })
    .optional()
    .describe("Output journaled per attempt of a block, its first half and its last half (default 16MiB); RUNBOOK_OUTPUT_LIMIT overrides it."),
  share: shareSchema
    .optional()
    .describe("Share runs through the git remote: journals on refs/runbook/runs/*, locks on refs/runbook/locks/* (docs/handoff.md). Off by default."),
  notify: z
    .array(notifySchema)
    .optional()
    .describe("Webhooks told when a run starts, waits for an answer, has a step fail, or ends (docs/handoff.md). Posted in the background: a webhook never delays or fails a step."),
  approvals: approvalsConfigSchema.optional().describe("Whose SSH keys may sign plans for runbooks with `approvals:` (docs/approvals.md)."),
});

export type Config = z.output<typeof configSchema>;
export const CONFIG_KEYS: readonly string[] = Object.keys(configSchema.shape);
export type NotifyConfig = z.output<typeof notifySchema>;
export const NOTIFY_KEYS: readonly string[] = Object.keys(notifySchema.shape);
export const SHARE_KEYS: readonly string[] = Object.keys(shareSchema.shape);
export const APPROVALS_CONFIG_KEYS: readonly string[] = Object.keys(approvalsConfigSchema.shape);
