import { scanShellVariables } from "../../model/shell-vars.js";

/** A shell block as it should run: prompts removed, output split off. */
export interface SplitCommand {
  /** The commands, one per line (continuation lines kept). */
  readonly command: string;
  /** Lines that were the commands' output in the original, in order. */
  readonly output: string;
  /** `<namespace>`-style placeholders turned into `${NAMESPACE}`: placeholder → variable name. */
  readonly placeholders: ReadonlyMap<string, string>;
}

const SHELL_LANGS = new Set(["sh", "bash", "shell", "zsh"]);
const SESSION_LANGS = new Set(["console", "shell-session", "sh-session", "shellsession", "terminal"]);
const DOLLAR = /^\s*\$ /;
const ROOT_PROMPT = /^\s*# /;

/** Whether a code block is commands to run: a shell language, a terminal session, or bare `$ ` prompts. */
export function isCommandBlock(lang: string | null | undefined, value: string): boolean {
  const l = (lang ?? "").toLowerCase();
  if (SHELL_LANGS.has(l) || SESSION_LANGS.has(l)) return value.trim() !== "";
  // A block that starts with a `$ ` prompt is a terminal session whatever its label (```ruby $ gitlab-rake …).
  const first = value.split("\n").find((x) => x.trim() !== "") ?? "";
  if (DOLLAR.test(first)) return true;
  // With no language, a block that starts with a well-known command is commands.
  return (l === "" || l === "text" || l === "none") && COMMAND_WORDS.has(first.trim().split(/\s+/)[0] ?? "");
}

/**
 * Splits a pasted terminal session into what to run and what it printed. In a session (a
 * `console` block, or any block with `$ ` prompts) prompt lines are commands, a trailing `\`
 * continues one, and every other line is output. `# ` is a root prompt only in a session
 * language: in a `bash` block it is a comment and stays.
 */
export function splitCommand(lang: string | null | undefined, value: string): SplitCommand {
  const l = (lang ?? "").toLowerCase();
  const lines = value.replace(/\r\n?/g, "\n").split("\n");
  // A `console` block without a single prompt is commands written without prompts.
  const prompted = lines.some((x) => DOLLAR.test(x)) || (SESSION_LANGS.has(l) && lines.some((x) => ROOT_PROMPT.test(x)) && !lines.every((x) => x.trim() === "" || ROOT_PROMPT.test(x)));
  const session = prompted;
  const commands: string[] = [];
  const output: string[] = [];
  if (!session) commands.push(...lines);
  else {
    let continuing = false;
    for (const line of lines) {
      if (continuing) {
        commands.push(line);
      } else if (DOLLAR.test(line)) {
        commands.push(line.replace(DOLLAR, ""));
      } else if (SESSION_LANGS.has(l) && ROOT_PROMPT.test(line)) {
        commands.push(line.replace(ROOT_PROMPT, ""));
      } else if (!SESSION_LANGS.has(l) && /^\s*#/.test(line)) {
        // In a `bash` block with prompts, a `#` line is the author's comment on the commands.
        commands.push(line.trimStart());
      } else {
        output.push(line);
        continue;
      }
      continuing = /\\$/.test(line);
    }
  }
  const placeholders = new Map<string, string>();
  const command = commands
    .join("\n")
    .trim()
    .split("\n")
    .map((line) => replacePlaceholders(line, placeholders))
    .join("\n");
  return { command, output: output.join("\n").replace(/^\n+|\n+$/g, ""), placeholders };
}

// `<namespace>`, `<pod-name>`, `<NODE>`: a word in angle brackets is a value to fill in, not a
// redirection (which has a space or a path after `<`) or a heredoc (`<<`).
const PLACEHOLDER = /^<([A-Za-z][A-Za-z0-9_-]{0,40})>(?!>)/;

/**
 * Turns placeholders into variable references: `"${NAME}"` outside quotes, `${NAME}` inside
 * double quotes. Inside single quotes nothing expands, so the placeholder stays for a person.
 */
function replacePlaceholders(line: string, found: Map<string, string>): string {
  let out = "";
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? "";
    if (c === "\\" && quote !== "'") {
      out += c + (line[i + 1] ?? "");
      i++;
      continue;
    }
    if ((c === "'" || c === '"') && (quote === undefined || quote === c)) quote = quote ? undefined : c;
    const m = c === "<" && quote !== "'" && line[i - 1] !== "<" && !/\w/.test(line[i - 1] ?? "") ? PLACEHOLDER.exec(line.slice(i)) : null;
    if (m?.[1]) {
      const name = m[1].replace(/-/g, "_").toUpperCase();
      found.set(`<${m[1]}>`, name);
      out += quote === '"' ? `\${${name}}` : `"\${${name}}"`;
      i += m[0].length - 1;
    } else out += c;
  }
  return out;
}

/** Upper-case variables a command uses without setting them in the same block. */
export function freeVariables(command: string): string[] {
  const { references, assigned } = scanShellVariables(command);
  const out: string[] = [];
  for (const r of references) if (r.name === r.name.toUpperCase() && !assigned.has(r.name) && !out.includes(r.name)) out.push(r.name);
  return out;
}

/** Upper-case variables a command sets (`export POD=…`), to tell apart values passed between blocks. */
export function assignedVariables(command: string): string[] {
  return [...scanShellVariables(command).assigned].filter((n) => n === n.toUpperCase());
}

const COMMAND_WORDS: ReadonlySet<string> = new Set([
  "kubectl", "oc", "helm", "virtctl", "etcdctl", "curl", "wget", "psql", "pg_dump", "pg_ctl", "pg_basebackup", "patronictl", "mysql",
  "redis-cli", "mongo", "mongosh", "aws", "gcloud", "gsutil", "az", "terraform", "vault", "consul", "nomad", "docker", "podman", "crictl",
  "systemctl", "journalctl", "sudo", "ssh", "scp", "rsync", "git", "gh", "glab", "promtool", "amtool", "jq", "grep", "tail", "cat", "ls",
  "df", "du", "ps", "top", "free", "dig", "nslookup", "ping", "openssl", "make", "bundle", "rake", "rails", "gds", "knife", "chef-client",
  "ansible", "ansible-playbook", "orchestrator-client", "cnpg", "kubectl-cnpg", "velero", "argocd", "flux", "istioctl", "nc", "ip", "ss",
]);

/** Whether an inline code span is a command someone would type (`kubectl -n x get pods`), not a name. */
export function looksLikeCommand(code: string): boolean {
  const first = code.trim().replace(DOLLAR, "").split(/\s+/)[0] ?? "";
  return COMMAND_WORDS.has(first) && /\s/.test(code.trim());
}
