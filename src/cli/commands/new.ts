import { readFile, writeFile } from "node:fs/promises";
import { mkdirp } from "../../system/mkdirp.js";
import { packageFile } from "../../system/package-file.js";
import path from "node:path";
import { ID_PATTERN } from "../../model/schema/frontmatter-schema.js";
import { EXIT, InputError, UsageError } from "../../core/errors.js";
import type { Io } from "../io.js";

const TEMPLATE = packageFile("runbooks/template.md");

export default async function newRunbook(io: Io, id: string, flags: { owner: string; title?: string; dir: string }): Promise<number> {
  if (!ID_PATTERN.test(id)) throw new UsageError(`Invalid id \`${id}\`: expected kebab-case such as \`redis-failover\``);
  const title = flags.title ?? id.replace(/-/g, " ").replace(/^./, (c) => c.toUpperCase());
  const template = await readFile(TEMPLATE, "utf8");
  const text = template
    .replace(/^id: .*$/m, `id: ${id}`)
    .replace(/^owner: .*$/m, `owner: ${yamlScalar(flags.owner)}`)
    .replace(/^# .*$/m, `# ${title}`);
  const target = path.join(flags.dir, `${id}.md`);
  try {
    mkdirp(path.resolve(io.cwd, flags.dir));
    await writeFile(path.resolve(io.cwd, target), text, { flag: "wx" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new InputError(`${target} already exists; not overwriting it`);
    throw new InputError(`cannot create ${target}: ${code ?? (error as Error).message}`);
  }
  io.stdout.write(`Created ${target}\nNext: edit it, then run \`runbook lint ${target}\`.\n`);
  return EXIT.ok;
}

function yamlScalar(s: string): string {
  return /^[\w.-][\w .@/-]*$/.test(s) ? s : JSON.stringify(s);
}
