// Real OpenSSH servers on 127.0.0.1 for the fan-out bench (the tests have their own, test/helpers/sshd.ts):
// `servers` sshd processes, `aliases` host aliases spread over them in an ssh_config.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import os from "node:os";
import path from "node:path";

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const accepts = (port) =>
  new Promise((resolve) => {
    const c = createConnection({ port, host: "127.0.0.1" });
    c.once("connect", () => (c.destroy(), resolve(true)));
    c.once("error", () => resolve(false));
  });

export async function sshLab(servers, aliases) {
  const dir = mkdtempSync("/tmp/rbbench-");
  mkdirSync("/run/sshd", { recursive: true });
  const keygen = (f) => spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", f]);
  keygen(path.join(dir, "user_key"));
  writeFileSync(path.join(dir, "authorized_keys"), readFileSync(path.join(dir, "user_key.pub")));
  const procs = [];
  const ports = [];
  const known = [];
  for (let i = 0; i < servers; i++) {
    const key = path.join(dir, `host_${i}`);
    keygen(key);
    const port = await freePort();
    ports.push(port);
    known.push(`[127.0.0.1]:${port} ${readFileSync(`${key}.pub`, "utf8").split(" ").slice(0, 2).join(" ")}`);
    const cfg = path.join(dir, `sshd_${i}`);
    writeFileSync(cfg, [`Port ${port}`, "ListenAddress 127.0.0.1", `HostKey ${key}`, `PidFile ${dir}/sshd_${i}.pid`, `AuthorizedKeysFile ${dir}/authorized_keys`, "StrictModes no", "UsePAM no", "PermitRootLogin prohibit-password", "PasswordAuthentication no", "MaxSessions 200", "MaxStartups 200:30:400", "LogLevel ERROR", ""].join("\n"));
    procs.push(spawn("/usr/sbin/sshd", ["-D", "-e", "-f", cfg], { detached: true, stdio: "ignore" }));
  }
  writeFileSync(path.join(dir, "known_hosts"), known.join("\n") + "\n");
  const user = os.userInfo().username;
  const config = path.join(dir, "ssh_config");
  writeFileSync(config, aliases.map((a, i) => [`Host ${a}`, "  HostName 127.0.0.1", `  Port ${ports[i % servers]}`, `  User ${user}`, `  IdentityFile ${dir}/user_key`, "  IdentitiesOnly yes", `  UserKnownHostsFile ${dir}/known_hosts`, "  StrictHostKeyChecking yes", "  LogLevel ERROR"].join("\n")).join("\n") + "\n");
  for (const p of ports) for (let t = 0; !(await accepts(p)); t++) if (t > 600) throw new Error(`sshd on ${p} never accepted`);
  return {
    dir,
    config,
    close() {
      for (const p of procs) {
        try {
          process.kill(-p.pid, "SIGKILL");
        } catch {
          // gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
