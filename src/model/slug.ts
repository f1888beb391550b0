// No leading `\s*`: tried at every space of a long heading, it made the match quadratic.
const EXPLICIT_ID = /\{#([^{}]*)\}\s*$/;
export const STEP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Splits `Fence the primary {#fence}` into its text and explicit id. */
export function splitHeadingId(text: string): { text: string; id: string | undefined } {
  const m = EXPLICIT_ID.exec(text);
  return m ? { text: text.slice(0, m.index).trim(), id: m[1] ?? "" } : { text: text.trim(), id: undefined };
}

/**
 * A step id from its heading: `1. Fence the old primary` → `fence-the-old-primary`.
 * The leading number is dropped so renumbering steps does not change their ids.
 */
export function slugify(text: string): string {
  return text
    .replace(/^\s*\d+[.)]\s*/, "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
