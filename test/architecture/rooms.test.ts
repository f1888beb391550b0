import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/tmp.js";

const ROOT = resolve(import.meta.dirname, "../..");
const DEPCRUISE = join(ROOT, "node_modules/.bin/depcruise");

/** Runs the project's boundary check on a tree; returns its exit code and report. */
function cruise(cwd: string): { code: number; out: string } {
  try {
    const out = execFileSync(DEPCRUISE, ["src", "--config", ".dependency-cruiser.cjs", "--output-type", "err"], { cwd, encoding: "utf8", stdio: "pipe" });
    return { code: 0, out };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, out: err.stdout + err.stderr };
  }
}

function plant(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

// One planted import per rule; each must be named by the check, with the file that broke it.
const PLANTS: readonly { rule: string; from: string; to: string }[] = [
  { rule: "nothing-imports-cli", from: "src/report/view.ts", to: "src/cli/main.ts" },
  { rule: "run-knows-no-screen", from: "src/run/engine.ts", to: "src/tui/screen.ts" },
  { rule: "state-knows-no-run", from: "src/state/journals.ts", to: "src/run/state.ts" },
  { rule: "model-knows-no-rule", from: "src/model/types.ts", to: "src/check/rules.ts" },
  { rule: "core-is-the-floor", from: "src/core/errors.ts", to: "src/model/positions.ts" },
  { rule: "journal-knows-no-run", from: "src/journal/store.ts", to: "src/run/fold.ts" },
  { rule: "system-is-an-edge", from: "src/system/config-file.ts", to: "src/check/registry.ts" },
  { rule: "check-knows-no-run", from: "src/check/assess.ts", to: "src/run/plan.ts" },
];

/** A temp project with the real boundary rules and these source files. */
async function project(prefix: string, files: Record<string, string>): Promise<string> {
  const root = await tempDir(prefix);
  copyFileSync(join(ROOT, ".dependency-cruiser.cjs"), join(root, ".dependency-cruiser.cjs"));
  plant(root, {
    "tsconfig.json": JSON.stringify({ compilerOptions: { module: "nodenext", moduleResolution: "nodenext", strict: true } }),
    "package.json": JSON.stringify({ type: "module" }),
    ...files,
  });
  return root;
}

function relativeImport(from: string, to: string): string {
  const up = from.split("/").slice(1, -1).map(() => "..").join("/");
  return `${up}/${to.replace(/^src\//, "").replace(/\.ts$/, ".js")}`;
}

describe("the rooms' boundaries (dependency-cruiser, as npm run lint:code runs it)", () => {
  it("a tree that keeps the rules passes", async () => {
    const root = await project("rooms-ok-", {
      "src/cli/main.ts": `import { run } from "../run/engine.js";\nexport const main = run;\n`,
      "src/run/engine.ts": `import { Problem } from "../model/types.js";\nexport const run = (p: Problem) => p;\n`,
      "src/model/types.ts": `export type Problem = string;\n`,
    });
    const { code, out } = cruise(root);
    expect(out).not.toMatch(/error/);
    expect(code).toBe(0);
  });

  it("every rule fails on a planted violation and names the file, the import and the rule", async () => {
    const files: Record<string, string> = {};
    for (const p of PLANTS) {
      files[p.from] = `${files[p.from] ?? ""}import { x as ${p.rule.replace(/-/g, "_")} } from "${relativeImport(p.from, p.to)}";\nexport const y_${p.rule.replace(/-/g, "_")} = ${p.rule.replace(/-/g, "_")};\n`;
      files[p.to] ??= `export const x = 1;\n`;
    }
    const root = await project("rooms-bad-", files);
    const { code, out } = cruise(root);
    expect(code).not.toBe(0);
    for (const p of PLANTS) expect(out).toContain(`error ${p.rule}: ${p.from} → ${p.to}`);
  });

  it("two files that import each other are refused", async () => {
    const root = await project("rooms-cycle-", {
      "src/run/a.ts": `import { b } from "./b.js";\nexport const a = () => b;\n`,
      "src/run/b.ts": `import { a } from "./a.js";\nexport const b = () => a;\n`,
    });
    const { code, out } = cruise(root);
    expect(code).not.toBe(0);
    expect(out).toContain("error no-circular-rooms");
  });
});
