import type { Point, Span } from "./positions.js";

/** A related place that explains a finding (the first duplicate, the other end of a cycle). */
export interface RelatedLocation {
  readonly message: string;
  /** Another file, when the related place is not in the diagnostic's own file. */
  readonly file?: string;
  readonly line: number;
  readonly column: number;
}

/**
 * A problem found while building the model (bad YAML, a bad attribute). It carries no file
 * or severity: the lint rule that owns `ruleId` stamps those.
 */
export interface Problem {
  readonly ruleId: string;
  readonly message: string;
  readonly place: Span | Point;
  readonly related?: readonly RelatedLocation[];
  readonly expected?: readonly string[];
}

export function startOf(place: Span | Point): Point {
  return "start" in place ? place.start : place;
}
