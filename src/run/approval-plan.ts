import { createHash } from "node:crypto";
import { z } from "zod";
import type { ApprovalsSpec } from "../model/schema/frontmatter-schema.js";
import { printableLine } from "../core/printable.js";
import type { Plan } from "./plan.js";

/**
 * The plan an approver signs (docs/approvals.md): this runbook, at this content and commit, with
 * these params and steps, asked for by this person, until this time. Its exact bytes are what every
 * signature covers; its id is the start of their SHA-256, so the id names the bytes too. Pure.
 */
export interface PlanDocument {
  readonly kind: "runbook-plan";
  readonly version: 1;
  readonly runbook: { readonly id: string; readonly path: string; readonly sha256: string; readonly commit: string };
  /** Every param's value; a secret's is never here (it is named in `secrets` and given again at run time). */
  readonly params: Readonly<Record<string, string>>;
  readonly secrets: readonly string[];
  readonly steps: ReadonlyArray<{ readonly id: string; readonly title: string; readonly flags: readonly string[] }>;
  readonly required: number;
  /** The principal whose key signed the request. */
  readonly requester: string;
  readonly requestedAt: string;
  readonly expiresAt: string;
  /** Two requests for the same run are two plans, each used once. */
  readonly nonce: string;
}

export const PLAN_ID_LENGTH = 16;

export function planBytes(doc: PlanDocument): Buffer {
  return Buffer.from(`${JSON.stringify(doc, null, 2)}\n`, "utf8");
}

export function planIdOf(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex").slice(0, PLAN_ID_LENGTH);
}

/** The flags a step carries that an approver should see. */
export function stepFlags(s: Plan["steps"][number]): string[] {
  return [s.irreversible !== undefined && "irreversible", s.manual && "manual", s.confirm && "confirm", s.rollback !== undefined && "rollback", s.capture !== undefined && `capture=${s.capture}`].filter(
    (f): f is string => typeof f === "string",
  );
}

export function assemblePlan(o: {
  plan: Plan;
  path: string;
  sha256: string;
  commit: string;
  values: Readonly<Record<string, string>>;
  secrets: ReadonlySet<string>;
  required: number;
  requester: string;
  now: Date;
  expiresMs: number;
  nonce: string;
}): PlanDocument {
  const params = Object.fromEntries(Object.keys(o.values).filter((n) => !o.secrets.has(n)).sort().map((n) => [n, o.values[n] ?? ""]));
  return {
    kind: "runbook-plan",
    version: 1,
    runbook: { id: o.plan.runbookId, path: o.path, sha256: o.sha256, commit: o.commit },
    params,
    secrets: [...o.secrets].sort(),
    steps: o.plan.steps.map((s) => ({ id: s.id, title: s.title, flags: stepFlags(s) })),
    required: o.required,
    requester: o.requester,
    requestedAt: o.now.toISOString(),
    expiresAt: new Date(o.now.getTime() + o.expiresMs).toISOString(),
    nonce: o.nonce,
  };
}

const planSchema = z.strictObject({
  kind: z.literal("runbook-plan"),
  version: z.literal(1),
  runbook: z.strictObject({ id: z.string(), path: z.string(), sha256: z.string(), commit: z.string().regex(/^[0-9a-f]{40,64}$/) }),
  params: z.record(z.string(), z.string()),
  secrets: z.array(z.string()),
  steps: z.array(z.strictObject({ id: z.string(), title: z.string(), flags: z.array(z.string()) })),
  required: z.number().int().min(1).max(9),
  requester: z.string().min(1),
  requestedAt: z.string(),
  expiresAt: z.string().refine((t) => !Number.isNaN(Date.parse(t))),
  nonce: z.string(),
});

/** Reads a plan's bytes back; undefined when they are not a plan this version understands. Never throws. */
export function parsePlan(bytes: Buffer): PlanDocument | undefined {
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
  const r = planSchema.safeParse(data);
  if (!r.success) return undefined;
  // Param names are anyone's text: a prototype-less map, so `__proto__` is only ever a name.
  return { ...r.data, params: Object.assign(Object.create(null) as Record<string, string>, r.data.params) };
}

/**
 * Whether a run with these values needs an approved plan: `needed`, `not-needed`, or `unknown` when a
 * param `when` names has no value yet (it will be asked). Pure.
 */
export function approvalNeed(spec: ApprovalsSpec | undefined, values: Readonly<Record<string, string | undefined>>): "needed" | "not-needed" | "unknown" {
  if (!spec) return "not-needed";
  let unknown = false;
  for (const [name, wanted] of Object.entries(spec.when ?? {})) {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined) {
      unknown = true;
      continue;
    }
    if (!(Array.isArray(wanted) ? wanted : [wanted]).includes(value)) return "not-needed";
  }
  return unknown ? "unknown" : "needed";
}

/**
 * Every way a run differs from its plan, one line each: the runbook, each param (secrets by name),
 * the steps. Empty when the run is the plan. Pure.
 */
export function planDifferences(doc: PlanDocument, run: { path: string; sha256: string; plan: Plan; values: Readonly<Record<string, string>>; secrets: ReadonlySet<string> }): string[] {
  const out: string[] = [];
  if (run.path !== doc.runbook.path) out.push(`runbook: approved ${doc.runbook.path}, running ${run.path}`);
  if (run.sha256 !== doc.runbook.sha256)
    out.push(`runbook content: approved sha256 ${doc.runbook.sha256.slice(0, 12)} (commit ${doc.runbook.commit.slice(0, 12)}), the file now has ${run.sha256.slice(0, 12)}: it was edited after approval`);
  const names = new Set([...Object.keys(doc.params), ...doc.secrets, ...Object.keys(run.values)]);
  for (const name of [...names].sort()) {
    const approvedSecret = doc.secrets.includes(name);
    const runSecret = run.secrets.has(name);
    if (approvedSecret || runSecret) {
      if (approvedSecret !== runSecret) out.push(`param ${name}: ${approvedSecret ? "secret in the plan, not secret now" : "secret now, not in the plan"}`);
      continue;
    }
    const approved = Object.hasOwn(doc.params, name) ? doc.params[name] : undefined;
    const given = Object.hasOwn(run.values, name) ? run.values[name] : undefined;
    if (approved === given) continue;
    if (approved === undefined) out.push(`param ${name}: not in the plan, given ${JSON.stringify(given)}`);
    else if (given === undefined) out.push(`param ${name}: approved ${JSON.stringify(approved)}, not given`);
    else out.push(`param ${name}: approved ${JSON.stringify(approved)}, given ${JSON.stringify(given)}`);
  }
  const steps = run.plan.steps.map((s) => `${s.id}[${stepFlags(s).join(",")}]`).join(" ");
  const approvedSteps = doc.steps.map((s) => `${s.id}[${s.flags.join(",")}]`).join(" ");
  if (steps !== approvedSteps) out.push(`steps: approved ${approvedSteps}, now ${steps}`);
  return out;
}

/**
 * A Markdown summary of a plan to paste in chat. Pure. Every text in it is made printable: a plan is
 * read from a shared ref anyone with push access could have written, and is shown to the approver.
 */
export function planSummary(doc: PlanDocument, planId: string, state?: string, o: { steps: boolean } = { steps: true }): string {
  const lines = [
    `**Approval requested** for \`${doc.runbook.path}\` (\`${doc.runbook.id}\`) by **${doc.requester}**${state ? ` (${state})` : ""}`,
    "",
    `- plan: \`${planId}\`, needs ${doc.required} approval${doc.required === 1 ? "" : "s"} by someone other than ${doc.requester}`,
    `- runbook at commit \`${doc.runbook.commit.slice(0, 12)}\`, sha256 \`${doc.runbook.sha256.slice(0, 12)}\``,
    `- expires ${doc.expiresAt}`,
    `- params: ${Object.entries(doc.params).map(([k, v]) => `\`${k}=${v}\``).join(", ") || "none"}${doc.secrets.length ? `; secrets given at run time: ${doc.secrets.map((s) => `\`${s}\``).join(", ")}` : ""}`,
    ...(o.steps ? [`- steps:`, ...doc.steps.map((s, i) => `  ${i + 1}. \`${s.id}\` ${s.title}${s.flags.length ? ` (${s.flags.join(", ")})` : ""}`), "", `Approve with: \`runbook approve ${planId}\``] : []),
  ];
  return `${lines.map(printableLine).join("\n")}\n`;
}
