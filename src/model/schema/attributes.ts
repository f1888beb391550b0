import { z } from "zod";
import { durationSchema, timeoutSchema } from "../duration.js";
import { ENV_NAME_PATTERN } from "./frontmatter-schema.js";

/** Fence languages that are run. Anything else is shown to the operator, never run. */
export const SHELL_LANGS: ReadonlySet<string> = new Set(["sh", "bash", "shell", "zsh"]);

const flag = z.literal(true, { message: "Expected a bare flag with no value" });

/** What `irreversible` alone, or with an empty value, is told: the reason is the point of it. */
export const IRREVERSIBLE_NEEDS_REASON = "`irreversible` needs the reason no rollback is possible: write `irreversible=\"why\"`, e.g. `irreversible=\"a promoted standby cannot be demoted\"`";

/** Attributes written alone (`confirm`), never `key=value`. */
export const FLAG_ATTRIBUTES: readonly string[] = ["rollback", "verify", "confirm"];

/** How each attribute that takes a value is written, for a message about one written alone. */
export const ATTRIBUTE_FORMS: Readonly<Record<string, string>> = {
  timeout: "timeout=30s",
  retries: "retries=3",
  backoff: "backoff=2s",
  needs: "needs=step-id,other-step",
  capture: "capture=VAR",
  irreversible: 'irreversible="why"',
  cwd: "cwd=dir",
  on: "on=group",
  batch: "batch=1,25%,100%",
  max_fail: "max_fail=1",
  parallel: "parallel=10",
};

/** A count of hosts or a share of them: `3` or `25%`. */
const HOST_SHARE = /^(?:[1-9][0-9]{0,5}|0|(?:100|[1-9]?[0-9])%)$/;
export type HostShare = { readonly count: number } | { readonly percent: number };
const share = (s: string): HostShare => (s.endsWith("%") ? { percent: Number(s.slice(0, -1)) } : { count: Number(s) });

/** Attributes in a shell fence's info string, after the language: ```sh confirm timeout=30s */
export const attributesSchema = z.strictObject({
  rollback: flag.optional().describe("This block undoes the step's command."),
  verify: flag.optional().describe("This block checks the step's post-condition."),
  confirm: flag.optional().describe("The operator must say yes before the step runs."),
  timeout: timeoutSchema.optional().describe("Stop the block's whole process group after this long."),
  retries: z.coerce.number({ message: "Expected a whole number" }).int({ message: "Expected a whole number" }).min(0).max(1000).optional().describe("Extra attempts after a failure."),
  backoff: durationSchema.optional().describe("Base of an exponential backoff with full jitter between attempts."),
  needs: z
    .string()
    .transform((s) => s.split(",").map((x) => x.trim()).filter((x) => x !== ""))
    .optional()
    .describe("Comma-separated ids of the steps this one needs (default: the previous step)."),
  capture: z.string().regex(ENV_NAME_PATTERN, { message: "Expected an environment variable name" }).optional().describe("Stdout of the command becomes this variable for later steps."),
  irreversible: z.string().trim().min(1, { message: IRREVERSIBLE_NEEDS_REASON }).optional().describe("No rollback is possible, and why."),
  cwd: z.string().min(1).optional().describe("Working directory, relative to the runbook's folder."),
  on: z
    .string()
    .regex(/^(?:\$[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9_][A-Za-z0-9_.@-]*)$/, { message: "Expected a group of `targets:` (or `$PARAM` naming one)" })
    .optional()
    .describe("Run the block on every host of this group of `targets:`, over SSH (or `$PARAM`: the group or host a param names)."),
  batch: z
    .string()
    .transform((s) => s.split(",").map((x) => x.trim()))
    .refine((parts) => parts.length > 0 && parts.every((p) => HOST_SHARE.test(p) && p !== "0" && p !== "0%"), { message: "Expected batch sizes such as `1,25%,100%` (counts or percents, each above 0)" })
    .transform((parts) => parts.map(share))
    .optional()
    .describe("With `on=`: hosts per batch, e.g. `1,25%,100%` (a canary, a quarter, the rest); the last size repeats. Each batch waits for the one before to pass."),
  max_fail: z
    .string()
    .regex(HOST_SHARE, { message: "Expected a count or a percent of hosts, e.g. `1` or `10%`" })
    .transform(share)
    .optional()
    .describe("With `on=`: how many hosts (or what percent) may fail before the step fails (default 0)."),
  parallel: z.coerce.number({ message: "Expected a whole number" }).int({ message: "Expected a whole number" }).min(1).max(1000).optional().describe("With `on=`: hosts at once within a batch (default 10)."),
});

export type Attributes = z.output<typeof attributesSchema>;
export const ATTRIBUTE_KEYS: readonly string[] = Object.keys(attributesSchema.shape);
/** Attributes that describe the step as a whole, so they belong on its command block. */
export const STEP_ONLY_ATTRIBUTES: readonly string[] = ["confirm", "needs", "capture", "irreversible", "on", "batch", "max_fail", "parallel"];
