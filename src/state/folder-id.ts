import { randomBytes } from "node:crypto";
import { closeSync, constants, fsyncSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import { readSmallJson } from "./small-file.js";
import { makeStateSubdir } from "./state-dir.js";
import { fsyncDir } from "../system/fsync-dir.js";

const NAME = "folder-id.json";
const ID = /^[0-9a-f]{16}$/;

/**
 * The state folder's own id, made once (16 random hex digits in `folder-id.json`) and kept. A run's
 * sessions journal it (`folder`): a journal is whole only in the folder that wrote it, and a
 * session in another folder (a shared run taken over from another clone) read it from the remote,
 * which may lack what its runner journaled last (docs/handoff.md).
 */
export function stateFolderId(state: string): string {
  const file = path.join(state, NAME);
  const known = idIn(readSmallJson(file, 256));
  if (known) return known;
  makeStateSubdir(state, state);
  const id = randomBytes(8).toString("hex");
  try {
    const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, `${JSON.stringify({ id })}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // Kept across a crash too: a folder that forgot its id would take its own runs for another's.
    fsyncDir(state);
    return id;
  } catch {
    // Made meanwhile by another process (or unwritable): whatever it holds is the folder's.
    return idIn(readSmallJson(file, 256)) ?? id;
  }
}

function idIn(v: unknown): string | undefined {
  const id = (v as { id?: unknown } | undefined)?.id;
  return typeof id === "string" && ID.test(id) ? id : undefined;
}
