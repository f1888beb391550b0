import { randomBytes } from "node:crypto";
import { closeSync, constants, lstatSync, openSync, readdirSync, renameSync, rmdirSync, unlinkSync, writeSync, fsyncSync } from "node:fs";
import path from "node:path";
import { JournalError } from "../core/errors.js";
import { fsyncDir } from "../system/fsync-dir.js";
import { journalPath, makeStateSubdir } from "./state-dir.js";
import { readHolder } from "./lock.js";
import type { NoteInbox, QueuedNote } from "../journal/ports.js";
import { readSmallJson } from "./small-file.js";

export type { NoteInbox, QueuedNote } from "../journal/ports.js";

/*
 * The note inbox on files: `runs/<run-id>.notes/<id>.json` beside the journal. A file is written
 * whole (a temporary name, fsync, rename), private like the journal.
 */
const ID = /^\d{8}T\d{6}\d{3}Z-[0-9a-f]{8}$/;

export function fileNoteInbox(state: string): NoteInbox {
  const dirOf = (runId: string) => `${journalPath(state, runId)}.notes`;
  return {
    writer: (runId) => readHolder(`${journalPath(state, runId)}.lock`),
    queue: (runId, note) => {
      const dir = dirOf(runId);
      makeStateSubdir(state, dir);
      if (!lstatSync(dir).isDirectory()) throw new JournalError(`cannot leave a note in ${dir}: it is not a folder (a symbolic link is never followed)`);
      const id = `${note.at.replace(/[-:.]/g, "")}-${randomBytes(4).toString("hex")}`;
      const queued: QueuedNote = { id, ...note };
      const tmp = path.join(dir, `.${id}.tmp`);
      const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        writeSync(fd, `${JSON.stringify(queued)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path.join(dir, `${id}.json`));
      fsyncDir(dir);
      return queued;
    },
    queued: (runId) => {
      const dir = dirOf(runId);
      let names: string[];
      try {
        // A symbolic link in the state folder is never followed (docs/security.md).
        if (!lstatSync(dir).isDirectory()) return [];
        names = readdirSync(dir);
      } catch {
        return [];
      }
      const out: QueuedNote[] = [];
      for (const name of names.filter((n) => n.endsWith(".json") && ID.test(n.slice(0, -5))).sort()) {
        const note = readNote(path.join(dir, name), name.slice(0, -5));
        if (note) out.push(note);
      }
      return out;
    },
    drop: (runId, id) => {
      if (!ID.test(id)) return;
      const dir = dirOf(runId);
      try {
        unlinkSync(path.join(dir, `${id}.json`));
      } catch {
        // Already taken by an earlier pass.
      }
      try {
        rmdirSync(dir);
      } catch {
        // Not empty yet: another note came in.
      }
    },
  };
}

function readNote(file: string, id: string): QueuedNote | undefined {
  // Room for a note of MAX_NOTE_BYTES with every character JSON-escaped.
  const v = readSmallJson(file, 256 * 1024) as Partial<QueuedNote> | undefined;
  return v && v.id === id && typeof v.at === "string" && typeof v.by === "string" && typeof v.text === "string" ? { id, at: v.at, by: v.by, text: v.text } : undefined;
}
