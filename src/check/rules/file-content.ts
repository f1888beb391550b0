import { problemRule } from "../define-rule.js";

export default problemRule({
  id: "file-content",
  description: "A runbook is non-empty Markdown text under 256 KiB, not a binary or empty file, and not shaped so that parsing it would take too long (lists or quotes nested over 32 deep, thousands of nested list items, thousands of emphasis marks in one paragraph).",
  severity: "error",
  examples: { good: ["---\nid: a\nowner: b\n---\n## Steps\n"], bad: ["", "\u0000\u0001binary"] },
});
