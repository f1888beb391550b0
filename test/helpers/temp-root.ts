import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** `statfs`'s f_type of a tmpfs (linux/magic.h). */
const TMPFS_MAGIC = 0x01021994;
/** Room a run needs at its peak, with a wide margin (the largest single file is a 128 MiB journal). */
const ROOM = 4 * 1024 ** 3;

/**
 * Where a test run's temp folders go (every `os.tmpdir()` of the run, its workers and what they start).
 *
 * The suite makes and deletes files by the hundred thousand: git objects, refs and their lock files,
 * journals, clones, sockets. On this project's machines (ext4), once a run had made and deleted many
 * files under /tmp, each new file there cost the kernel 0.3–0.9 ms (0.03 ms in an untouched folder of
 * the same disk, 0.01 ms on a tmpfs): together about a third of the suite's CPU, and the reason the
 * same suite took 215 s in one hour and 330 s in the next. So when `/dev/shm` is a tmpfs with room
 * to spare, the run gets a folder of its own there, world-writable with the sticky bit as /tmp is
 * (the PostgreSQL lab runs as `postgres`, one test as `nobody`), removed when the run ends. The files
 * are as real: the same system calls, modes, links and locks. Only durability differs, and no test
 * relies on it (a crash here is a SIGKILL, not a power cut).
 *
 * A run killed before its end leaves its folder, which holds memory: the next run removes the
 * folders of runs whose process is gone (the folder names the pid).
 *
 * `RUNBOOK_TEST_TMPDIR` names another folder, or `system` for the system's own temp folder.
 */
export function testTempRoot(env: NodeJS.ProcessEnv = process.env): { dir: string; made: boolean } {
  const asked = env.RUNBOOK_TEST_TMPDIR;
  if (asked === "system") return { dir: os.tmpdir(), made: false };
  if (asked) {
    const dir = path.resolve(asked);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      const { code, message } = e as NodeJS.ErrnoException;
      throw new Error(`RUNBOOK_TEST_TMPDIR=${asked}: that folder cannot be made (${code ?? message}). Name a folder that can, or \`system\` for the system's temp folder.`);
    }
    return { dir, made: false };
  }
  try {
    const fs = statfsSync("/dev/shm");
    if (fs.type !== TMPFS_MAGIC || fs.bavail * fs.bsize < ROOM) return { dir: os.tmpdir(), made: false };
    sweep();
    const dir = mkdtempSync(`/dev/shm/rbt-${process.pid}-`);
    chmodSync(dir, 0o1777);
    return { dir, made: true };
  } catch {
    return { dir: os.tmpdir(), made: false };
  }
}

/** Points this process (and so every worker and child it starts) at the run's temp root; removes it at exit when it was made here. */
export function useTestTempRoot(): string {
  let root: ReturnType<typeof testTempRoot>;
  try {
    root = testTempRoot();
  } catch (e) {
    // Said in one line, before any test: a stack through vitest's config loader tells nothing more.
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  process.env.TMPDIR = root.dir;
  if (root.made) process.on("exit", () => rmSync(root.dir, { recursive: true, force: true }));
  return root.dir;
}

/** Removes the `/dev/shm` folders of earlier runs whose process no longer exists. */
function sweep(): void {
  for (const name of readdirSync("/dev/shm")) {
    const pid = /^rbt-(\d+)-/.exec(name)?.[1];
    if (pid === undefined || alive(Number(pid))) continue;
    rmSync(`/dev/shm/${name}`, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
