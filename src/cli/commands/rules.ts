import { RULE_INFO } from "../../check/registry.js";
import { rulesMarkdown } from "../../check/rules-doc.js";
import { EXIT } from "../../core/errors.js";
import type { Io } from "../io.js";

export default async function rules(io: Io, flags: { format: "stylish" | "json" | "markdown" }): Promise<number> {
  if (flags.format === "markdown") {
    io.stdout.write(rulesMarkdown());
    return EXIT.ok;
  }
  if (flags.format === "json") {
    io.stdout.write(`${JSON.stringify(RULE_INFO.map(({ id, description, severity }) => ({ id, severity, description })), null, 2)}\n`);
    return EXIT.ok;
  }
  const w = RULE_INFO.reduce((n, r) => Math.max(n, r.id.length), 0);
  for (const r of RULE_INFO) io.stdout.write(`${r.id.padEnd(w)}  ${r.severity.padEnd(7)}  ${r.description}\n`);
  return EXIT.ok;
}
