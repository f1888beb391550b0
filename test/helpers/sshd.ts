import { execa } from "execa";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { afterEach } from "vitest";
import { createConnection, createServer } from "node:net";
import os from "node:os";
import path from "node:path";

export const SSHD = "/usr/sbin/sshd";
export const hasSshd = existsSync(SSHD) && existsSync("/usr/bin/ssh");
/** CI sets RUNBOOK_REQUIRE_SSHD=1: there a missing OpenSSH server fails these tests instead of skipping them. */
export const sshdRequired = process.env.RUNBOOK_REQUIRE_SSHD === "1";
if (!hasSshd && !sshdRequired) console.warn("SSH tests skipped: no /usr/sbin/sshd (apt-get install openssh-server); CI installs it and requires them");

/** Real OpenSSH servers on 127.0.0.1, one per "machine", and an ssh_config naming them by alias. */
export interface SshLab {
  readonly dir: string;
  /** Give it to runbook as RUNBOOK_SSH_CONFIG (it is `ssh -F`). */
  readonly configFile: string;
  readonly ports: readonly number[];
  /** Which server each alias reaches. */
  readonly aliases: Readonly<Record<string, number>>;
  /** Stops server `i` and every connection it holds: its hosts become unreachable. */
  stop(i: number): Promise<void>;
  /** Runs a command on an alias, as the tests' own check. */
  ssh(alias: string, command: string): Promise<{ exitCode: number | undefined; stdout: string }>;
  close(): Promise<void>;
}

/**
 * Starts `servers` sshd processes, each on its own free port with its own host key, all accepting
 * one test user key (the user running the tests; root logs in by key only), and writes an ssh_config
 * giving each alias its server. Waits until every port accepts: no fixed sleeps.
 */
export async function startSshLab(servers: number, aliases: Readonly<Record<string, number>>): Promise<SshLab> {
  // Short: the control sockets (ControlPath) and sshd's own paths stay far below the 104-byte limit.
  const dir = await mkdtemp(path.join(os.tmpdir().length > 20 ? "/tmp" : os.tmpdir(), "rbssh-"));
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  const keygen = (file: string) => execa("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", file]);
  await keygen(path.join(dir, "user_key"));
  await writeFile(path.join(dir, "authorized_keys"), readFileSync(path.join(dir, "user_key.pub")));
  const user = os.userInfo().username;
  const ports: number[] = [];
  const procs: Server[] = [];
  const known: string[] = [];
  for (let i = 0; i < servers; i++) {
    const key = path.join(dir, `host_key_${i}`);
    await keygen(key);
    const port = await freePort();
    ports.push(port);
    known.push(`[127.0.0.1]:${port} ${readFileSync(`${key}.pub`, "utf8").split(" ").slice(0, 2).join(" ")}`);
    const config = path.join(dir, `sshd_config_${i}`);
    await writeFile(config, [
      `Port ${port}`, "ListenAddress 127.0.0.1", `HostKey ${key}`, `PidFile ${path.join(dir, `sshd_${i}.pid`)}`,
      `AuthorizedKeysFile ${path.join(dir, "authorized_keys")}`, "StrictModes no", "UsePAM no",
      "PermitRootLogin prohibit-password", "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PubkeyAuthentication yes",
      "MaxSessions 200", "MaxStartups 200:30:400", "LogLevel ERROR", "",
    ].join("\n"));
    procs.push(execa(SSHD, ["-D", "-e", "-f", config], { detached: true, reject: false, stdin: "ignore", stdout: "ignore", stderr: "pipe", cleanup: true }));
  }
  await writeFile(path.join(dir, "known_hosts"), known.join("\n") + "\n");
  const configFile = path.join(dir, "ssh_config");
  const hostBlock = (alias: string, server: number) => [
    `Host ${alias}`, "  HostName 127.0.0.1", `  Port ${ports[server]}`, `  User ${user}`, `  IdentityFile ${path.join(dir, "user_key")}`, "  IdentitiesOnly yes",
    `  UserKnownHostsFile ${path.join(dir, "known_hosts")}`, "  StrictHostKeyChecking yes", "  LogLevel ERROR", "  ConnectTimeout 5",
  ].join("\n");
  await writeFile(configFile, Object.entries(aliases).map(([a, s]) => hostBlock(a, s)).join("\n") + "\n");
  await Promise.all(ports.map((p, i) => waitForPort(p, procs[i]!)));
  const stop = async (i: number) => {
    const p = procs[i];
    if (!p?.pid) return;
    // The listener and every connection it forked: those leave its group, so find them by parent.
    for (const pid of descendants(p.pid)) signal(pid);
    signal(-p.pid);
    await p;
  };
  return {
    dir, configFile, ports, aliases, stop,
    async ssh(alias, command) {
      const r = await execa("ssh", ["-F", configFile, "-o", "BatchMode=yes", alias, command], { reject: false, stdin: "ignore", timeout: 20_000 });
      return { exitCode: r.exitCode, stdout: String(r.stdout) };
    },
    async close() {
      for (let i = 0; i < procs.length; i++) await stop(i);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * For a test file: `lab()` starts a lab whose hosts are `names` (each its own server), and every
 * lab started is closed after each test.
 */
export function labsFor(names: readonly string[]): () => Promise<SshLab> {
  const labs: SshLab[] = [];
  afterEach(async () => {
    await Promise.all(labs.splice(0).map((l) => l.close()));
  });
  return async () => {
    const l = await startSshLab(names.length, Object.fromEntries(names.map((n, i) => [n, i])));
    labs.push(l);
    return l;
  };
}

/** A shorthand lab: app-1…app-5, db-1 and db-2, each its own server. */
export function standardLab(): Promise<SshLab> {
  const names = ["app-1", "app-2", "app-3", "app-4", "app-5", "db-1", "db-2"];
  return startSshLab(names.length, Object.fromEntries(names.map((n, i) => [n, i])));
}

type Server = PromiseLike<{ stderr: unknown }> & { readonly pid?: number | undefined };

function signal(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Gone already.
  }
}

/** Every process below `root`, from /proc. */
function descendants(root: number): number[] {
  const parent = new Map<number, number>();
  for (const e of readdirSync("/proc")) {
    const pid = Number(e);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      parent.set(pid, Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // Gone.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parent) {
      if (pp !== p || out.includes(c)) continue;
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      server.close(() => (a && typeof a === "object" ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

/** Polls until the port accepts a connection (or the server died, or 15 s passed). */
async function waitForPort(port: number, proc: Server): Promise<void> {
  let exited = false;
  void Promise.resolve(proc).then(() => (exited = true));
  for (const until = Date.now() + 15_000; Date.now() < until; ) {
    if (exited) throw new Error(`sshd on port ${port} exited: ${String((await proc).stderr)}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = createConnection({ port, host: "127.0.0.1" });
      c.once("connect", () => (c.destroy(), resolve(true)));
      c.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`sshd on port ${port} never accepted a connection`);
}
