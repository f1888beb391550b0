import type { Root } from "mdast";
import type { Diagnostic } from "../diagnostic.js";
import type { FileHistory } from "../define-rule.js";
import { lintRunbook } from "../lint-runbook.js";
import { effectiveSeverities } from "../severities.js";
import type { LoadedConfig } from "../../system/config-file.js";
import { commandLookup } from "../../system/command-exists.js";
import type { Runbook } from "../../model/types.js";
import { parseSource } from "./parse.js";

/**
 * One text's findings, for the editor: parse (or the tree the caller's parser made) → rules, with the
 * git facts the caller read. No cache, no project checks (one file is open, not the project).
 */
export function lintText(o: {
  name: string;
  text: string;
  tree?: Root | undefined;
  config: LoadedConfig["config"];
  env: Readonly<Record<string, string | undefined>>;
  history: (runbook: Runbook) => Promise<FileHistory | undefined> | undefined;
}): Promise<Diagnostic[]> | Diagnostic[] {
  const runbook = parseSource(o.name, o.text, o.tree);
  const options = { severities: effectiveSeverities(o.config.rules, o.env), commandExists: commandLookup(o.env.PATH), defaultReviewEvery: o.config.review_every };
  const pending = o.history(runbook);
  if (!pending) return lintRunbook(runbook, options);
  return pending.then((history) => lintRunbook(runbook, { ...options, history }));
}
