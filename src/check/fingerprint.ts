import { createHash } from "node:crypto";
import { buildRunbook } from "../model/build-runbook.js";
import { readStepOutline, type StepOutline } from "../model/step-outline.js";
import { fingerprintedBlocks } from "../model/step-blocks.js";
import type { Runbook } from "../model/types.js";

/**
 * What a runbook does, without its prose: prerequisites, steps' ids and shell blocks with their
 * attributes, and the rollback section. A typo fix in the prose or an edit to the frontmatter
 * leaves it unchanged; any change to what would run changes it.
 */
export function stepsFingerprint(runbook: Runbook): string {
  return outlineFingerprint({
    prerequisites: runbook.prerequisites,
    steps: runbook.steps.map((s) => ({ id: s.id, blocks: fingerprintedBlocks(s) })),
    rollback: runbook.rollback,
  });
}

/**
 * The fingerprint of a text, read without the Markdown parser where the outline reader is sure of
 * it (most runbooks), else from the full parse: the same answer either way, at a tenth of the cost.
 */
export function textFingerprint(file: string, text: string): string {
  const outline = readStepOutline(text);
  return outline ? outlineFingerprint(outline) : stepsFingerprint(buildRunbook(file, text));
}

function outlineFingerprint(outline: StepOutline): string {
  const block = (b: { info: string; source: string }) => [b.info.trim().replace(/\s+/g, " "), b.source.replace(/\r\n?/g, "\n").trimEnd()];
  const shape = {
    prerequisites: outline.prerequisites.map(block),
    steps: outline.steps.map((s) => ({ id: s.id, blocks: s.blocks.map(block) })),
    rollback: outline.rollback.map(block),
  };
  return createHash("sha256").update(JSON.stringify(shape)).digest("hex").slice(0, 16);
}
