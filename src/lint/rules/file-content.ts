import { problemRule } from "../define-rule.js";

export default problemRule({
  id: "file-content",
  description: "A runbook is non-empty Markdown text under 1 MiB, not a binary or empty file.",
  severity: "error",
  examples: { good: ["---\nid: a\nowner: b\n---\n## Steps\n"], bad: ["", "\u0000\u0001binary"] },
});
