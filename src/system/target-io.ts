import { execa } from "execa";
import { readFileSync } from "node:fs";

/** Reads an inventory, runs the command of a `targets:` group: the I/O behind resolving hosts. */
export const targetIo = {
  readText: (file: string): string => readFileSync(file, "utf8"),
  async run(command: string, cwd: string, signal: AbortSignal): Promise<{ stdout: string; failure: string | undefined }> {
    const r = await execa("bash", ["-euo", "pipefail", "-c", command], { cwd, reject: false, cancelSignal: signal, stdin: "ignore", timeout: 60_000 });
    const failure = r.failed ? (r.timedOut ? "it ran over 60s" : r.exitCode !== undefined ? `exit ${r.exitCode}${r.stderr ? `: ${String(r.stderr).split("\n")[0]}` : ""}` : String(r.shortMessage)) : undefined;
    return { stdout: String(r.stdout), failure };
  },
};
