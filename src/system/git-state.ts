import path from "node:path";
import { repoAt } from "./git.js";

/** What the journal records about the checkout a run started from. */
export async function gitState(file: string): Promise<{ commit: string; dirty: boolean } | null> {
  try {
    const git = repoAt(path.dirname(file));
    if (!(await git.checkIsRepo())) return null;
    const commit = (await git.revparse(["HEAD"])).trim();
    const status = await git.status([path.basename(file)]);
    return { commit, dirty: !status.isClean() };
  } catch {
    return null;
  }
}
