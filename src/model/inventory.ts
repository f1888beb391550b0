import { parse as parseYaml } from "yaml";

/**
 * The hosts of one group of an Ansible inventory, in YAML or INI, with those of its children (its
 * `children:` or `[group:children]`), in the order written, each once. A host is its inventory name,
 * which is what `ssh` is given (an alias of ~/.ssh/config, or a name it resolves); `ansible_host`
 * and the other variables are Ansible's and are not read. Pure: the text in, the hosts out, or why not.
 */
export function inventoryHosts(text: string, group: string, format: "yaml" | "ini"): { hosts: string[] } | { error: string; groups: string[] } {
  const groups = format === "yaml" ? yamlGroups(text) : iniGroups(text);
  if (!groups.has(group)) return { error: `no group \`${group}\``, groups: [...groups.keys()] };
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const g = groups.get(name);
    if (!g) return;
    for (const h of g.hosts) if (!out.includes(h)) out.push(h);
    for (const c of g.children) visit(c);
  };
  visit(group);
  return { hosts: out };
}

/** An inventory file's format, by its name: `.yml`/`.yaml` are YAML, anything else INI (Ansible's default). */
export const inventoryFormat = (file: string): "yaml" | "ini" => (/\.ya?ml$/i.test(file) ? "yaml" : "ini");

interface Group {
  hosts: string[];
  children: string[];
}

function group(groups: Map<string, Group>, name: string): Group {
  let g = groups.get(name);
  if (!g) groups.set(name, (g = { hosts: [], children: [] }));
  return g;
}

function yamlGroups(text: string): Map<string, Group> {
  const groups = new Map<string, Group>();
  const data: unknown = parseYaml(text);
  const walk = (name: string, body: unknown) => {
    const g = group(groups, name);
    if (!isMap(body)) return;
    if (isMap(body.hosts)) for (const h of Object.keys(body.hosts)) g.hosts.push(...expand(h));
    if (isMap(body.children)) {
      for (const [child, childBody] of Object.entries(body.children)) {
        g.children.push(child);
        walk(child, childBody);
      }
    }
  };
  if (isMap(data)) for (const [name, body] of Object.entries(data)) walk(name, body);
  return groups;
}

function iniGroups(text: string): Map<string, Group> {
  const groups = new Map<string, Group>();
  let current: { name: string; kind: "hosts" | "children" | "vars" } = { name: "ungrouped", kind: "hosts" };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s[#;].*$/, "").trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[([^\]:]+)(?::(children|vars))?\]$/.exec(line);
    if (header) {
      current = { name: header[1]!, kind: (header[2] as "children" | "vars" | undefined) ?? "hosts" };
      group(groups, current.name);
      continue;
    }
    const first = line.split(/\s+/)[0]!;
    if (current.kind === "hosts") group(groups, current.name).hosts.push(...expand(first));
    else if (current.kind === "children") group(groups, current.name).children.push(first);
  }
  return groups;
}

/** Ansible's host ranges: `app-[1:3]` is app-1, app-2, app-3 (`[01:03]` keeps the zeros). */
function expand(pattern: string): string[] {
  const m = /^(.*)\[(\d+):(\d+)\](.*)$/.exec(pattern);
  if (!m) return [pattern];
  const [, head = "", from = "", to = "", tail = ""] = m;
  const width = from.startsWith("0") ? from.length : 0;
  const out: string[] = [];
  for (let i = Number(from); i <= Number(to) && out.length < 10_000; i++) out.push(...expand(`${head}${String(i).padStart(width, "0")}${tail}`));
  return out;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
