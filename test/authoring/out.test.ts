import { execFileSync } from "node:child_process";
import { lstatSync, readFileSync } from "node:fs";
import { appendFile, mkdir, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runMain } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const page = (title: string, command: string) => `# ${title}\n\n## Do it\n\n\`\`\`sh\n${command}\n\`\`\`\n`;

/** A folder of pages to import, and the folder to import them into. */
async function setup(pages: Record<string, string>) {
  const dir = await tempDir("runbook-import-out-");
  for (const [name, text] of Object.entries(pages)) {
    await mkdir(path.dirname(path.join(dir, "src", name)), { recursive: true });
    await writeFile(path.join(dir, "src", name), text);
  }
  const run = (...extra: string[]) => runMain(["import", "src", "--out", "out", ...extra], { cwd: dir });
  return { dir, run, out: (name: string) => path.join(dir, "out", name) };
}

describe("runbook import --out never loses work", () => {
  it("refuses to overwrite a hand-edited runbook, naming it; --force replaces it; an unchanged one is fine", async () => {
    const { run, out } = await setup({ "restart.md": page("Restart", "systemctl restart api"), "look.md": page("Look", "kubectl get pods") });
    const first = await run();
    expect([first.exitCode, first.stderr]).toEqual([0, expect.stringContaining("src/restart.md → out/restart.md: 1 step (1 ask first, 0 read-only, 0 manual)")]);
    const manifest = JSON.parse(await readFile(out(".runbook-import.json"), "utf8")) as { files: Record<string, string> };
    expect(Object.keys(manifest.files)).toEqual(["look.md", "restart.md"]);

    // Imported again as it was: nothing to refuse, nothing rewritten.
    const again = await run();
    expect([again.exitCode, again.stderr]).toEqual([0, expect.stringContaining("src/restart.md → out/restart.md (unchanged)")]);

    // Someone filled the placeholder in: the next import leaves their work alone and says so.
    const edited = (await readFile(out("restart.md"), "utf8")).replace(/irreversible="[^"]*"/, 'irreversible="restarting cannot be undone"');
    await writeFile(out("restart.md"), edited);
    const refused = await run();
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("runbook: out/restart.md: not written: it was changed after import wrote it; --force replaces it\n");
    expect(refused.stderr).toContain("src/look.md → out/look.md (unchanged)");
    expect(await readFile(out("restart.md"), "utf8")).toBe(edited);

    // A file import never wrote is refused the same way.
    await writeFile(out("look.md"), "my own notes\n");
    const mine = JSON.parse(await readFile(out(".runbook-import.json"), "utf8")) as { files: Record<string, string> };
    delete mine.files["look.md"];
    await writeFile(out(".runbook-import.json"), JSON.stringify(mine));
    const notOurs = await run();
    expect(notOurs.exitCode).toBe(2);
    expect(notOurs.stderr).toContain("runbook: out/look.md: not written: import did not write it (it is not in .runbook-import.json); --force replaces it\n");
    expect(await readFile(out("look.md"), "utf8")).toBe("my own notes\n");

    const forced = await run("--force");
    expect([forced.exitCode, forced.stderr]).toEqual([0, expect.stringContaining("src/restart.md → out/restart.md: ")]);
    expect(await readFile(out("restart.md"), "utf8")).toContain('irreversible="TODO: write a rollback block');
    expect(await readFile(out("look.md"), "utf8")).toContain("kubectl get pods");
    // And what --force wrote is again the import's own: the next import may replace it.
    expect((await run()).exitCode).toBe(0);
  });

  it("refuses two inputs that map to one output, naming every one, and writes the rest", async () => {
    const { dir, run, out } = await setup({ "a.md": page("A", "echo a"), "a.html.md": page("A html", "echo b"), "a.md.erb": page("A erb", "echo c"), "b.md": page("B", "echo d") });
    const r = await run("--format", "json");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe("runbook: not written: src/a.html.md, src/a.md and src/a.md.erb all map to out/a.md; rename all but one, or import them apart\n");
    const j = JSON.parse(r.stdout) as { files: { file: string; status: string; refused?: string }[]; summary: { refused: number } };
    expect(j.files.map((f) => [f.file, f.status])).toEqual([
      ["src/a.html.md", "refused"],
      ["src/a.md", "refused"],
      ["src/a.md.erb", "refused"],
      ["src/b.md", "created"],
    ]);
    expect(j.summary.refused).toBe(3);
    expect((await readdir(path.join(dir, "out"))).sort()).toEqual([".runbook-import.json", "b.md"]);
    expect(await readFile(out("b.md"), "utf8")).toContain("echo d");
  });

  it("never follows a symbolic link planted in the output folder, nor writes to a FIFO, even with --force", async () => {
    const { dir, run, out } = await setup({ "a.md": page("A", "echo a"), "sub/b.md": page("B", "echo b"), "c.md": page("C", "echo c"), "d.md": page("D", "echo d") });
    const elsewhere = path.join(dir, "elsewhere");
    await mkdir(elsewhere);
    await writeFile(path.join(elsewhere, "victim.md"), "precious\n");
    await mkdir(path.join(dir, "out"));
    await symlink(path.join(elsewhere, "victim.md"), out("a.md"));
    await symlink(elsewhere, out("sub"));
    execFileSync("mkfifo", [out("c.md")]);

    const r = await run("--force");
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("runbook: out/a.md: not written: it is a symbolic link; import writes regular files only and never follows a link: remove it\n");
    expect(r.stderr).toContain("runbook: out/sub/b.md: not written: out/sub is a symbolic link; import never follows a link: remove it\n");
    expect(r.stderr).toContain("runbook: out/c.md: not written: it is a FIFO; import writes regular files only and never follows a link: remove it\n");
    expect(await readFile(path.join(elsewhere, "victim.md"), "utf8")).toBe("precious\n");
    expect((await readdir(elsewhere)).sort()).toEqual(["victim.md"]);
    expect(lstatSync(out("a.md")).isSymbolicLink()).toBe(true);
    expect(lstatSync(out("c.md")).isFIFO()).toBe(true);
    expect(readFileSync(out("d.md"), "utf8")).toContain("echo d");
  });

  it("refuses a manifest that is a symbolic link before writing anything", async () => {
    const { dir, run, out } = await setup({ "a.md": page("A", "echo a") });
    await mkdir(path.join(dir, "out"));
    await writeFile(path.join(dir, "target.json"), "{}");
    await symlink(path.join(dir, "target.json"), out(".runbook-import.json"));
    const r = await run();
    expect([r.exitCode, r.stderr]).toEqual([2, "runbook: out/.runbook-import.json is a symbolic link: not followed; remove it\n"]);
    expect(await readdir(path.join(dir, "out"))).toEqual([".runbook-import.json"]);
    expect(await readFile(path.join(dir, "target.json"), "utf8")).toBe("{}");
  });

  it("does not import its own results again when the output folder is inside the input", async () => {
    const { dir } = await setup({ "a.md": page("A", "echo a") });
    const first = await runMain(["import", "src", "--out", "src/runbooks"], { cwd: dir });
    expect(first.exitCode).toBe(0);
    await appendFile(path.join(dir, "src/a.md"), "\nMore.\n");
    const second = await runMain(["import", "src", "--out", "src/runbooks", "--format", "json"], { cwd: dir });
    expect(second.exitCode).toBe(0);
    expect((JSON.parse(second.stdout) as { files: { file: string }[] }).files.map((f) => f.file)).toEqual(["src/a.md"]);
  });
});
