import type { Diagnostic, RuleSetting } from "./diagnostic.js";
import type { Runbook } from "../model/types.js";

export const RUNBOOK_ID_UNIQUE = {
  id: "runbook-id-unique",
  description: "No two runbooks in the repository share a frontmatter `id`.",
  severity: "error",
  affectsPlan: false,
} as const;

/** Where a runbook declares its `id`: all a check across files needs to keep of it. */
export interface IdAt {
  readonly file: string;
  readonly id: string;
  readonly line: number;
  readonly column: number;
}

export function idAtOf(r: Runbook): IdAt | undefined {
  const id = r.known.id;
  if (!id) return undefined;
  const at = r.frontmatter?.locate(["id"]) ?? { line: 1, column: 1 };
  return { file: r.file, id, line: at.line, column: at.column };
}

/**
 * The checks that need every runbook, fed one runbook at a time in report order: it keeps only
 * each id's first place, so memory grows with the ids, not with the runbooks. Pure.
 */
export function projectChecker(severities: Readonly<Record<string, RuleSetting>>): (at: IdAt | undefined) => Diagnostic | undefined {
  const severity = severities[RUNBOOK_ID_UNIQUE.id] ?? RUNBOOK_ID_UNIQUE.severity;
  const first = new Map<string, IdAt>();
  return (at) => {
    if (severity === "off" || !at) return undefined;
    const prev = first.get(at.id);
    if (!prev) {
      first.set(at.id, at);
      return undefined;
    }
    return {
      file: at.file, line: at.line, column: at.column, severity, ruleId: RUNBOOK_ID_UNIQUE.id,
      message: `Runbook id \`${at.id}\` is already used by ${prev.file}:${prev.line}`,
      related: [{ message: `${prev.file} uses it first`, file: prev.file, line: prev.line, column: prev.column }],
    };
  };
}

