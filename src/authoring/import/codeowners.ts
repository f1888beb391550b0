/** One CODEOWNERS rule: a gitignore-style pattern and its owners. */
interface OwnerRule {
  readonly match: (file: string) => boolean;
  readonly owners: readonly string[];
}

/** Parses a CODEOWNERS file. Pure; lines it cannot read are skipped, as GitHub does. */
export function parseCodeowners(text: string): OwnerRule[] {
  const rules: OwnerRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (!line) continue;
    const [pattern, ...owners] = line.split(/\s+/);
    if (!pattern || owners.length === 0) continue;
    rules.push({ match: patternMatcher(pattern), owners });
  }
  return rules;
}

/** The owners of a repository-relative path: the last matching rule wins, as on GitHub. */
export function ownersOf(rules: readonly OwnerRule[], file: string): readonly string[] | undefined {
  let found: readonly string[] | undefined;
  for (const r of rules) if (r.match(file)) found = r.owners;
  return found;
}

function patternMatcher(pattern: string): (file: string) => boolean {
  const anchored = pattern.startsWith("/") || pattern.replace(/\/$/, "").includes("/");
  const directory = pattern.endsWith("/");
  const body = pattern.replace(/^\//, "").replace(/\/$/, "");
  let re = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? "";
    if (c === "*" && body[i + 1] === "*") {
      re += ".*";
      i++;
      if (body[i + 1] === "/") i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  // A pattern matches the path itself or anything under it (a folder); unanchored ones match at any depth.
  const full = new RegExp(`^${anchored ? "" : "(?:.*/)?"}${re}${directory ? "/.*" : "(?:/.*)?"}$`);
  return (file) => full.test(file.replace(/^\.?\//, ""));
}
