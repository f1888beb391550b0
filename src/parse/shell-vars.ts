/** A `$NAME` or `${NAME…}` reference in shell source. */
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
      const start = i + (braced ? 2 : 1);
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(start, start + 256));
      if (m) {
        references.push({ name: m[0], offset: i });
        i = start + m[0].length;
        continue;
      }
    }
    i++;
  }
  for (const m of source.matchAll(/(?:^|[\s;&|(!])(?:export\s+|local\s+|declare\s+(?:-\w+\s+)*|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?\+?=/gm)) {
    if (m[1]) assigned.add(m[1]);
  }
  for (const m of source.matchAll(/\b(?:for|select)\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b/g)) if (m[1]) assigned.add(m[1]);
  // `read` options that take an argument (-p prompt, -d delim…) are skipped with it.
  for (const m of source.matchAll(/\bread\s+((?:-[a-zA-Z]*[adinNptu]\s+\S+\s+|-[a-zA-Z]+\s+)*)([A-Za-z_][A-Za-z0-9_ \t]*)/g)) {
    for (const name of (m[2] ?? "").split(/\s+/)) if (name) assigned.add(name);
  }
  for (const m of source.matchAll(/\bgetopts\s+\S+\s+([A-Za-z_][A-Za-z0-9_]*)/g)) if (m[1]) assigned.add(m[1]);
  return { references, assigned };
}
