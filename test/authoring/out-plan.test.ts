import { describe, expect, it } from "vitest";
import { collisions, decide, manifestText, outputName, parseManifest } from "../../src/authoring/import/out-plan.js";

const A = "a".repeat(64);
const B = "b".repeat(64);

describe("what import --out may do with a file", () => {
  it("creates a missing file, leaves an identical one, replaces only what it wrote unchanged or with --force", () => {
    expect(decide({ kind: "missing" }, A, undefined, false)).toEqual({ action: "create" });
    expect(decide({ kind: "file", sha256: A }, A, undefined, false)).toEqual({ action: "unchanged" });
    expect(decide({ kind: "file", sha256: B }, A, B, false)).toEqual({ action: "replace" });
    expect(decide({ kind: "file", sha256: B }, A, A, false)).toMatchObject({ action: "refuse", why: "it was changed after import wrote it; --force replaces it" });
    expect(decide({ kind: "file", sha256: B }, A, undefined, false)).toMatchObject({ action: "refuse", why: "import did not write it (it is not in .runbook-import.json); --force replaces it" });
    expect(decide({ kind: "file", sha256: B }, A, undefined, true)).toEqual({ action: "replace" });
    expect(decide({ kind: "other", what: "a symbolic link" }, A, undefined, true)).toMatchObject({ action: "refuse", forceable: false });
  });

  it("maps .html.md, .md.erb and .markdown to .md, and finds inputs that collide, case-insensitively", () => {
    expect(["a.md", "a.html.md", "x/a.html.md.erb", "a.md.erb", "b.markdown"].map(outputName)).toEqual(["a.md", "a.md", "x/a.md", "a.md", "b.md"]);
    const c = collisions([{ file: "a.md", out: "a.md" }, { file: "A.md", out: "A.md" }, { file: "b.md", out: "b.md" }]);
    expect([...c]).toEqual([["a.md", ["a.md", "A.md"]]]);
  });

  it("reads back the manifest it writes, and nothing from a broken one", () => {
    expect(parseManifest(manifestText({ "b.md": B, "a.md": A }))).toEqual({ "a.md": A, "b.md": B });
    for (const broken of [undefined, "", "{", "[]", '{"files": []}', '{"files": {"a.md": "short"}}']) expect(parseManifest(broken)).toEqual({});
  });
});
