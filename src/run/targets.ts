import path from "node:path";
import { RunRefusedError } from "../core/errors.js";
import { printableLine } from "../core/printable.js";
import { inventoryFormat, inventoryHosts } from "../model/inventory.js";
import type { TargetGroup } from "../model/schema/frontmatter-schema.js";
import { nearestOrChoices } from "../model/suggest.js";
import { groupName } from "./fanout.js";
import type { Plan } from "./plan.js";

/** What resolving targets touches: reading an inventory, running a command that lists hosts. */
export interface TargetIo {
  readText(file: string): string;
  /** Runs `command` with the shell in `cwd`; its stdout, or why it failed. */
  run(command: string, cwd: string, signal: AbortSignal): Promise<{ stdout: string; failure: string | undefined }>;
}

/** What `ssh` is given as a destination: never an option, never two words. */
const DESTINATION = /^[A-Za-z0-9_][A-Za-z0-9_.@:[\]-]*$/;

/**
 * The hosts of every group the run's steps name with `on=` (a param naming a group counts as that
 * group; a param naming a host, as that host alone), resolved once before the run and journaled, so
 * a resume runs on the same hosts whatever the inventory says by then. Refuses, before anything
 * runs, a group that gives no host or a host `ssh` would read as an option.
 */
export async function resolveTargets(plan: Plan, targets: Readonly<Record<string, TargetGroup>> | undefined, params: Readonly<Record<string, string>>, io: TargetIo, signal: AbortSignal): Promise<Record<string, string[]> | undefined> {
  if (!plan.steps.some((s) => s.on !== undefined)) return undefined;
  const out: Record<string, string[]> = {};
  const groups = Object.keys(targets ?? {});
  for (const { on } of plan.steps) {
    if (on === undefined) continue;
    const name = groupName(on, params);
    if (Object.hasOwn(out, name)) continue;
    const spec = targets && Object.hasOwn(targets, name) ? targets[name] : undefined;
    if (!spec) {
      // `on=$TARGET` whose value is not a group: the host it names.
      if (on.startsWith("$") && DESTINATION.test(name)) out[name] = [name];
      else throw new RunRefusedError(`on=${on} names \`${printableLine(name)}\`, which is neither a group of targets: nor an SSH destination${nearestOrChoices(name, groups)}`);
      continue;
    }
    out[name] = checked(name, await hostsOf(name, spec, plan.dir, io, signal));
  }
  return out;
}

async function hostsOf(name: string, spec: TargetGroup, dir: string, io: TargetIo, signal: AbortSignal): Promise<string[]> {
  if (Array.isArray(spec)) return [...spec];
  if ("inventory" in spec) {
    const file = path.resolve(dir, spec.inventory);
    let text: string;
    try {
      text = io.readText(file);
    } catch (e) {
      throw new RunRefusedError(`targets: ${name}: cannot read inventory ${spec.inventory}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { hint: "The path is relative to the runbook's folder." });
    }
    let found: ReturnType<typeof inventoryHosts>;
    try {
      found = inventoryHosts(text, spec.group, inventoryFormat(file));
    } catch (e) {
      throw new RunRefusedError(`targets: ${name}: inventory ${spec.inventory} is not valid ${inventoryFormat(file).toUpperCase()}: ${(e as Error).message.split("\n")[0] ?? ""}`);
    }
    if ("error" in found) throw new RunRefusedError(`targets: ${name}: inventory ${spec.inventory} has ${found.error}${nearestOrChoices(spec.group, found.groups)}`);
    return found.hosts;
  }
  const { stdout, failure } = await io.run(spec.command, dir, signal);
  if (failure !== undefined) throw new RunRefusedError(`targets: ${name}: the command that lists its hosts failed (${failure}); nothing ran`, { hint: `Run it by hand to see why: ${spec.command}` });
  return stdout.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
}

function checked(name: string, hosts: string[]): string[] {
  if (!hosts.length) throw new RunRefusedError(`targets: group ${name} has no host; nothing ran`, { hint: "A step on an empty group would do nothing and look done." });
  const bad = hosts.find((h) => !DESTINATION.test(h));
  if (bad !== undefined) throw new RunRefusedError(`targets: group ${name} lists \`${printableLine(bad)}\`, which is not an SSH destination (one word, not starting with \`-\`)`);
  return [...new Set(hosts)];
}

/** The hosts each group will touch, as lines for the operator before the run starts. */
export function targetLines(targets: Readonly<Record<string, readonly string[]>> | undefined, plan: Plan, params: Readonly<Record<string, string>>): string[] {
  if (!targets) return [];
  return plan.steps.flatMap((s) => {
    if (s.on === undefined) return [];
    const hosts = targets[groupName(s.on, params)] ?? [];
    return [`${s.id} runs on ${hosts.length} host${hosts.length === 1 ? "" : "s"} (on=${s.on}): ${hosts.join(", ")}`];
  });
}
