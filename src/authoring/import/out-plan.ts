/**
 * What `runbook import --out` may do with each file, decided from facts the command gathered (pure).
 * Import never overwrites a file it did not write unchanged: it knows what it wrote from the
 * manifest it keeps in the output folder (`MANIFEST`), the SHA-256 of each file as written.
 */

/** Kept in the output folder: for each file import wrote there, the SHA-256 of what it wrote. */
export const MANIFEST = ".runbook-import.json";

/** The output path of an input, relative to the output folder: `a.html.md.erb` → `a.md`. */
export function outputName(relative: string): string {
  return relative.replace(/(\.html)?\.md(\.erb)?$/i, ".md").replace(/\.markdown$/i, ".md");
}

/**
 * Inputs that map to one output (`a.md`, `a.html.md`, `a.md.erb` → `a.md`), keyed by that output.
 * Names that differ only in case collide too: on macOS and Windows they are one file.
 */
export function collisions(entries: readonly { readonly file: string; readonly out: string }[]): Map<string, string[]> {
  const byKey = new Map<string, { out: string; files: string[] }>();
  for (const e of entries) {
    const key = e.out.normalize("NFC").toLowerCase();
    const group = byKey.get(key) ?? { out: e.out, files: [] };
    group.files.push(e.file);
    byKey.set(key, group);
  }
  return new Map([...byKey.values()].filter((g) => g.files.length > 1).map((g) => [g.out, g.files]));
}

/** What is at an output path now. */
export type Existing =
  | { readonly kind: "missing" }
  | { readonly kind: "file"; readonly sha256: string }
  /** A symbolic link, a FIFO, a device, a socket, a folder: never written through or over. */
  | { readonly kind: "other"; readonly what: string };

export type Decision =
  | { readonly action: "create" | "replace" | "unchanged" }
  | { readonly action: "refuse"; readonly why: string; readonly forceable: boolean };

/**
 * Whether to write `wanted` (a SHA-256) where `existing` is. A file is replaced only when it is
 * what import last wrote there (`recorded`), or with `force`; anything but a regular file, never.
 */
export function decide(existing: Existing, wanted: string, recorded: string | undefined, force: boolean): Decision {
  if (existing.kind === "missing") return { action: "create" };
  if (existing.kind === "other") return { action: "refuse", why: `it is ${existing.what}; import writes regular files only and never follows a link: remove it`, forceable: false };
  if (existing.sha256 === wanted) return { action: "unchanged" };
  if (existing.sha256 === recorded || force) return { action: "replace" };
  const why = recorded === undefined ? `import did not write it (it is not in ${MANIFEST})` : "it was changed after import wrote it";
  return { action: "refuse", why: `${why}; --force replaces it`, forceable: true };
}

/** The manifest's entries (output path → SHA-256); nothing for a missing or unreadable one. */
export function parseManifest(text: string | undefined): Record<string, string> {
  if (text === undefined) return {};
  try {
    const data = JSON.parse(text) as unknown;
    const files = data && typeof data === "object" ? (data as { files?: unknown }).files : undefined;
    if (!files || typeof files !== "object" || Array.isArray(files)) return {};
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(files)) if (typeof v === "string" && /^[0-9a-f]{64}$/.test(v)) out[k] = v;
    return out;
  } catch {
    return {};
  }
}

export function manifestText(files: Readonly<Record<string, string>>): string {
  const sorted = Object.fromEntries(Object.keys(files).sort().map((k) => [k, files[k]]));
  return `${JSON.stringify({ version: 1, note: "Written by runbook import: the SHA-256 of each file as it wrote it. A file whose content no longer matches was edited, and import leaves it alone (--force replaces it).", files: sorted }, null, 2)}\n`;
}
