import { writeFile } from "node:fs/promises";
import path from "node:path";
import { gitRepo } from "./git.js";

const doc = (id: string, opts: { prose?: string; check?: string; act?: string; fm?: string } = {}) =>
  `---\nid: ${id}\nowner: team-${id}\nreview_every: 90d\n${opts.fm ?? ""}---\n# Runbook ${id}\n\n## Steps\n### Check {#check}\n${opts.prose ?? "Look first."}\n\`\`\`sh\n${opts.check ?? `echo check ${id}`}\n\`\`\`\n### Act {#act}\n\`\`\`sh confirm\n${opts.act ?? `echo act ${id}`}\n\`\`\`\n`;

const verified = (commit: string, on = "2026-11-02") => `last_verified: ${on}\nverified_by: tester\nverified_commit: ${commit}\n`;

/**
 * A real git repository whose every commit has a fixed author, committer and date, so its hashes
 * are the same on every machine: each case `stale` tells apart, in two folders. Built commit by
 * commit with `git commit`, as a team would have.
 */
export async function historyRepo(): Promise<{ dir: string; git: (...args: string[]) => Promise<string> }> {
  const repo = await gitRepo();
  const at = (day: number) => `2026-10-${String(day).padStart(2, "0")}T12:00:00Z`;
  const ids = ["fresh", "prose", "steps", "reverted", "untouched", "unknown", "dirty", "never", "overdue", "far"];
  for (const id of ids) await repo.write(id === "far" ? `ops/deep/${id}.md` : id === "untouched" ? `runbooks/sub/${id}.md` : `runbooks/${id}.md`, doc(id));
  await repo.write("README.md", "# A project\n");
  const c1 = await repo.commit("add runbooks", at(1));
  await repo.write("README.md", "# A project\n\nNothing about runbooks.\n");
  const c2 = await repo.commit("touch only the readme", at(2));

  // Verified: each records the commit it was verified at, some abbreviated, one unknown here.
  await repo.write("runbooks/fresh.md", doc("fresh", { fm: verified(c2) }));
  await repo.write("runbooks/prose.md", doc("prose", { fm: verified(c1) }));
  await repo.write("runbooks/steps.md", doc("steps", { fm: verified(c2.slice(0, 8)) }));
  await repo.write("runbooks/reverted.md", doc("reverted", { fm: verified(c1) }));
  await repo.write("runbooks/sub/untouched.md", doc("untouched", { fm: verified(c2) }));
  await repo.write("runbooks/unknown.md", doc("unknown", { fm: verified("0123456789abcdef0123456789abcdef01234567") }));
  await repo.write("runbooks/dirty.md", doc("dirty", { fm: verified(c2) }));
  await repo.write("runbooks/overdue.md", doc("overdue", { fm: verified(c1, "2026-01-05") }));
  await repo.write("ops/deep/far.md", doc("far", { fm: verified(c2) }));
  await repo.commit("verify runbooks", at(3));

  await repo.write("runbooks/prose.md", doc("prose", { fm: verified(c1), prose: "Look first, and look well." }));
  await repo.commit("prose only", at(4));
  await repo.write("runbooks/steps.md", doc("steps", { fm: verified(c2.slice(0, 8)), act: "echo act steps --now" }));
  await repo.write("runbooks/reverted.md", doc("reverted", { fm: verified(c1), check: "echo check twice" }));
  await repo.write("runbooks/overdue.md", doc("overdue", { fm: verified(c1, "2026-01-05"), act: "echo act overdue v2" }));
  await repo.commit("change steps", at(5));
  await repo.write("runbooks/steps.md", doc("steps", { fm: verified(c2.slice(0, 8)), act: "echo act steps --now --twice" }));
  await repo.write("runbooks/reverted.md", doc("reverted", { fm: verified(c1) }));
  await repo.write("ops/deep/far.md", doc("far", { fm: verified(c2), prose: "Prose moves.", check: "echo check far v2" }));
  await repo.commit("change again, revert one", at(6));
  // Not committed: what runs now differs from what was verified.
  await writeFile(path.join(repo.dir, "runbooks/dirty.md"), doc("dirty", { fm: verified(c2), act: "rm -rf /tmp/dirty" }));
  return repo;
}
