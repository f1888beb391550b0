import { readFileSync } from "node:fs";
import type { EventOf } from "../journal/events.js";
import { buildRunbook } from "../model/build-runbook.js";
import { stepFacts, type RunbookFacts } from "../report/step-facts.js";
import { locateRunbook } from "../run/locate.js";
import { sha256 } from "../run/prepare.js";
import { repoRootOf } from "../system/repo-root.js";

/**
 * What each run's runbook says of its steps (confirm, irreversible, manual, rollback), for the
 * reports: found as `resume` finds it (where the run started when unchanged, else this checkout's
 * copy), read and built once per file and content. Undefined when it cannot be found or read: the
 * report then says what the journal alone says.
 */
export function runbookFactsReader(cwd: string, stateDir: string): (started: EventOf<"run_started">) => RunbookFacts | undefined {
  const checkoutRoot = repoRootOf(cwd);
  const texts = new Map<string, string | undefined>();
  const textOf = (file: string) => {
    if (!texts.has(file)) {
      try {
        texts.set(file, readFileSync(file, "utf8"));
      } catch {
        texts.set(file, undefined);
      }
    }
    return texts.get(file);
  };
  const hashes = new Map<string, string | undefined>();
  const hashOf = (file: string) => {
    if (!hashes.has(file)) hashes.set(file, mapDefined(textOf(file), sha256));
    return hashes.get(file);
  };
  const built = new Map<string, RunbookFacts | undefined>();
  return (started) => {
    try {
      const found = locateRunbook(started, { checkoutRoot, stateDir, explicit: undefined, cwd, hashOf });
      const key = `${found.same ? "same" : "other"}\0${found.file}`;
      if (!built.has(key)) {
        const text = textOf(found.file);
        built.set(key, text === undefined ? undefined : stepFacts(buildRunbook(found.file, text), found.same));
      }
      return built.get(key);
    } catch {
      // Not found, or not a runbook any more: the journal alone speaks.
      return undefined;
    }
  };
}

const mapDefined = <T, U>(x: T | undefined, f: (x: T) => U): U | undefined => (x === undefined ? undefined : f(x));
