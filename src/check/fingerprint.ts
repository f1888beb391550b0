import { createHash } from "node:crypto";
import type { Runbook } from "../model/types.js";

/**
 * What a runbook does, without its prose: prerequisites, steps' ids and shell blocks with their
 * attributes, and the rollback section. A typo fix in the prose or an edit to the frontmatter
 * leaves it unchanged; any change to what would run changes it.
 */
export function stepsFingerprint(runbook: Runbook): string {
  const block = (b: { info: string; source: string }) => [b.info.trim().replace(/\s+/g, " "), b.source.replace(/\r\n?/g, "\n").trimEnd()];
  const shape = {
    prerequisites: runbook.prerequisites.map(block),
    steps: runbook.steps.map((s) => ({ id: s.id, blocks: [s.command, s.verify, s.rollback, ...s.extraCommands].filter((b) => b !== undefined).map(block) })),
    rollback: runbook.rollback.map(block),
  };
  return createHash("sha256").update(JSON.stringify(shape)).digest("hex").slice(0, 16);
}
