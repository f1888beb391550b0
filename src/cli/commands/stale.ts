import path from "node:path";
import { createColors } from "picocolors";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { formatGithub } from "../../diagnostics/formatters/github.js";
import { collectFiles } from "../../files/collect.js";
import { loadConfig } from "../../files/config.js";
import { readText } from "../../files/read-runbook.js";
import type { RepoHistory } from "../../git/history.js";
import { createExecutor } from "../../batch/executor.js";
import { historyAnswers } from "../../batch/history-answers.js";
import { inOrder } from "../../batch/in-order.js";
import type { JobSettings, StaleOutcome } from "../../batch/protocol.js";
import { isoDate, parseDateFlag } from "../dates.js";
import { progress } from "../progress.js";
import { EXIT } from "../../errors.js";
import { useColor, type Io } from "../io.js";
import { VERSION } from "../version.js";

const RULE_FOR = { "never-verified": "stale-never-verified", overdue: "stale-overdue", changed: "stale-changed" } as const;

/** Lists runbooks that are never verified, overdue, or changed since verified. Exit 1 if any. */
export default async function stale(io: Io, paths: string[], flags: { asOf?: string; format: "stylish" | "json" | "github"; config?: string }): Promise<number> {
  const { config } = await loadConfig(io.cwd, flags.config);
  const today = parseDateFlag(flags.asOf, "--as-of") ?? new Date();
  const files = await collectFiles(paths.length ? paths : (config.runbooks ?? []), io.cwd);
  const settings: JobSettings = { severities: config.rules ?? {}, defaultReviewEvery: config.review_every, today: isoDate(today), path: io.env.PATH };
  const absolute = (file: string) => path.resolve(io.cwd, file);

  // The history is read once, for these files only; old versions are parsed where the files are.
  const answers = historyAnswers(io.cwd, files.map(absolute));
  const executor = createExecutor({ settings, answers, env: io.env });
  const results: Result[] = [];
  let repo: RepoHistory | undefined;
  const bar = progress(io, "reading", files.length);
  try {
    repo = await answers.repo();
    if (!repo) io.stderr.write("runbook: not in a git repository: the check for steps changed since verification is skipped\n");
    await inOrder(
      files,
      WINDOW,
      async (file) => (await executor.run({ kind: "stale", file, absolute: absolute(file), text: await readText(file, io.cwd) })) as StaleOutcome,
      (staleness, file) => {
        bar.tick();
        results.push({ file, staleness });
      },
    );
  } finally {
    answers.close();
    await executor.close();
  }
  bar.done();
  const staleOnes = results.filter((r) => r.staleness.findings.length > 0);

  if (flags.format === "json") {
    io.stdout.write(`${JSON.stringify({ asOf: isoDate(today), gitChecked: repo !== undefined, runbooks: results.map(toJson), summary: { runbooks: results.length, stale: staleOnes.length } }, null, 2)}\n`);
  } else if (flags.format === "github") {
    io.stdout.write(formatGithub({ files: staleOnes.map((r) => ({ file: r.file, diagnostics: toDiagnostics(r, config.rules ?? {}) })), rules: [], cwd: io.cwd, toolVersion: VERSION, color: false }));
  } else {
    io.stdout.write(stylish(results, staleOnes.length, today, useColor(io, io.stdout)));
  }
  return staleOnes.length ? EXIT.findings : EXIT.ok;
}

/** Runbooks at a time: read ahead of the one being judged, for the workers. */
const WINDOW = 64;

interface Result {
  readonly file: string;
  readonly staleness: StaleOutcome;
}

function toJson({ file, staleness }: Result) {
  return {
    file,
    id: staleness.id,
    stale: staleness.findings.length > 0,
    lastVerified: staleness.lastVerified,
    due: staleness.due,
    findings: staleness.findings,
  };
}

function toDiagnostics({ file, staleness }: Result, rules: Record<string, string>): Diagnostic[] {
  return staleness.findings.map((f) => ({
    file,
    line: f.line,
    column: f.column,
    severity: rules[RULE_FOR[f.kind]] === "error" ? "error" : "warning",
    ruleId: RULE_FOR[f.kind],
    message: f.message,
  }));
}

function stylish(results: readonly Result[], staleCount: number, today: Date, color: boolean): string {
  const c = createColors(color);
  const out: string[] = [];
  for (const { file, staleness } of results) {
    for (const f of staleness.findings) out.push(`${c.underline(file)}:${f.line}:${f.column}  ${c.yellow(f.kind.padEnd(14))}  ${f.message}`);
  }
  out.push(
    staleCount
      ? c.yellow(c.bold(`✖ ${staleCount} of ${results.length} runbook${results.length === 1 ? "" : "s"} stale as of ${isoDate(today)}`))
      : c.green(`✔ ${results.length} runbook${results.length === 1 ? "" : "s"} fresh as of ${isoDate(today)}`),
  );
  return `${out.join("\n")}\n`;
}
