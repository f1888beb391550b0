import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { tempDir } from "./tmp.js";

/** A runbook lint finds clean: verified, reviewed far ahead. */
export const GOOD = "---\nid: good\nowner: team\nlast_verified: 2026-11-01\nreview_every: 100 years\n---\n# Good\n## Steps\n### Look\nLook at it.\n";

/** A temp folder that looks like a repository's root (a `.git` folder) holding `files`. */
export async function project(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await tempDir();
  await mkdir(path.join(dir, ".git"));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}
