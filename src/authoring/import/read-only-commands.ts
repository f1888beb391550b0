import type { ShellWord } from "./shell-words.js";
import { sqlWhyNotReadOnly } from "./read-only-sql.js";

/**
 * One entry of the read-only list: commands `runbook import` writes without `confirm`. The list is
 * data: docs/import.md shows it (a test keeps them the same) and each entry's examples are tests.
 */
export interface ReadOnlyCommand {
  readonly names: readonly string[];
  /** When it only reads, in words, for the docs. */
  readonly when: string;
  /** Why these arguments may change state, or undefined when they only read. Absent: any arguments read. */
  readonly check?: (args: readonly ShellWord[], name: string) => string | undefined;
  readonly examples: { readonly readOnly: readonly string[]; readonly changes: readonly string[] };
}

interface Flag {
  readonly name: string;
  readonly value: ShellWord | undefined;
  /** Index in the arguments. */
  readonly at: number;
}

interface Options {
  readonly flags: readonly Flag[];
  readonly positionals: readonly ShellWord[];
  /** Index in the arguments of the first positional, or the argument count. */
  readonly firstPositionalAt: number;
}

interface OptionSpec {
  /** Long flags (`--namespace`) that take the next word as their value. */
  readonly long?: readonly string[];
  /** Short letters (`n` of `-n`) that take a value: the rest of the cluster or the next word. */
  readonly short?: string;
  /** Single-dash words that are whole flags taking a value (`-chdir`, `-out`): find and openssl style. */
  readonly single?: readonly string[];
}

/** Splits arguments into flags and positionals, the way getopt-style tools read them. */
function options(args: readonly ShellWord[], spec: OptionSpec): Options {
  const flags: Flag[] = [];
  const positionals: ShellWord[] = [];
  let firstPositionalAt = args.length;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const t = w.text;
    const next = args[i + 1];
    if (t === "--" && w.literal) {
      if (firstPositionalAt === args.length && i + 1 < args.length) firstPositionalAt = i + 1;
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (t.startsWith("--") && t.length > 2) {
      const eq = t.indexOf("=");
      if (eq > 0) flags.push({ name: t.slice(0, eq), value: { ...w, text: t.slice(eq + 1) }, at: i });
      else if (spec.long?.includes(t)) {
        flags.push({ name: t, value: next, at: i });
        i++;
      } else flags.push({ name: t, value: undefined, at: i });
    } else if (t.startsWith("-") && t.length > 1 && w.literal && spec.single?.some((s) => t === s || t.startsWith(`${s}=`))) {
      const eq = t.indexOf("=");
      if (eq > 0) flags.push({ name: t.slice(0, eq), value: { ...w, text: t.slice(eq + 1) }, at: i });
      else {
        flags.push({ name: t, value: next, at: i });
        i++;
      }
    } else if (t.startsWith("-") && t.length > 1 && !/^-\d+$/.test(t)) {
      for (let k = 1; k < t.length; k++) {
        const letter = t[k]!;
        if (spec.short?.includes(letter)) {
          const rest = t.slice(k + 1).replace(/^=/, "");
          if (rest) flags.push({ name: `-${letter}`, value: { ...w, text: rest }, at: i });
          else {
            flags.push({ name: `-${letter}`, value: next, at: i });
            i++;
          }
          break;
        }
        flags.push({ name: `-${letter}`, value: undefined, at: i });
      }
    } else {
      if (firstPositionalAt === args.length) firstPositionalAt = i;
      positionals.push(w);
    }
  }
  return { flags, positionals, firstPositionalAt };
}

/** A positional's text when it is literal; a subcommand hidden in a variable is not judged. */
function word(w: ShellWord | undefined): string | undefined {
  return w?.literal ? w.text : w === undefined ? "" : undefined;
}

function has(o: Options, ...names: string[]): Flag | undefined {
  return o.flags.find((f) => names.includes(f.name) || names.some((n) => n.endsWith("*") && f.name.startsWith(n.slice(0, -1))));
}

/**
 * A tool of the `tool [global flags] verb [sub] …` shape: read-only when the verb (and, for verbs
 * with subcommands, the subcommand) is in `verbs`. Flags before the verb must be known globals, so
 * an unknown flag cannot take the verb's place.
 */
function verbs(spec: OptionSpec & { readonly globals: readonly string[]; readonly verbs: Readonly<Record<string, readonly string[] | true>>; readonly refuse?: readonly string[] }) {
  return (args: readonly ShellWord[]): string | undefined => {
    const o = options(args, spec);
    for (const f of o.flags) {
      if (f.at < o.firstPositionalAt && !spec.globals.includes(f.name)) return `\`${f.name}\` before the subcommand is not a known global flag`;
      if (spec.refuse?.includes(f.name)) return `\`${f.name}\` may write`;
    }
    const verb = word(o.positionals[0]);
    if (verb === undefined) return "a subcommand given by a variable";
    if (verb === "") return "no subcommand";
    const allowed = spec.verbs[verb];
    if (!allowed) return `\`${verb}\` is not a read-only subcommand`;
    if (allowed === true) return undefined;
    const sub = word(o.positionals[1]) ?? "(a variable)";
    if (allowed.includes(sub)) return undefined;
    return `\`${[verb, sub].filter(Boolean).join(" ")}\` is not read-only`;
  };
}

/** Flags that make an otherwise read-only tool write. */
function refusing(names: readonly string[], spec: OptionSpec = {}) {
  return (args: readonly ShellWord[]): string | undefined => {
    const f = has(options(args, spec), ...names);
    return f ? `\`${f.name}\` may write or run something` : undefined;
  };
}

const KUBECTL_GLOBALS = ["-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server", "--as", "--as-group", "--as-uid", "--token", "--request-timeout", "--insecure-skip-tls-verify", "--certificate-authority", "--client-certificate", "--client-key", "--tls-server-name", "--cache-dir", "-v", "--v", "--match-server-version", "--warnings-as-errors"];
const KUBECTL_VERBS: Record<string, readonly string[] | true> = {
  get: true, describe: true, logs: true, log: true, top: true, explain: true, "api-resources": true, "api-versions": true, version: true, events: true, wait: true,
  "cluster-info": [""], auth: ["can-i", "whoami"], config: ["view", "get-contexts", "current-context", "get-clusters", "get-users"], rollout: ["status", "history"],
};
const OC_VERBS: Record<string, readonly string[] | true> = { ...KUBECTL_VERBS, whoami: true, status: true, projects: true, project: [""], adm: ["top"] };

const CURL_WRITES = ["-X", "--request", "-d", "--data*", "--json", "-F", "--form*", "-T", "--upload-file", "-o", "--output", "--output-dir", "-O", "--remote-name*", "-J", "-D", "--dump-header", "-c", "--cookie-jar", "-K", "--config", "--trace", "--trace-ascii", "--stderr", "--libcurl", "--etag-save", "--hsts", "--alt-svc", "--create-dirs", "-P", "--ftp-port", "-Q", "--quote", "--mail-rcpt", "--mail-from", "-t", "--telnet-option"];

function curl(args: readonly ShellWord[]): string | undefined {
  const o = options(args, { short: "AbcCdDeEFHKmoPQrtTuUwxXyYz", long: ["--request", "--data", "--data-raw", "--data-binary", "--data-urlencode", "--data-ascii", "--json", "--form", "--form-string", "--upload-file", "--output", "--output-dir", "--dump-header", "--cookie-jar", "--config", "--header", "--user", "--url", "--user-agent", "--max-time", "--connect-timeout", "--cookie", "--cacert", "--cert", "--key", "--proxy", "--resolve", "--write-out", "--trace", "--trace-ascii", "--stderr", "--libcurl", "--etag-save", "--hsts", "--alt-svc", "--retry", "--quote", "--mail-rcpt", "--mail-from", "--telnet-option", "--ftp-port", "--range", "--referer", "--oauth2-bearer", "--aws-sigv4", "--interface", "--noproxy"] });
  for (const f of o.flags) {
    const method = f.value?.literal ? f.value.text.toUpperCase() : undefined;
    if ((f.name === "-X" || f.name === "--request") && (method === "GET" || method === "HEAD")) continue;
    // `-o -`, `-D -`: standard output, not a file; `-o /dev/null`: nowhere.
    if (["-o", "--output", "-D", "--dump-header", "--trace", "--trace-ascii", "--stderr"].includes(f.name) && f.value?.literal && ["-", "/dev/null"].includes(f.value.text)) continue;
    if (CURL_WRITES.some((n) => (n.endsWith("*") ? f.name.startsWith(n.slice(0, -1)) : f.name === n))) {
      return f.name === "-X" || f.name === "--request" ? `\`${f.name} ${f.value?.text ?? ""}\` sends a request that may change state` : `\`${f.name}\` sends data or writes a file`;
    }
  }
  return undefined;
}

const PSQL = { short: "cdfhpUvPoLTFR", long: ["--command", "--dbname", "--file", "--host", "--port", "--username", "--set", "--variable", "--pset", "--output", "--log-file", "--table-attr", "--field-separator", "--record-separator"] };

/** `psql -c 'select …'` and `mysql -e 'show …'`: every statement given must be read-only SQL. */
function sqlClient(commandFlags: readonly string[], refused: readonly string[], spec: OptionSpec) {
  return (args: readonly ShellWord[]): string | undefined => {
    const o = options(args, spec);
    const bad = has(o, ...refused);
    if (bad) return `\`${bad.name}\` reads SQL from a file, writes one or runs a program`;
    const sql = o.flags.filter((f) => commandFlags.includes(f.name));
    // Without a statement on the command line it reads SQL from its input: anything may follow.
    if (sql.length === 0) return `no \`${commandFlags[0]}\` statement: SQL would come from the input`;
    for (const f of sql) {
      if (!f.value?.literal) return "SQL built from variables";
      const why = sqlWhyNotReadOnly(f.value.text);
      if (why) return why;
    }
    return undefined;
  };
}

const REDIS_READS = new Set(["ping", "info", "dbsize", "role", "get", "mget", "exists", "ttl", "pttl", "type", "strlen", "llen", "lrange", "lindex", "hget", "hmget", "hgetall", "hlen", "hkeys", "hvals", "hexists", "smembers", "scard", "sismember", "zcard", "zrange", "zscore", "zrank", "scan", "sscan", "hscan", "zscan", "time", "lastsave", "xlen", "xinfo", "xrange"]);
const REDIS_SUBREADS: Record<string, readonly string[]> = { config: ["get"], client: ["list", "info", "getname"], cluster: ["info", "nodes", "slots", "shards"], slowlog: ["get", "len"], memory: ["usage", "stats", "doctor"], latency: ["latest", "history", "doctor"], pubsub: ["channels", "numsub"] };

function redisCli(args: readonly ShellWord[]): string | undefined {
  const o = options(args, { short: "hpanusrid", long: ["--user", "--pass", "--cacert", "--cert", "--key", "--sni", "--tls-ciphers", "--pattern", "--quoted-pattern", "--count"] });
  const bad = has(o, "--rdb", "--pipe", "--eval", "--functions-rdb", "--cluster", "-x", "--replica");
  if (bad) return `\`${bad.name}\` may write or run something`;
  const cmd = word(o.positionals[0]);
  if (cmd === undefined) return "a command given by a variable";
  if (cmd === "") return has(o, "--scan", "--bigkeys", "--memkeys", "--hotkeys", "--stat", "--latency", "--latency-history") ? undefined : "no command: it would read commands from its input";
  const c = cmd.toLowerCase();
  if (REDIS_READS.has(c)) return undefined;
  const sub = word(o.positionals[1])?.toLowerCase() ?? "";
  return REDIS_SUBREADS[c]?.includes(sub) ? undefined : `\`${cmd}${sub ? ` ${sub}` : ""}\` is not a read-only command`;
}

const ACTING_GROUPS = new Set(["ssh", "scp", "exec", "run", "connect", "start-iap-tunnel", "invoke", "deploy", "execute"]);

/** `gcloud compute instances list`, `az vm show -n x`: the verb before the first flag reads. */
function cloudCli(reads: readonly string[], withName: readonly string[]) {
  return (args: readonly ShellWord[]): string | undefined => {
    const words: string[] = [];
    for (const a of args) {
      if (a.text.startsWith("-")) break;
      if (!a.literal) {
        words.push("$");
        continue;
      }
      words.push(a.text);
    }
    const last = words.at(-1) ?? "";
    const beforeLast = words.at(-2) ?? "";
    // Group names only: `gcloud compute ssh list` would log in to a machine called `list`.
    const groups = (n: number) => words.slice(0, n).every((w) => /^[a-z][a-z0-9-]*$/.test(w) && !ACTING_GROUPS.has(w));
    if (reads.includes(last) && groups(words.length - 1)) return undefined;
    if (withName.includes(beforeLast) && groups(words.length - 2)) return undefined;
    return `\`${words.join(" ")}\` is not a list or describe`;
  };
}

function awk(args: readonly ShellWord[]): string | undefined {
  const o = options(args, { short: "vF", single: [] });
  if (has(o, "-f", "--file", "-i", "--include", "-l", "--load", "-E", "--exec")) return "a program from a file";
  const program = o.positionals[0];
  if (!program?.literal) return "a program built from variables";
  // Conservative: `>` and `|` may be comparisons, but they may also write or run a command.
  if (/system|getline|[>|@]|fflush|close\s*\(/.test(program.text)) return "a program that may write or run a command";
  return undefined;
}

function find(args: readonly ShellWord[]): string | undefined {
  const bad = args.find((a) => ["-delete", "-exec", "-execdir", "-ok", "-okdir", "-fprint", "-fprint0", "-fprintf", "-fls"].includes(a.text));
  return bad ? `\`${bad.text}\` deletes, writes or runs a command` : undefined;
}

function onlyFlags(allowedPositionals = 0) {
  return (args: readonly ShellWord[]): string | undefined => (args.filter((a) => !a.text.startsWith("-")).length > allowedPositionals ? "arguments that may change state" : undefined);
}

/**
 * Variables that make programs run other programs or load code: setting one (`PAGER=x git log`,
 * `export LD_PRELOAD=…`) turns a read-only command into anything.
 */
export const PROGRAM_VARIABLES = /^(PATH|IFS|ENV|BASH_ENV|BASHOPTS|SHELLOPTS|PROMPT_COMMAND|PS4|HOME|LD_[A-Z_]*|[A-Z_]*PAGER|[A-Z_]*EDITOR|VISUAL|LESS[A-Z_]*|GIT_[A-Z_]*|CURL_HOME|XDG_[A-Z_]*|KUBECTL_[A-Z_]*|KUBE_EDITOR|PSQLRC|PSQL_[A-Z_]*|MYSQL_[A-Z_]*|PYTHON[A-Z_]*|NODE_OPTIONS|PERL5[A-Z_]*|RUBY[A-Z_]*|[A-Z_]*_COMMAND|[A-Z_]*_CMD)$/;

export function isProgramVariable(name: string): boolean {
  return PROGRAM_VARIABLES.test(name);
}

/** The read-only list. Every name here is in docs/import.md, with its `when`. */
export const READ_ONLY_COMMANDS: readonly ReadOnlyCommand[] = [
  {
    names: ["kubectl"],
    when: "`get`, `describe`, `logs`, `top`, `explain`, `events`, `wait`, `version`, `api-resources`, `api-versions`, `cluster-info` (not `dump`), `auth can-i`/`whoami`, `config view`/`get-contexts`/`current-context`, `rollout status`/`history`; only known global flags (`-n`, `--context`…) before the subcommand",
    check: verbs({ short: "nsv", long: KUBECTL_GLOBALS, globals: KUBECTL_GLOBALS, verbs: KUBECTL_VERBS }),
    examples: { readOnly: ["kubectl -n $NAMESPACE get pods -o wide", "kubectl --context prod logs deploy/api --tail 50", "kubectl rollout status deploy/api"], changes: ["kubectl delete pod x", "kubectl exec -it pod -- sh", "kubectl $VERB pods", "kubectl cluster-info dump", "kubectl --weird get pods"] },
  },
  {
    names: ["oc"],
    when: "as `kubectl`, and `whoami`, `status`, `projects`, `project` (no argument), `adm top`",
    check: verbs({ short: "nsv", long: KUBECTL_GLOBALS, globals: KUBECTL_GLOBALS, verbs: OC_VERBS }),
    examples: { readOnly: ["oc get clusterversion", "oc adm top nodes", "oc -n openshift-monitoring describe pod x"], changes: ["oc adm drain node-1", "oc project other", "oc rsh pod", "oc patch x --type merge -p '{}'"] },
  },
  {
    names: ["helm"],
    when: "`list`, `status`, `get`, `history`, `show`, `search`, `version`, `env`",
    check: verbs({ short: "n", long: ["-n", "--namespace", "--kube-context", "--kubeconfig"], globals: ["-n", "--namespace", "--kube-context", "--kubeconfig", "--debug"], verbs: { list: true, ls: true, status: true, get: true, history: true, hist: true, show: true, inspect: true, search: true, version: true, env: true } }),
    examples: { readOnly: ["helm -n monitoring list", "helm get values prometheus"], changes: ["helm upgrade x chart", "helm rollback x 3"] },
  },
  {
    names: ["etcdctl"],
    when: "`get`, `version`, `endpoint status`/`health`/`hashkv`, `member list`, `alarm list`",
    check: verbs({ short: "w", long: ["--endpoints", "--cacert", "--cert", "--key", "--user", "--password", "-w", "--write-out", "--command-timeout", "--dial-timeout"], globals: ["--endpoints", "--cacert", "--cert", "--key", "--user", "--password", "-w", "--write-out", "--command-timeout", "--dial-timeout", "--insecure-skip-tls-verify", "--insecure-transport", "--hex", "--debug"], verbs: { get: true, version: true, endpoint: ["status", "health", "hashkv"], member: ["list"], alarm: ["list"] } }),
    examples: { readOnly: ["etcdctl endpoint health --cluster", "etcdctl -w table member list"], changes: ["etcdctl defrag", "etcdctl del /key", "etcdctl alarm disarm"] },
  },
  {
    names: ["patronictl", "gitlab-patronictl"],
    when: "`list`, `topology`, `show-config`, `history`, `version`, `dsn`",
    check: verbs({ short: "cd", long: ["--config-file", "--dcs-url"], globals: ["-c", "--config-file", "-d", "--dcs-url"], verbs: { list: true, topology: true, "show-config": true, history: true, version: true, dsn: true } }),
    examples: { readOnly: ["gitlab-patronictl list", "patronictl -c /etc/patroni.yml topology"], changes: ["patronictl switchover", "gitlab-patronictl restart pg-cluster"] },
  },
  {
    names: ["systemctl"],
    when: "`status`, `show`, `cat`, `is-active`, `is-enabled`, `is-failed`, `list-units`, `list-unit-files`, `list-timers`, `list-sockets`, `list-dependencies`",
    check: verbs({ short: "HMtpno", long: ["--host", "--machine", "--type", "--state", "--property", "--lines", "--output"], globals: ["--no-pager", "--user", "--system", "-a", "--all", "-l", "--full", "-q", "--quiet", "--no-legend", "-t", "--type", "--state", "-p", "--property", "-n", "--lines", "-o", "--output", "--plain", "-H", "--host"], verbs: Object.fromEntries(["status", "show", "cat", "is-active", "is-enabled", "is-failed", "is-system-running", "list-units", "list-unit-files", "list-timers", "list-sockets", "list-dependencies", "list-jobs"].map((v) => [v, true])) }),
    examples: { readOnly: ["systemctl status patroni", "systemctl --no-pager is-active kubelet"], changes: ["systemctl restart kubelet", "systemctl reload patroni"] },
  },
  {
    names: ["journalctl"],
    when: "without `--vacuum-*`, `--rotate`, `--flush`, `--sync`, `--relinquish-var`, `--setup-keys`, `--update-catalog`",
    check: refusing(["--vacuum*", "--rotate", "--flush", "--sync", "--relinquish-var", "--smart-relinquish-var", "--setup-keys", "--update-catalog"]),
    examples: { readOnly: ["journalctl -u kubelet --since '1 hour ago' --no-pager"], changes: ["journalctl --vacuum-time=2d"] },
  },
  {
    names: ["docker", "podman"],
    when: "`ps`, `images`, `logs`, `inspect`, `top`, `port`, `stats`, `history`, `version`, `info`, and `container`/`image`/`network`/`volume`/`system` `ls`/`inspect`/`df`…",
    check: verbs({ short: "Hcl", long: ["--host", "--context", "--config", "--log-level"], globals: ["-H", "--host", "--context", "-c", "--config", "-l", "--log-level", "-D", "--debug"], verbs: { ps: true, images: true, logs: true, inspect: true, top: true, port: true, stats: true, history: true, version: true, info: true, container: ["ls", "list", "ps", "inspect", "logs", "top", "port", "stats"], image: ["ls", "list", "inspect", "history"], network: ["ls", "list", "inspect"], volume: ["ls", "list", "inspect"], system: ["df", "info"], compose: ["ps", "logs", "config", "images", "ls", "top", "version"] } }),
    examples: { readOnly: ["docker ps -a", "docker image ls", "podman logs --tail 20 web"], changes: ["docker rm -f web", "docker exec web sh", "docker volume rm data"] },
  },
  {
    names: ["crictl"],
    when: "`ps`, `pods`, `images`, `logs`, `inspect`, `inspectp`, `inspecti`, `info`, `version`, `stats`, `statsp`, `imagefsinfo`",
    check: verbs({ short: "rict", long: ["--runtime-endpoint", "--image-endpoint", "--timeout", "--config"], globals: ["-r", "--runtime-endpoint", "-i", "--image-endpoint", "-t", "--timeout", "-c", "--config", "-D", "--debug"], verbs: Object.fromEntries(["ps", "pods", "images", "img", "logs", "inspect", "inspectp", "inspecti", "info", "version", "stats", "statsp", "imagefsinfo"].map((v) => [v, true])) }),
    examples: { readOnly: ["crictl ps -a", "crictl logs abc123"], changes: ["crictl rm abc123", "crictl stopp abc"] },
  },
  {
    names: ["git"],
    when: "`status`, `log`, `diff`, `show`, `rev-parse`, `ls-files`, `ls-remote`, `describe`, `blame`, `shortlog`; `branch` and `remote` only listing; `config --get`/`--list`; never `-c` or `--output`",
    check: (args) => {
      const base = verbs({ short: "C", long: ["--git-dir", "--work-tree"], globals: ["-C", "--git-dir", "--work-tree", "--no-pager", "-P", "--bare"], refuse: ["--output"], verbs: { status: true, log: true, diff: true, show: true, "rev-parse": true, "ls-files": true, "ls-remote": true, describe: true, blame: true, shortlog: true, branch: true, remote: ["", "show", "get-url"], config: true } })(args);
      if (base) return base;
      const o = options(args, { short: "C" });
      const verb = o.positionals[0]?.text;
      if (verb === "branch" && (o.positionals.length > 1 || o.flags.some((f) => f.at > o.firstPositionalAt && !["-a", "--all", "-r", "--remotes", "-v", "--verbose", "-l", "--list", "--show-current", "--contains", "--merged", "--no-merged", "--format", "--sort", "--color", "--no-color"].includes(f.name)))) return "`branch` that is not a listing";
      if (verb === "remote" && o.flags.some((f) => f.at > o.firstPositionalAt && !["-v", "--verbose"].includes(f.name))) return "`remote` that is not a listing";
      if (verb === "config" && !has(o, "--get", "--get-all", "--get-regexp", "--list", "-l")) return "`config` without `--get` or `--list` sets a value";
      return undefined;
    },
    examples: { readOnly: ["git status", "git -C repo log --oneline -5", "git branch -a", "git config --get user.name"], changes: ["git push", "git branch -D old", "git config user.name x", "git -c core.pager=x log"] },
  },
  {
    names: ["curl"],
    when: "a GET or HEAD: no `-X`/`--request` other than `GET`/`HEAD`, no body (`-d`, `--data*`, `--json`, `-F`, `-T`), no output file (`-o`/`-O`/`-D`/`-c` other than `-` or `/dev/null`), no `-K` config file",
    check: curl,
    examples: { readOnly: ["curl -s http://localhost:9090/-/healthy", "curl -sSfL -H 'Accept: application/json' \"$URL/status\"", "curl -XGET -o /dev/null -w '%{http_code}' $URL"], changes: ["curl -sX POST \"$URL/tasks\" -d '{}'", "curl --request=DELETE $URL", "curl -o out.json $URL", "curl -d x=1 $URL", "curl -sXPUT $URL"] },
  },
  {
    names: ["psql", "gitlab-psql"],
    when: "with `-c`/`--command` statements that only read (`SELECT`, `SHOW`, `EXPLAIN` without `ANALYZE`, `\\d…`; only read-only functions; no `INTO`, `FOR UPDATE`, `SET`…); never `-f`, `-o`, `-L`, nor SQL from the input",
    check: sqlClient(["-c", "--command"], ["-f", "--file", "-o", "--output", "-L", "--log-file"], PSQL),
    examples: { readOnly: ["psql \"$PRIMARY_URL\" -tAc 'select pg_is_in_recovery()'", "gitlab-psql -qtc \"SELECT count(*) FROM pg_stat_activity WHERE state <> 'idle'\"", "psql -c '\\dt+'"], changes: ["psql -c 'drop table t'", "psql -c 'select pg_terminate_backend(123)'", "psql -f fix.sql", "psql -c 'select 1; delete from t'", "psql -c \"select * from $TABLE\"", "psql"] },
  },
  {
    names: ["mysql", "mariadb"],
    when: "with `-e`/`--execute` statements that only read (as `psql`); never `--tee`, `--pager`, `--init-command`, `--defaults*-file`",
    check: sqlClient(["-e", "--execute"], ["--tee", "--pager", "--init-command", "--defaults-file", "--defaults-extra-file"], { short: "ehPuDS", long: ["--execute", "--host", "--port", "--user", "--database", "--socket"] }),
    examples: { readOnly: ["mysql -e 'SHOW ALL SLAVES STATUS\\G'", "mariadb -u root -e 'select @@read_only'"], changes: ["mysql -e 'SET GLOBAL read_only=1'", "mysql < dump.sql", "mysql -e 'FLUSH TABLES WITH READ LOCK'"] },
  },
  {
    names: ["redis-cli"],
    when: "a read command (`ping`, `info`, `get`, `ttl`, `scan`, `config get`, `client list`, `slowlog get`…) or a `--scan`/`--bigkeys`/`--stat` mode; never `--pipe`, `--eval`, `--rdb`, `--cluster`",
    check: redisCli,
    examples: { readOnly: ["redis-cli -h cache-1 info replication", "redis-cli --scan --pattern 'sess:*'", "redis-cli config get maxmemory"], changes: ["redis-cli flushall", "redis-cli config set maxmemory 1gb", "redis-cli"] },
  },
  {
    names: ["aws"],
    when: "a `describe-*` or `list-*` operation, `s3 ls`, `sts get-caller-identity`",
    check: (args) => {
      const o = options(args, { long: ["--region", "--profile", "--output", "--query", "--endpoint-url", "--color", "--cli-read-timeout", "--cli-connect-timeout"] });
      const [service, op] = [word(o.positionals[0]), word(o.positionals[1])];
      if (service === undefined || op === undefined) return "a service or operation given by a variable";
      if (/^(describe|list)-/.test(op) || (service === "s3" && op === "ls") || (service === "sts" && op === "get-caller-identity")) return undefined;
      return `\`${service} ${op}\` is not a describe or list operation`;
    },
    examples: { readOnly: ["aws rds describe-db-instances --db-instance-identifier db-1", "aws --region eu-west-1 eks list-clusters", "aws s3 ls s3://bucket/"], changes: ["aws rds reboot-db-instance --db-instance-identifier db-1", "aws s3 cp a s3://b/a"] },
  },
  {
    names: ["gcloud", "az"],
    when: "the words before the first flag end in `list` or `describe`/`show` (and a name)",
    check: (args, name) => cloudCli(["list", ...(name === "az" ? ["show"] : ["describe"])], name === "az" ? ["show"] : ["describe"])(args),
    examples: { readOnly: ["gcloud compute instances list --filter name~patroni", "gcloud compute instances describe vm-1 --zone europe-west1-b", "az vm show -g rg -n vm"], changes: ["gcloud compute instances delete vm-1", "gcloud --project p compute instances list", "az vm restart -g rg -n vm"] },
  },
  {
    names: ["terraform"],
    when: "`show`, `output`, `version`, `validate`, `providers` (or `providers schema`), `graph`, `state list`/`show`/`pull`, `workspace list`/`show`",
    check: (args) => {
      const rest = args.filter((a) => !(a.literal && a.text.startsWith("-chdir=")));
      return verbs({ globals: [], verbs: { show: true, output: true, version: true, validate: true, providers: ["", "schema"], graph: true, state: ["list", "show", "pull"], workspace: ["list", "show"] } })(rest);
    },
    examples: { readOnly: ["terraform -chdir=env/prod output", "terraform state list"], changes: ["terraform apply", "terraform plan -out plan", "terraform state rm x"] },
  },
  {
    names: ["orchestrator-client"],
    when: "`-c` with `clusters`, `clusters-alias`, `topology`, `topology-tabulated`, `topology-tags`, `which-*`, `all-instances`, `replication-analysis`, `tags`, `tag-value`, `tagged`, `help`",
    check: (args) => {
      const c = options(args, { short: "cabdituslpT" }).flags.find((f) => f.name === "-c")?.value;
      if (!c?.literal) return "no `-c` command, or one given by a variable";
      return /^(clusters|clusters-alias|topology|topology-tabulated|topology-tags|which-[a-z-]+|all-instances|replication-analysis|tags|tag-value|tagged|help|instance|search)$/.test(c.text) ? undefined : `\`-c ${c.text}\` is not a read-only command`;
    },
    examples: { readOnly: ["orchestrator-client -c topology -i db-1:3306", "orchestrator-client -c which-cluster-master -a main"], changes: ["orchestrator-client -c graceful-master-takeover -a main", "orchestrator-client -c api -path x"] },
  },
  {
    names: ["consul"],
    when: "`members`, `info`, `version`, `catalog services`/`nodes`/`datacenters`, `kv get`",
    check: verbs({ globals: [], verbs: { members: true, info: true, version: true, catalog: ["services", "nodes", "datacenters"], kv: ["get"] } }),
    examples: { readOnly: ["consul members", "consul kv get -recurse service/"], changes: ["consul kv put a b", "consul maint -enable"] },
  },
  {
    names: ["ceph"],
    when: "`status`, `-s`, `health`, `df`, `versions`, `osd tree`/`df`/`stat`/`status`/`perf`/`ls`, `pg stat`, `mon stat`, `fs status`/`ls`",
    check: (args) => {
      if (args.length === 1 && args[0]?.text === "-s") return undefined;
      return verbs({ globals: ["-s", "--status"], verbs: { status: true, health: true, df: true, versions: true, version: true, osd: ["tree", "df", "stat", "status", "perf", "ls"], pg: ["stat"], mon: ["stat"], fs: ["status", "ls"] } })(args);
    },
    examples: { readOnly: ["ceph status", "ceph -s", "ceph osd tree"], changes: ["ceph osd set noout", "ceph osd pool delete p"] },
  },
  {
    names: ["velero"],
    when: "`version`, `get …`, and `backup`/`restore`/`schedule` `get`/`describe`/`logs`",
    check: verbs({ short: "n", long: ["--namespace", "--kubeconfig", "--kubecontext"], globals: ["-n", "--namespace", "--kubeconfig", "--kubecontext"], verbs: { version: true, get: true, backup: ["get", "describe", "logs"], restore: ["get", "describe", "logs"], schedule: ["get", "describe"] } }),
    examples: { readOnly: ["velero backup get", "velero restore describe r-1 --details"], changes: ["velero restore create --from-backup b", "velero backup delete b"] },
  },
  {
    names: ["promtool"],
    when: "`check …`, `query …`, `--version`",
    check: (args) => (args.length === 1 && args[0]?.text === "--version" ? undefined : verbs({ globals: [], verbs: { check: true, query: true } })(args)),
    examples: { readOnly: ["promtool check rules rules.yml", "promtool query instant http://localhost:9090 up"], changes: ["promtool tsdb create-blocks-from openmetrics x"] },
  },
  {
    names: ["amtool"],
    when: "`alert`/`alert query`, `silence query`, `config show`, `check-config`",
    check: (args) => {
      const o = options(args, { long: ["--alertmanager.url", "--output"] });
      const [a, b] = [word(o.positionals[0]), word(o.positionals[1])];
      if (a === "alert" && (b === "" || b === "query" || b === undefined)) return b === undefined ? "a subcommand given by a variable" : undefined;
      if ((a === "silence" && b === "query") || (a === "config" && (b === "" || b === "show")) || a === "check-config") return undefined;
      return `\`${a ?? "(a variable)"} ${b ?? ""}\` is not read-only`;
    },
    examples: { readOnly: ["amtool alert query alertname=Foo", "amtool silence query"], changes: ["amtool silence add alertname=Foo", "amtool silence expire abc"] },
  },
  {
    names: ["vault"],
    when: "`status`, `version` (`vault read` may create credentials)",
    check: verbs({ globals: [], verbs: { status: true, version: true } }),
    examples: { readOnly: ["vault status"], changes: ["vault read database/creds/app", "vault write x y=z"] },
  },
  {
    names: ["openssl"],
    when: "`x509`, `s_client`, `verify`, `version`, without `-out`/`-keyout`",
    check: (args) => {
      const sub = word(args[0]);
      if (!sub || !["x509", "s_client", "verify", "version"].includes(sub)) return `\`${sub ?? "(a variable)"}\` is not a read-only subcommand`;
      return args.some((a) => /^-(out|keyout|sess_out|keylogfile)\b/.test(a.text)) ? "writes a file" : undefined;
    },
    examples: { readOnly: ["openssl x509 -in cert.pem -noout -enddate", "openssl s_client -connect host:443 -servername host"], changes: ["openssl req -new -key k -out csr", "openssl x509 -in a -out b"] },
  },
  {
    names: ["ip"],
    when: "`addr`, `link`, `route`, `neigh`, `rule` with nothing after or `show`/`list`/`get`; never `-b`/`-batch`",
    check: (args) => {
      if (args.some((a) => /^-(b|batch|force)$/.test(a.text))) return "a batch file may change anything";
      const pos = args.filter((a) => !a.text.startsWith("-"));
      const [object, action] = [word(pos[0]), word(pos[1])];
      if (!object || !["addr", "address", "a", "link", "l", "route", "r", "neigh", "n", "rule", "ru"].includes(object)) return `\`${object ?? "(a variable)"}\` is not a listing`;
      return action === "" || (action !== undefined && ["show", "list", "ls", "lst", "get"].includes(action)) ? undefined : `\`${object} ${action ?? ""}\` changes the network`;
    },
    examples: { readOnly: ["ip addr", "ip -br a show", "ip route get 10.0.0.1"], changes: ["ip link set eth0 down", "ip route add default via 10.0.0.1"] },
  },
  {
    names: ["find"],
    when: "without `-delete`, `-exec`, `-execdir`, `-ok`, `-okdir`, `-fprint*`, `-fls`",
    check: find,
    examples: { readOnly: ["find /var/log -name '*.gz' -mtime +7"], changes: ["find /tmp -name x -delete", "find . -exec rm {} +"] },
  },
  {
    names: ["awk", "gawk"],
    when: "a program on the command line without `system`, `getline`, `>`, `|`, `@` (`@load`, `@include`), `fflush`, `close(` (so a comparison with `>` counts as writing)",
    check: awk,
    examples: { readOnly: ["awk '{print $1}'", "awk -F: '/x/ {n++} END {print n}'"], changes: ["awk '{print > \"out\"}'", "awk 'BEGIN {system(\"rm x\")}'", "awk -f prog.awk"] },
  },
  {
    names: ["sort"],
    when: "without `-o`/`--output` or `--compress-program`",
    check: refusing(["-o", "--output", "--compress-program"], { short: "ktSTo" }),
    examples: { readOnly: ["sort -k2 -n", "sort -u"], changes: ["sort -o out.txt in.txt"] },
  },
  {
    names: ["uniq"],
    when: "with at most one file (a second one is written)",
    check: onlyFlags(1),
    examples: { readOnly: ["uniq -c"], changes: ["uniq in.txt out.txt"] },
  },
  {
    names: ["yq"],
    when: "without `-i`/`--inplace`",
    check: refusing(["-i", "--inplace"]),
    examples: { readOnly: ["yq '.spec' file.yaml"], changes: ["yq -i '.a = 1' file.yaml"] },
  },
  {
    names: ["date"],
    when: "without `-s`/`--set` or a time to set",
    check: (args) => {
      for (let i = 0; i < args.length; i++) {
        const t = args[i]?.text ?? "";
        if (/^(-s|--set)/.test(t)) return "sets the clock";
        // A word that is not a flag, a `+format` or the value of `-d`/`-r`/`-f` is a time to set.
        if (!t.startsWith("-") && !t.startsWith("+") && !/^(-d|--date|-r|--reference|-f|--file)$/.test(args[i - 1]?.text ?? "")) return "sets the clock";
      }
      return undefined;
    },
    examples: { readOnly: ["date -u +%FT%TZ", "date -d '1 hour ago'"], changes: ["date -s '2020-01-01'", "date 010100002020"] },
  },
  {
    names: ["hostname", "env", "mount", "timedatectl", "hostnamectl"],
    when: "with flags only, no other arguments (`hostname name` renames, `env cmd` runs a command, `mount dev dir` mounts); `timedatectl`/`hostnamectl` also `status`/`show`",
    check: (args, name) => {
      const pos = args.filter((a) => !a.text.startsWith("-"));
      if ((name === "timedatectl" || name === "hostnamectl") && pos.length === 1 && ["status", "show"].includes(pos[0]?.text ?? "")) return undefined;
      if (name === "hostname" && args.some((a) => /^(-F|--file|-b|--boot)/.test(a.text))) return "sets the host name";
      return pos.length ? "arguments that may change state or run a command" : undefined;
    },
    examples: { readOnly: ["hostname -f", "env", "mount", "timedatectl status"], changes: ["hostname db-2", "env X=1 rm -rf y", "mount /dev/sdb /mnt", "timedatectl set-time 10:00"] },
  },
  {
    names: ["top"],
    when: "with `-b` (batch mode)",
    check: (args) => (args.some((a) => /^-[a-zA-Z]*b/.test(a.text)) ? undefined : "interactive without `-b`"),
    examples: { readOnly: ["top -b -n 1"], changes: ["top"] },
  },
  {
    names: ["dmesg"],
    when: "without `-c`, `-C`, `--clear`, `-n`, `-D`, `-E`",
    check: refusing(["-c", "-C", "--clear", "--read-clear", "-n", "--console-level", "-D", "--console-off", "-E", "--console-on"], { short: "fln" }),
    examples: { readOnly: ["dmesg -T | tail"], changes: ["dmesg -c"] },
  },
  {
    names: ["ss"],
    when: "without `-K`/`--kill`",
    check: refusing(["-K", "--kill"], { short: "fAF" }),
    examples: { readOnly: ["ss -tlnp"], changes: ["ss -K dst 10.0.0.1"] },
  },
  {
    names: ["command"],
    when: "`-v` or `-V` (otherwise it runs its argument)",
    check: (args) => (args[0]?.text === "-v" || args[0]?.text === "-V" ? undefined : "runs its argument"),
    examples: { readOnly: ["command -v kubectl"], changes: ["command rm x"] },
  },
  {
    names: ["export", "read", "printf"],
    when: "any arguments, but a variable that makes programs run others (`PAGER`, `GIT_*`, `LD_*`, `BASH_ENV`, `PATH`… see below) is not set",
    check: (args) => {
      const named = args.filter((a, i) => /^[A-Za-z_]/.test(a.text) && (args[i - 1]?.text === "-v" || !/^-/.test(a.text)));
      const bad = named.find((a) => /^[A-Za-z_][A-Za-z0-9_]*(=|$)/.test(a.text) && isProgramVariable(a.text.split("=")[0] ?? ""));
      return bad ? `sets \`${bad.text.split("=")[0]}\`, which makes programs run others` : undefined;
    },
    examples: { readOnly: ["export NS=prod", "read -r line", "printf '%s\\n' x"], changes: ["export PAGER='rm -rf ~'", "printf -v GIT_PAGER x", "read LD_PRELOAD"] },
  },
  {
    names: ["set", "unset", "cd", "exit", "true", "false", ":", "test", "[", "[[", "sleep", "pwd", "wait"],
    when: "any arguments: they change only the block's own shell",
    examples: { readOnly: ["set -euo pipefail", "cd /tmp && ls"], changes: [] },
  },
  {
    names: [
      "cat", "head", "tail", "grep", "egrep", "fgrep", "zgrep", "zcat", "wc", "cut", "tr", "column", "nl", "tac", "rev", "fold", "paste", "comm", "cmp", "diff", "jq", "echo",
      "whoami", "id", "uname", "uptime", "ls", "stat", "du", "df", "free", "ps", "pgrep", "pidof", "lsof", "netstat", "dig", "nslookup", "host", "ping", "traceroute",
      "which", "type", "printenv", "basename", "dirname", "realpath", "readlink", "base64", "sha256sum", "sha1sum", "md5sum", "seq", "nproc", "lscpu", "lsblk", "findmnt", "getent", "vmstat", "iostat",
    ],
    when: "any arguments",
    examples: { readOnly: ["cat /etc/os-release", "grep -c error app.log", "jq -r '.items[].metadata.name'", "echo done", "df -h"], changes: [] },
  },
];
