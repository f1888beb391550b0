import type { Heading, RootContent } from "mdast";
import { toString } from "mdast-util-to-string";

/** A page split at its headings: the introduction (no heading), then one section per heading. */
export interface Section {
  readonly heading: Heading | undefined;
  readonly nodes: RootContent[];
}

/** What each section of the page becomes. */
export type Role =
  /** Documentation before or after the procedure. */
  | "doc"
  /** In the procedure: its commands are steps; without one it is a manual step. */
  | "step"
  /** In the procedure, but an example or a note: prose of the step beside it, never a step. */
  | "aside"
  /** The heading the procedure sits under (`## Execution`): its text leads the first step. */
  | "lead";

/**
 * Headings of sections that show an example rather than do the thing: their commands are never
 * steps (the MariaDB page's `## Example` block is the real switch, `dry_run: false`).
 */
const EXAMPLE = /^\W*(?:an?\s+)?(?:examples?|samples?|e\.\s?g\.?|for (?:example|instance)|usage examples?|illustration)\b|\b(?:examples?|samples?)\W*$/i;
/** Headings of notes about a procedure rather than a part of it. */
const ASIDE = /^\W*(?:notes?|references?|see also|related\b|further reading|links?|resources|appendix|background|history|change ?log|faq|automation|contacts?|escalations?|owners?|more information|additional (?:info|information|resources|reading)|glossary|testing|tests|follow[- ]?ups?|tips?)\b/i;
/** Headings of what comes before a procedure: the backward reach of `## Execution` stops there. */
const INTRO = /^\W*(?:overview|summary|description|background|meaning|impact|context|about|introduction|purpose|scope|mental model|symptoms?|alerts?|when to use|prerequisites?|pre-?requisites?|requirements|before you (?:start|begin))\b/i;
/** Headings that carry a procedure on after its last command: numbered steps, or what mitigating is called. */
const PROCEDURAL = /^\W*(?:step\s*\d+|\d+\s*[.):\-–—]|\d+\s+\S|phase\s*\d+|mitigation|mitigate|resolution|resolve|remediation|recovery|recover|fix(?:ing)?\b|procedure|steps?\b|execution|verification|verify|validation|validate|clean[- ]?up|roll ?back|next steps|workaround|solution|restore|repair)/i;

export function isExampleHeading(text: string): boolean {
  return EXAMPLE.test(text.trim());
}

function text(section: Section | undefined): string {
  return section?.heading ? toString(section.heading).trim() : "";
}

/**
 * Where the procedure is, as a role per section. Pure. The procedure holds every section with a
 * command (not an example) and the sections between them. When those sections share a parent
 * heading that has no command of its own (`## Execution` over `### Step 1…4`), the procedure is that
 * heading's whole subtree, so `### Step 3` with only prose is a manual step, not a note; from the
 * first command it reaches back to the parent's first child, stopping after an introduction
 * (`Overview`, `Prerequisites`…). After the last command it goes on over the following sections
 * that read as steps (`Step 5`, `4.`, `Mitigation`, `Verification`…) with everything under them.
 * Examples and notes (`Example`, `Notes`, `References`…) inside it are asides: prose, never steps.
 */
export function procedureRoles(sections: readonly Section[], holdsCommand: (s: Section) => boolean): Role[] {
  const n = sections.length;
  const depth = sections.map((s) => s.heading?.depth ?? 0);
  // Parent: the nearest earlier heading that is shallower. The introduction is no one's parent.
  const parent = sections.map((s, i) => {
    if (!s.heading) return -1;
    for (let j = i - 1; j >= 1; j--) if ((depth[j] ?? 0) < (depth[i] ?? 0)) return j;
    return -1;
  });
  const subtreeEnd = (i: number) => {
    let j = i + 1;
    if (i === 0) return 0;
    while (j < n && (depth[j] ?? 0) > (depth[i] ?? 0)) j++;
    return j - 1;
  };
  const ancestors = (i: number) => {
    const out: number[] = [];
    for (let k = i; k !== -1; k = parent[k] ?? -1) out.push(k);
    return out;
  };
  const example = sections.map((_, i) => ancestors(i).some((k) => isExampleHeading(text(sections[k]))));
  const commands = sections.map((s, i) => !example[i] && holdsCommand(s));
  const roles: Role[] = sections.map(() => "doc");
  const withCommands = commands.flatMap((c, i) => (c ? [i] : []));
  const first = withCommands[0];
  const last = withCommands.at(-1);
  if (first === undefined || last === undefined) return roles;

  // The lowest heading all of them sit under (-1: none, the page itself).
  let common = -1;
  if (!commands[0]) {
    const chains = withCommands.map((i) => ancestors(i).reverse());
    for (let level = 0; ; level++) {
      const at = chains[0]?.[level];
      if (at === undefined || !chains.every((c) => c[level] === at)) break;
      common = at;
    }
  }

  let start = first;
  let end = subtreeEnd(last);
  let stopDepth = Math.min(...withCommands.map((i) => depth[i] ?? 0));
  if (common !== -1 && !commands[common]) {
    end = Math.max(end, subtreeEnd(common));
    stopDepth = depth[common] ?? 0;
    let k = first - 1;
    while (k > common && !INTRO.test(text(sections[k])) && !ASIDE.test(text(sections[k])) && !example[k]) k--;
    // After an introduction and whatever sits under it, unless the first command is under it too.
    start = k === common ? common : Math.min(first, subtreeEnd(k) + 1);
  }
  // On over what reads as more steps of the same procedure.
  while (end + 1 < n) {
    const next = end + 1;
    if ((depth[next] ?? 0) < stopDepth || !PROCEDURAL.test(text(sections[next])) || example[next]) break;
    end = subtreeEnd(next);
  }

  for (let i = start; i <= end; i++) {
    if (i === common && !commands[i]) roles[i] = "lead";
    else if (example[i] || (!commands[i] && ASIDE.test(text(sections[i])))) roles[i] = "aside";
    else roles[i] = "step";
  }
  return roles;
}
