/**
 * Values that look alike. A primary's URL and its replica's differ in a few characters in the
 * middle: at a glance, and when both are cut at the same width, they read as the same value, and
 * swapped they fail a database over the wrong way. Found here so the screen can mark where they
 * part. Pure.
 */

/** A value on screen, by name. Secrets are never given: where two secrets differ would tell of them. */
export interface NamedValue {
  readonly name: string;
  readonly value: string;
}

/** Another value that this one looks like, and which of this one's characters differ from it. */
export interface Twin {
  readonly name: string;
  /** The first differing character of this value (code points, from 0). */
  readonly from: number;
  /** After the last differing one; equal to `from` when the other value only has more characters there. */
  readonly to: number;
  /** The two values are the same. */
  readonly same: boolean;
}

/** Shorter values are read whole at a glance. */
const MIN_LENGTH = 8;
/** At least this share of the longer value is a shared beginning and end. */
const ALIKE = 2 / 3;
/** Longer values are compared on what fits a screen; a capture can be long. */
const MAX_LENGTH = 4096;

/**
 * Where `a` and `b` part when they look alike: the shared beginning and end, and what differs
 * between them, in each; undefined when they do not look alike (or are too short to be misread).
 */
export function difference(a: string, b: string): { a: readonly [number, number]; b: readonly [number, number]; same: boolean } | undefined {
  const ca = Array.from(a);
  const cb = Array.from(b);
  const longest = Math.max(ca.length, cb.length);
  if (longest < MIN_LENGTH || longest > MAX_LENGTH || Math.min(ca.length, cb.length) === 0) return undefined;
  if (a === b) return { a: [0, 0], b: [0, 0], same: true };
  const shortest = Math.min(ca.length, cb.length);
  let prefix = 0;
  while (prefix < shortest && ca[prefix] === cb[prefix]) prefix++;
  let suffix = 0;
  while (suffix < shortest - prefix && ca[ca.length - 1 - suffix] === cb[cb.length - 1 - suffix]) suffix++;
  if ((prefix + suffix) / longest < ALIKE) return undefined;
  return { a: [prefix, ca.length - suffix], b: [prefix, cb.length - suffix], same: false };
}

/** Each value's look-alikes among the others, by name; a value with none is left out. */
export function nearTwins(values: readonly NamedValue[]): Map<string, Twin[]> {
  const out = new Map<string, Twin[]>();
  const add = (name: string, twin: Twin) => out.set(name, [...(out.get(name) ?? []), twin]);
  values.forEach((x, i) => {
    for (const y of values.slice(i + 1)) {
      if (x.name === y.name) continue;
      const d = difference(x.value, y.value);
      if (!d) continue;
      add(x.name, { name: y.name, from: d.a[0], to: d.a[1], same: d.same });
      add(y.name, { name: x.name, from: d.b[0], to: d.b[1], same: d.same });
    }
  });
  return out;
}

/** What a value's look-alikes are, in words: "differs from REPLICA_URL at character 34". */
export function twinNote(twins: readonly Twin[]): string {
  const same = twins.filter((t) => t.same).map((t) => t.name);
  const differ = twins.filter((t) => !t.same);
  const parts = [
    ...(differ.length ? [`differs from ${differ.map((t) => `${t.name} at character ${t.from + 1}`).join(", from ")}`] : []),
    ...(same.length ? [`the same as ${same.join(" and ")}`] : []),
  ];
  return parts.join("; ");
}
