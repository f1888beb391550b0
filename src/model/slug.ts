// No leading `\s*`: tried at every space of a long heading, it made the match quadratic.
const EXPLICIT_ID = /\{#([^{}]*)\}\s*$/;
export const STEP_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Heading attributes after the id, Pandoc style: `{#repoint drill_skip}`. */
export const HEADING_ATTRIBUTES: readonly string[] = ["drill_skip"];

/** Splits `Repoint the clients {#repoint drill_skip}` into its text, explicit id and the attributes after it. */
export function splitHeadingId(text: string): { text: string; id: string | undefined; attributes: readonly string[] } {
  const m = EXPLICIT_ID.exec(text);
  if (!m) return { text: text.trim(), id: undefined, attributes: [] };
  const [id = "", ...attributes] = (m[1] ?? "").trim().split(/\s+/);
  return { text: text.slice(0, m.index).trim(), id, attributes };
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
