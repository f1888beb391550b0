import type { LoadedConfig } from "../system/config-file.js";
import { gitConfigValue } from "../state/approvals-store.js";
import type { CommitSigner, ShareConfig } from "../state/shared/remote.js";
import { GIT_NAMESPACE, signBytes, signingKeyFile } from "../system/ssh-signatures.js";
import { printableLine } from "../core/printable.js";

/**
 * With `approvals:` and `share:`, the journal commits a runner pushes are signed with the operator's
 * key: git's `user.signingkey`, else ~/.ssh/id_ed25519 (the key `runbook request` and `approve` use).
 * The key is looked for at the first commit, so commands that push nothing never need one. A key that
 * cannot sign never stops a run: its commits go unsigned, it is said once, and `runs` flags the history.
 */
export function withCommitSigner(share: ShareConfig | undefined, loaded: LoadedConfig, env: Readonly<Record<string, string | undefined>>, notice: (text: string) => void): ShareConfig | undefined {
  if (share === undefined || loaded.config.approvals === undefined) return share;
  return { ...share, signer: commitSigner(share.repo, env.HOME, notice) };
}

function commitSigner(repo: string, home: string | undefined, notice: (text: string) => void): CommitSigner {
  let key: Promise<string> | undefined;
  let told = false;
  return {
    sign: async (payload) => {
      try {
        key ??= gitConfigValue(repo, "user.signingkey").then((configured) => signingKeyFile(undefined, configured, home).then((k) => k.file));
        return await signBytes(await key, payload, GIT_NAMESPACE);
      } catch (e) {
        if (!told) notice(`this run's journal commits are not signed (${printableLine((e as Error).message)}): \`runbook runs\` will flag its history. Set git's user.signingkey to your SSH key.`);
        told = true;
        return undefined;
      }
    },
  };
}
