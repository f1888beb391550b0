import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { RunRefusedError, UsageError } from "../core/errors.js";

/**
 * SSH signatures with `ssh-keygen -Y` (OpenSSH 8.2+), the same ones git verifies for signed commits.
 * Every signature here is in the `runbook` namespace, so a signature made for a commit or for
 * anything else can never stand for an approval.
 */
export const NAMESPACE = "runbook";
/** The namespace git signs and verifies commits in: journal commits use it, so `git verify-commit` checks them too. */
export const GIT_NAMESPACE = "git";

async function sshKeygen(args: readonly string[], input: Buffer | undefined): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  // detached: no controlling terminal, so a key with a passphrase fails at once instead of asking on
  // /dev/tty (under a run's screen, at 3 a.m.).
  const r = await execa("ssh-keygen", args, { reject: false, encoding: "buffer", detached: true, ...(input ? { input } : { stdin: "ignore" as const }), env: { SSH_ASKPASS_REQUIRE: "never" }, timeout: 60_000 });
  if ((r as { code?: string }).code === "ENOENT") throw new RunRefusedError("ssh-keygen is not on PATH: approvals are signed with SSH keys", { hint: "Install OpenSSH 8.2 or later." });
  return { code: r.exitCode ?? -1, stdout: Buffer.from(r.stdout as Uint8Array), stderr: Buffer.from(r.stderr as Uint8Array).toString("utf8").trim() };
}

/** Signs bytes with a key file (a private key, or a public key whose private half is in ssh-agent). */
export async function signBytes(keyFile: string, bytes: Buffer, namespace = NAMESPACE): Promise<Buffer> {
  const r = await sshKeygen(["-q", "-Y", "sign", "-n", namespace, "-f", keyFile], bytes);
  if (r.code !== 0 || r.stdout.length === 0) throw new RunRefusedError(`could not sign with ${keyFile}: ${lastLine(r.stderr) || `ssh-keygen exited ${r.code}`}`, { hint: "Pass --key with a key that has no passphrase, or whose private half is in ssh-agent." });
  return r.stdout;
}

/** Runs `f` with files written in a private temporary folder, removed after. */
async function withFiles<T>(files: Record<string, string | Buffer>, f: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "runbook-sig-"));
  try {
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content, { mode: 0o600 });
    return await f(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The principals the allowed-signers text maps the signature's key to, for this namespace. */
export async function principalsOf(allowedSigners: string, signature: Buffer, namespace = NAMESPACE): Promise<string[]> {
  return withFiles({ allowed: allowedSigners, sig: signature }, async (dir) => {
    const r = await sshKeygen(["-Y", "find-principals", "-n", namespace, "-f", path.join(dir, "allowed"), "-s", path.join(dir, "sig")], undefined);
    return r.code === 0 ? r.stdout.toString("utf8").split("\n").map((l) => l.trim()).filter(Boolean) : [];
  });
}

/** Whether `signature` is `principal`'s over exactly these bytes, under the allowed-signers text; else why not. */
export async function verifySignature(allowedSigners: string, principal: string, signature: Buffer, bytes: Buffer, namespace = NAMESPACE): Promise<{ ok: true } | { ok: false; why: string }> {
  return withFiles({ allowed: allowedSigners, sig: signature }, async (dir) => {
    const r = await sshKeygen(["-Y", "verify", "-n", namespace, "-f", path.join(dir, "allowed"), "-I", principal, "-s", path.join(dir, "sig")], bytes);
    return r.code === 0 ? { ok: true } : { ok: false, why: lastLine(r.stderr) || lastLine(r.stdout.toString("utf8")) || `ssh-keygen exited ${r.code}` };
  });
}

/**
 * The key to sign with: `--key`, else git's `user.signingkey` (a path, or `key::<public key>` for a key
 * in ssh-agent), else ~/.ssh/id_ed25519. Returns a file ssh-keygen can use, and a cleanup.
 */
export async function signingKeyFile(given: string | undefined, gitSigningKey: string | undefined, home: string | undefined): Promise<{ file: string; done: () => Promise<void> }> {
  const expand = (p: string) => (p.startsWith("~/") && home ? path.join(home, p.slice(2)) : p);
  const none = async () => {};
  if (given !== undefined) {
    const file = path.resolve(expand(given));
    if (!existsSync(file)) throw new UsageError(`--key ${given}: no such file`);
    return { file, done: none };
  }
  const configured = gitSigningKey?.trim();
  if (configured) {
    const literal = configured.startsWith("key::") ? configured.slice(5) : /^(ssh-|ecdsa-|sk-)/.test(configured) ? configured : undefined;
    if (literal !== undefined) {
      const dir = await mkdtemp(path.join(os.tmpdir(), "runbook-key-"));
      const file = path.join(dir, "key.pub");
      await writeFile(file, `${literal}\n`, { mode: 0o600 });
      return { file, done: () => rm(dir, { recursive: true, force: true }) };
    }
    const file = path.resolve(expand(configured));
    if (!existsSync(file)) throw new UsageError(`git's user.signingkey is ${configured}, which does not exist`, { hint: "Pass --key with your SSH key." });
    return { file, done: none };
  }
  const fallback = home ? path.join(home, ".ssh", "id_ed25519") : undefined;
  if (!fallback || !existsSync(fallback)) throw new UsageError("no SSH key to sign with: git has no user.signingkey and there is no ~/.ssh/id_ed25519", { hint: "Pass --key ~/.ssh/<your key> (request, approve), or set git's user.signingkey to it (signs a run's history too)." });
  return { file: fallback, done: none };
}

const lastLine = (s: string) => s.trim().split("\n").filter((l) => !l.startsWith("Signing data on standard input")).at(-1) ?? "";

/**
 * The fingerprint (`SHA256:…`, as ssh-keygen -l prints it) of the public key an armored SSH signature
 * carries, read from the signature itself (PROTOCOL.sshsig: "SSHSIG", version, public key, …), so a
 * signature by a key nobody listed can still say which key it was. Undefined when it is not one.
 */
export function signatureKeyFingerprint(armored: string): string | undefined {
  const m = /-----BEGIN SSH SIGNATURE-----([\s\S]*?)-----END SSH SIGNATURE-----/.exec(armored);
  if (!m) return undefined;
  const blob = Buffer.from((m[1] ?? "").replace(/\s+/g, ""), "base64");
  if (blob.length < 14 || blob.subarray(0, 6).toString("latin1") !== "SSHSIG") return undefined;
  const size = blob.readUInt32BE(10);
  if (size === 0 || 14 + size > blob.length) return undefined;
  return `SHA256:${createHash("sha256").update(blob.subarray(14, 14 + size)).digest("base64").replace(/=+$/, "")}`;
}
