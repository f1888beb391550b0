import { z } from "zod";
import { matchesPattern, patternProblem } from "../pattern.js";
import { reviewPeriodSchema, timeoutSchema } from "../duration.js";
import { drillSchema } from "./drill-schema.js";

/** Names that change how the shell or the dynamic loader behaves: a param must never set them. */
export const RESERVED_ENV_NAMES: readonly string[] = [
  "PATH", "BASH_ENV", "ENV", "IFS", "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "NODE_OPTIONS",
  "SHELLOPTS", "BASHOPTS", "PS4", "PROMPT_COMMAND", "HOME", "SHELL", "CDPATH", "GLOBIGNORE",
  "DYLD_INSERT_LIBRARIES", "DYLD_LIBRARY_PATH", "PYTHONPATH", "PERL5OPT", "RUBYOPT",
  "GCONV_PATH", "BASH_XTRACEFD", "BASH_LOADABLES_PATH", "GIT_SSH_COMMAND", "EXECIGNORE", "POSIXLY_CORRECT", "BASH_COMPAT",
];

export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Variables the runner removes from what commands inherit (they could make the shell run other
 * code, or carry params): declaring one under `env:` could never be satisfied.
 */
export function withheldFromCommands(name: string): boolean {
  return name === "BASH_ENV" || name === "ENV" || name.startsWith("BASH_FUNC_") || name.startsWith("RUNBOOK_PARAM_");
}

const inheritedName = z
  .string()
  .regex(ENV_NAME_PATTERN, { message: "Expected an environment variable name" })
  .refine((n) => !withheldFromCommands(n), { message: "This variable never reaches commands: the runner removes it from their environment" });
export const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Env values are strings; YAML's `1048576` or `true` in a default is meant as that text. */
const scalarText = z.union([z.string(), z.number(), z.boolean()]).transform(String);

export const paramSchema = z
  .strictObject({
    description: z.string().optional().describe("What the operator should enter."),
    default: scalarText.optional().describe("Value used when none is given. A param with no default is required."),
    pattern: z
      .string()
      .superRefine((p, ctx) => {
        const problem = patternProblem(p);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional()
      .describe("RE2 regular expression the whole value must match (`^…$` is optional); RE2 matches in linear time and has no lookaround or backreferences."),
    enum: z.array(scalarText).min(1).optional().describe("The only values allowed."),
    secret: z.boolean().optional().describe("Masked as *** in the journal and on screen."),
    example: scalarText.optional().describe("An example value, shown when prompting."),
  })
  .superRefine((p, ctx) => {
    // Every value the runbook itself writes down must pass the checks a value given at run time meets.
    const usable = p.pattern !== undefined && patternProblem(p.pattern) === undefined ? p.pattern : undefined;
    const misses = (v: string) => usable !== undefined && !matchesPattern(usable, v);
    p.enum?.forEach((v, i) => {
      if (misses(v)) ctx.addIssue({ code: "custom", path: ["enum", i], message: `Choice \`${v}\` does not match pattern \`${usable}\` (the whole value must match): no one could choose it` });
    });
    if (p.example !== undefined && misses(p.example)) ctx.addIssue({ code: "custom", path: ["example"], message: `Example \`${p.example}\` does not match pattern \`${usable}\` (the whole value must match)` });
    if (p.default === undefined) return;
    if (p.secret) ctx.addIssue({ code: "custom", path: ["default"], message: "A secret param cannot have a default: it would be committed in plain text" });
    if (misses(p.default)) ctx.addIssue({ code: "custom", path: ["default"], message: `Default \`${p.default}\` does not match pattern \`${usable}\` (the whole value must match)` });
    if (p.enum && !p.enum.includes(p.default))
      ctx.addIssue({ code: "custom", path: ["default"], message: `Default \`${p.default}\` is not one of ${p.enum.map((e) => `\`${e}\``).join(", ")}` });
  });

export type Param = z.output<typeof paramSchema>;

/** `approvals:` (docs/approvals.md): a second person signs the exact plan before the run, or before the steps `steps` names. */
export const approvalsSchema = z.strictObject({
  required: z.number().int().min(1).max(9).default(1).describe("How many people other than the requester must sign the plan (default 1)."),
  when: z
    .record(z.string().regex(ENV_NAME_PATTERN, { message: "Expected a param name" }), z.union([scalarText, z.array(scalarText).min(1)]))
    .optional()
    .describe("Approval is needed only when every param named has this value (or one of these values); without `when`, every run needs it."),
  steps: z.array(z.string().min(1)).min(1).optional().describe(
    "Step ids the approval guards: a run starts without a plan and stops before the first of these steps until an approved plan is verified there (docs/approvals.md#approval-before-steps). Without `steps`, the plan is verified before the run starts.",
  ),
});

export type ApprovalsSpec = z.output<typeof approvalsSchema>;
export const APPROVALS_KEYS: readonly string[] = Object.keys(approvalsSchema.shape);

/** What a bad `parallel:` is told, whatever is wrong with it. */
const PARALLEL = "Expected a whole number from 1 to 64 (steps at once; 1 runs them one at a time)";

const nonEmpty = z.string().trim().min(1, { message: "Expected a non-empty string" });

/** A destination `ssh` accepts as it is: an alias of ~/.ssh/config, `user@host`, `host`; never an option. */
const destination = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.@:\[\]-]*$/, { message: "Expected an SSH destination such as `app-1` or `deploy@10.0.0.5` (no spaces, not starting with `-`)" });

/** One group of `targets:`: its hosts, an Ansible inventory's group, or a command that prints them. */
export const targetGroupSchema = z.union([
  z.array(destination).min(1, { message: "A group needs at least one host" }),
  z.strictObject({
    inventory: nonEmpty.describe("An Ansible inventory in YAML or INI, relative to the runbook's folder."),
    group: nonEmpty.describe("The inventory group whose hosts (and its children's) this group holds."),
  }),
  z.strictObject({ command: nonEmpty.describe("Run once before the run starts; each line of its stdout is a host.") }),
]);
export type TargetGroup = z.output<typeof targetGroupSchema>;
export const GROUP_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

const date = z.string().regex(DATE_PATTERN, { message: "Expected a date as YYYY-MM-DD" }).refine((s) => !Number.isNaN(Date.parse(s)), { message: "Expected a real calendar date" });


export const frontmatterSchema = z
  .strictObject({
    id: z.string().regex(ID_PATTERN, { message: "Expected a kebab-case id such as `postgres-failover`" }).describe("Unique, kebab-case id of the runbook."),
    title: nonEmpty.optional().describe("Defaults to the first H1."),
    owner: nonEmpty.describe("Team or person to escalate to."),
    description: z.string().optional(),
    tags: z.array(nonEmpty).optional(),
    review_every: reviewPeriodSchema.optional().describe("How long a verification stays fresh, e.g. `90d`, `6 months`."),
    review_in: reviewPeriodSchema.optional().describe("Alias of review_every (GOV.UK Tech Docs Template)."),
    last_verified: date.optional().describe("Written by `runbook verify` or a recorded drill."),
    last_reviewed_on: date.optional().describe("Alias of last_verified (GOV.UK Tech Docs Template)."),
    verified_by: nonEmpty.optional(),
    verified_commit: z.string().regex(/^[0-9a-f]{7,64}$/, { message: "Expected a git commit hash" }).optional(),
    requires: z.array(z.string().regex(/^[A-Za-z0-9._+-]+$/, { message: "Expected a command name" })).optional().describe("Commands that must be on PATH."),
    shell: z.enum(["bash", "sh", "zsh"]).optional().describe("Shell that runs the blocks (default bash)."),
    timeout: timeoutSchema.optional().describe("Default timeout for every block."),
    env: z
      .array(inheritedName)
      .optional()
      .describe("Variables the operator's environment must provide (e.g. KUBECONFIG, AWS_PROFILE): `run` checks they are set and non-empty before anything runs; lint accepts them as `$NAME`."),
    params: z
      .record(
        z.string().regex(ENV_NAME_PATTERN, { message: "Expected an environment variable name" }),
        z.union([paramSchema, z.null().transform(() => ({}) as Param)]),
      )
      .optional(),
    drill: drillSchema.optional().describe("How `runbook drill` runs this runbook unattended (docs/drills.md)."),
    targets: z
      .record(z.string().regex(GROUP_NAME_PATTERN, { message: "Expected a group name of letters, digits, `_`, `.`, `-`" }), targetGroupSchema)
      .optional()
      .describe("Groups of hosts a step runs on with `on=<group>` (docs/format.md#targets): `app: [app-1, app-2]`, `{inventory: hosts.yml, group: web}`, or `{command: \"…\"}`; resolved once before the run and journaled."),
    parallel: z
      .number({ message: PARALLEL })
      .int({ message: PARALLEL })
      .min(1, { message: PARALLEL })
      .max(64, { message: PARALLEL })
      .optional()
      .describe("Steps at once (docs/format.md#independent-steps-in-parallel): steps whose `needs=` are all done run at the same time, at most this many; default 1 (one at a time). `--parallel N` on run and resume overrides it."),
    approvals: approvalsSchema.optional().describe("Who must sign the plan before a run (docs/approvals.md): `{required: 1, when: {TARGET_ENV: production}}`."),
  })
  .superRefine((f, ctx) => {
    if (f.review_every && f.review_in) ctx.addIssue({ code: "custom", path: ["review_in"], message: "Use one of `review_every` and its alias `review_in`, not both" });
    f.env?.forEach((name, i) => {
      if (f.env?.indexOf(name) !== i) ctx.addIssue({ code: "custom", path: ["env", i], message: `\`${name}\` is listed twice under \`env\`` });
      else if (f.params && Object.hasOwn(f.params, name)) ctx.addIssue({ code: "custom", path: ["env", i], message: `\`${name}\` is both a param and an inherited variable: a param is given at run time, \`env\` comes from the operator's environment; keep one` });
    });
    if (f.last_verified && f.last_reviewed_on) ctx.addIssue({ code: "custom", path: ["last_reviewed_on"], message: "Use one of `last_verified` and its alias `last_reviewed_on`, not both" });
  });

export type FrontmatterInput = z.input<typeof frontmatterSchema>;
export type Frontmatter = z.output<typeof frontmatterSchema>;
export const FRONTMATTER_KEYS: readonly string[] = Object.keys(frontmatterSchema.shape);
export const PARAM_KEYS: readonly string[] = Object.keys(paramSchema.shape);
