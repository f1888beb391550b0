import { execa } from "execa";
import { readFileSync } from "node:fs";
import path from "node:path";
import { tempDir } from "./tmp.js";

export interface SigningKeys {
  readonly dir: string;
  /** Allowed-signers lines (git's format) for alice and bob; carol has a key and is not in it. */
  readonly allowed: string;
  /** The private key file of `who`. */
  key(who: string): string;
  /** `SHA256:…` of `who`'s public key, as ssh-keygen -l prints it. */
  fingerprint(who: string): Promise<string>;
}

/** Real ed25519 keys for alice, bob and carol (made with ssh-keygen); `namespaces` of the allowed lines. */
export async function signingKeys(namespaces = "runbook"): Promise<SigningKeys> {
  const dir = await tempDir("runbook-keys-");
  const lines: string[] = [];
  for (const who of ["alice", "bob", "carol"]) {
    await execa("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", who, "-f", path.join(dir, who)]);
    const [type, key] = readFileSync(path.join(dir, `${who}.pub`), "utf8").split(" ");
    if (who !== "carol") lines.push(`${who} namespaces="${namespaces}" ${type} ${key}`);
  }
  return {
    dir,
    allowed: `${lines.join("\n")}\n`,
    key: (who) => path.join(dir, who),
    fingerprint: async (who) => (await execa("ssh-keygen", ["-l", "-f", path.join(dir, `${who}.pub`)])).stdout.split(" ")[1] ?? "",
  };
}
