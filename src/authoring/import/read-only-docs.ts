import { READ_ONLY_COMMANDS } from "./read-only-commands.js";

/** The read-only list as the Markdown table docs/import.md holds (a test keeps the two the same). */
export function readOnlyTable(): string {
  const rows = READ_ONLY_COMMANDS.map((c) => `| ${c.names.map((n) => `\`${n.replace(/\|/g, "\\|")}\``).join(", ")} | ${c.when.replace(/\|/g, "\\|")} |`);
  return ["| command | read-only when |", "| --- | --- |", ...rows].join("\n");
}
