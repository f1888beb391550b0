/** Builds example runbooks for rule docs and tests: a valid frontmatter plus a body. */
export function runbookExample(body: string, frontmatter = ""): string {
  return `---\nid: example\nowner: team-example\n${frontmatter}---\n# Example\n\n${body.replace(/^\n/, "")}`;
}
