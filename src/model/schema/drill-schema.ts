import { z } from "zod";
import { reviewPeriodSchema } from "../duration.js";

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const stepId = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** A param value in a drill: text, or `${NAME}` read from the drill's environment when it runs (a secret stays out of the file). */
const drillParamValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

/**
 * `drill:` in the frontmatter: how `runbook drill` runs this runbook unattended. What a drill may do
 * without a person is written here, in review, never decided by the job that runs it.
 */
export const drillSchema = z
  .strictObject({
    every: reviewPeriodSchema.describe("How often a drill is due (`--due`): never drilled, or last verified longer ago than this, e.g. `2w`, `30d`."),
    params: z
      .record(z.string().regex(envName, { message: "Expected an environment variable name" }), drillParamValue)
      .optional()
      .describe("Param values for the drill; `${NAME}` takes the value of the environment variable NAME when the drill runs (for secrets)."),
    env: z
      .array(z.string().regex(envName, { message: "Expected an environment variable name" }))
      .optional()
      .describe("Environment variables the drill needs (e.g. STAGING_DB_URL): a drill without them fails before anything runs, naming them."),
    confirm_irreversible: z
      .array(z.string().regex(stepId, { message: "Expected a step id" }))
      .optional()
      .describe("The irreversible steps a drill may take (as `--confirm-irreversible`); a drill stops before any other."),
    manual: z
      .literal("assume", { message: "Expected `assume`" })
      .optional()
      .describe("`assume`: a drill assumes the manual steps done (the verification names them); otherwise each manual step needs `drill_skip` in its heading."),
  });

export type Drill = z.output<typeof drillSchema>;
export const DRILL_KEYS: readonly string[] = Object.keys(drillSchema.shape);
