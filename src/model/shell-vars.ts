/** A `$NAME`, `${NAME…}`, `${#NAME}` or `${!NAME}` reference in shell source. */
export interface VarReference {
  readonly name: string;
  /** Offset within the source. */
  readonly offset: number;
}

/**
 * Finds variable references and local assignments in shell source, well enough for lint:
 * single-quoted text and comments are skipped (nothing expands there), `\$` is literal.
 * It is a scanner, not a shell parser; it never throws.
 */
export function scanShellVariables(source: string): { references: VarReference[]; assigned: Set<string> } {
  const references: VarReference[] = [];
  const assigned = new Set<string>();
  let i = 0;
  let inDouble = false;
  const n = source.length;
  while (i < n) {
    const c = source[i];
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (!inDouble && c === "'") {
      const end = source.indexOf("'", i + 1);
      i = end === -1 ? n : end + 1;
      continue;
    }
    if (!inDouble && c === "#" && (i === 0 || /[\s;|&(]/.test(source[i - 1] ?? ""))) {
      const end = source.indexOf("\n", i);
      i = end === -1 ? n : end;
      continue;
    }
    if (c === '"') {
      inDouble = !inDouble;
      i++;
      continue;
    }
    if (c === "$") {
      const braced = source[i + 1] === "{";
      // `${#NAME}` (its length) and `${!NAME}` (indirection) read NAME too.
      const prefixed = braced && (source[i + 2] === "#" || source[i + 2] === "!");
      const start = i + (braced ? (prefixed ? 3 : 2) : 1);
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(start, start + 256));
      if (m) {
        references.push({ name: m[0], offset: i });
        i = start + m[0].length;
        continue;
      }
    }
    i++;
  }
  for (const m of source.matchAll(/(?:^|[\s;&|(!])(?:export\s+|local\s+|declare\s+(?:-\w+\s+)*|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]\n]{0,256}\])?\+?=/gm)) {
    if (m[1]) assigned.add(m[1]);
  }
  for (const m of source.matchAll(/\b(?:for|select)\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b/g)) if (m[1]) assigned.add(m[1]);
  // `read` options that take an argument (-p prompt, -d delim…) are skipped with it. Word by word:
  // one regex for options and names backtracked exponentially on `read -a -a -a … !`.
  for (const m of source.matchAll(/\bread\b([^\n;|&]*)/g)) {
    const words = (m[1] ?? "").trim().split(/[ \t]+/);
    let i = 0;
    while (i < words.length && /^-[a-zA-Z]+$/.test(words[i] ?? "")) i += /[adinNptu]$/.test(words[i] ?? "") ? 2 : 1;
    for (; i < words.length && /^[A-Za-z_][A-Za-z0-9_]*$/.test(words[i] ?? ""); i++) assigned.add(words[i] ?? "");
  }
  for (const m of source.matchAll(/\bgetopts\s+\S+\s+([A-Za-z_][A-Za-z0-9_]*)/g)) if (m[1]) assigned.add(m[1]);
  return { references, assigned };
}
