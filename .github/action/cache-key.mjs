// The install cache's key and paths, written to $GITHUB_OUTPUT. The key names the action's ref (for
// whoever reads the cache list) and a hash of what the install is made from: a branch ref moves, and
// the same content is the same install. The runner's OS and architecture and Node's major version
// complete it. Paths are absolute and resolved: actions/cache refuses `./` (a local `uses: ./`).
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, readdirSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import process from "node:process";

const root = realpathSync(process.env.GITHUB_ACTION_PATH ?? ".");
const hash = createHash("sha256");
const add = (rel) => {
  const abs = path.join(root, rel);
  if (!existsSync(abs)) return;
  if (statSync(abs).isDirectory()) {
    for (const name of readdirSync(abs).sort()) add(path.join(rel, name));
    return;
  }
  hash.update(`${rel}\0${readFileSync(abs).length}\0`);
  hash.update(readFileSync(abs));
};
for (const rel of ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "src", "dist"]) add(rel);
const ref = (process.env.RUNBOOK_ACTION_REF || "local").replace(/[^A-Za-z0-9._-]/g, "-");
const node = process.versions.node.split(".")[0];
const key = `runbook-action-${process.env.RUNNER_OS ?? process.platform}-${process.env.RUNNER_ARCH ?? process.arch}-node${node}-${ref}-${hash.digest("hex").slice(0, 16)}`;
const paths = [path.join(root, "node_modules"), path.join(root, "dist")];
appendFileSync(process.env.GITHUB_OUTPUT, `key=${key}\npaths<<RUNBOOK_PATHS_END\n${paths.join("\n")}\nRUNBOOK_PATHS_END\n`);
process.stdout.write(`${key}\n`);
