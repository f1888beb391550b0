import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * How a block reaches a host: OpenSSH as the operator uses it (their ~/.ssh/config aliases, keys,
 * ProxyJump), never asking for a password (BatchMode), one connection per host reused by every block
 * (ControlMaster). The script goes on stdin, so no param, and no secret, is ever on a command line.
 */
export interface SshOptions {
  /** `-F`: an ssh_config to use instead of ~/.ssh/config (`RUNBOOK_SSH_CONFIG`). */
  readonly configFile?: string | undefined;
  /** Where the shared connections' sockets live: short, as a socket path may not pass 104 bytes. */
  readonly controlDir: string;
}

export function sshArgs(destination: string, shell: readonly string[], o: SshOptions): string[] {
  return [
    ...(o.configFile ? ["-F", o.configFile] : []),
    "-o", "BatchMode=yes",
    "-o", "ControlMaster=auto",
    "-o", `ControlPath=${o.controlDir}/%C`,
    "-o", "ControlPersist=60",
    "-T",
    "--",
    destination,
    `${shell.join(" ")} -s`,
  ];
}

/** A private folder for the control sockets, made once: /tmp/runbook-ssh-<uid>. */
export function controlDir(): string {
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  const dir = path.join(os.tmpdir().length > 40 ? "/tmp" : os.tmpdir(), `runbook-ssh-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** A value as one shell word, whatever it holds. */
export function shellQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

/**
 * The script a host runs: the block's environment as `export` lines, then the rest in braces, so
 * the shell reads it whole before running any of it (a connection cut mid-script runs nothing).
 *
 * The block runs in a subshell with its stdin from /dev/null (a command that reads stdin finds it
 * empty, as a block here does). The script's own stdin stays open as long as the runner's `ssh`
 * lives: a watcher reads it, and when it ends (the runner stopped `ssh` on a timeout or an
 * interruption, or died and a resume stopped what it left, or the connection dropped) it signals
 * the remote process group (sshd makes each session's its own), so the block stops on the host too
 * and does not run on unseen. When the block ends by itself the watcher is stopped, and what the
 * block left running in the background stays, as it does here.
 */
export function remoteScript(env: Readonly<Record<string, string>>, source: string): string {
  const lines = Object.entries(env)
    .filter(([k]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
    .map(([k, v]) => `export ${k}=${shellQuote(v)}`);
  return [
    ...lines,
    "{",
    "exec 3<&0",
    "( while IFS= read -r _ <&3; do :; done; kill -TERM 0 ) >/dev/null 2>&1 &",
    "__runbook_watch=$!",
    "exec 3<&-",
    `trap 'kill "$__runbook_watch" 2>/dev/null || :' EXIT`,
    "(",
    source.replace(/\n?$/, ""),
    ") </dev/null",
    // stdin stays open: without it the shell would wait there for more script.
    "exit",
    "}",
    "",
  ].join("\n");
}
