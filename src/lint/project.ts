import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Runbook } from "../model/types.js";
import type { RuleSetting } from "./lint.js";

export const RUNBOOK_ID_UNIQUE = {
  id: "runbook-id-unique",
  description: "No two runbooks in the repository share a frontmatter `id`.",
  severity: "error",
} as const;

/** Checks that need every runbook at once. Pure. */
export function lintProject(runbooks: readonly Runbook[], severities: Readonly<Record<string, RuleSetting>>): Diagnostic[] {
  const severity = severities[RUNBOOK_ID_UNIQUE.id] ?? RUNBOOK_ID_UNIQUE.severity;
  if (severity === "off") return [];
  const first = new Map<string, Runbook>();
  const out: Diagnostic[] = [];
  for (const r of runbooks) {
    const id = r.meta?.id;
    if (!id) continue;
    const prev = first.get(id);
    if (!prev) {
      first.set(id, r);
      continue;
    }
    const at = r.frontmatter?.locate(["id"]) ?? { line: 1, column: 1 };
    const prevAt = prev.frontmatter?.locate(["id"]) ?? { line: 1, column: 1 };
    out.push({
      file: r.file, line: at.line, column: at.column, severity, ruleId: RUNBOOK_ID_UNIQUE.id,
      message: `Runbook id \`${id}\` is already used by ${prev.file}:${prevAt.line}`,
      related: [{ message: `${prev.file} uses it first`, file: prev.file, line: prevAt.line, column: prevAt.column }],
    });
  }
  return out;
}
