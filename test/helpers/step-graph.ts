import { buildRunbook } from "../../src/model/build-runbook.js";
import type { Runbook, ShellBlock } from "../../src/model/types.js";

const block = (b: ShellBlock | undefined) => b && { role: b.role, lang: b.lang, source: b.source, attributes: b.attributes };

/** What a runbook does, without where it is written: step ids, order, blocks and attributes. */
export function stepGraphOf(text: string | Runbook): unknown {
  const r = typeof text === "string" ? buildRunbook("runbook.md", text) : text;
  return {
    meta: r.meta,
    steps: r.steps.map((s) => ({
      id: s.id,
      title: s.title,
      needs: s.needs,
      confirm: s.confirm,
      irreversible: s.irreversible,
      capture: s.capture,
      blocks: [s.command, s.rollback, s.verify, ...s.extraCommands, ...s.extraRollbacks, ...s.extraVerifies].map(block),
    })),
    prerequisites: r.prerequisites.map(block),
    rollback: r.rollback.map(block),
  };
}
