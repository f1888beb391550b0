// Hostile and unlucky runbooks from issue 13 (case 9), shared by the tests and `npm run bench`.
// Each used to crash the linter or take seconds to minutes; each must now be a finding fast.

const FRONT = "---\nid: hostile\nowner: team-test\n---\n# Hostile\n\n## Steps\n### Only {#only}\n```sh\ntrue\n```\n\n";

/** A "billion laughs" YAML alias bomb: nine levels of nine aliases each. */
export function aliasBombYaml() {
  let y = 'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i <= 9; i++) y += `l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(",")}]\n`;
  return y;
}

/** @type {Record<string, () => string>} */
export const HOSTILE_RUNBOOKS = {
  "alias-bomb.md": () => `---\nid: bomb\nowner: team-test\n${aliasBombYaml()}---\n# Bomb\n## Steps\n### A\n\`\`\`sh\ntrue\n\`\`\`\n`,
  "nested-dashes.md": () => `${FRONT}${"- ".repeat(4000)}deep\n`,
  "nested-quotes.md": () => `${FRONT}${">".repeat(8000)} deep\n`,
  "nested-items-16k.md": () => FRONT + "- - a\n".repeat(2731),
  "nested-items-100k.md": () => FRONT + "- - a\n".repeat(17000),
  "stars-100k.md": () => `${FRONT}${"*a".repeat(50000)}\n`,
  // From "the first hour with runbook": 11 s to lint; each setext heading re-copies the file so far.
  "setext-8000.md": () => FRONT + "a\n=\n".repeat(8000),
  // Lazy lines (a list item's paragraph going on without its indentation): 37 s for 32,000.
  "lazy-lines-32k.md": () => `${FRONT}- a\n${"b\n".repeat(32000)}`,
  "needs-32000.md": () => `---\nid: needs\nowner: team-test\n---\n# Needs\n## Steps\n### A {#a}\n\`\`\`sh needs=${Array.from({ length: 32000 }, (_, i) => `u${i}`).join(",")}\ntrue\n\`\`\`\n`,
  "redos-pattern.md": () => `---\nid: redos\nowner: team-test\nparams:\n  X: {pattern: "^(a+)+$", default: "${"a".repeat(39)}!"}\n---\n# Redos\n## Steps\n### A\n\`\`\`sh\necho "$X"\n\`\`\`\n`,
};
