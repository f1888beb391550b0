import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { describeUnexpected, EXIT, RunbookError } from "../core/errors.js";
import type { Io } from "./io.js";
import { VERSION } from "./version.js";

/**
 * The one place where errors become messages and exit codes. Commands are loaded only when
 * chosen, so `runbook lint` never pays for the terminal UI or the process runner.
 */
export async function main(io: Io): Promise<number> {
  let exitCode: number = EXIT.ok;
  const debug = io.argv.includes("--debug") || io.env.RUNBOOK_DEBUG === "1";
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(io.argv.filter((a) => a !== "--debug"), { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof RunbookError) {
      if (error.details) io.stderr.write(error.details);
      io.stderr.write(`runbook: ${error.message}\n`);
      if (error.hint) io.stderr.write(`${error.hint}\n`);
      if (debug && error.cause instanceof Error) io.stderr.write(`${error.cause.stack ?? ""}\n`);
      return error.exitCode;
    }
    io.stderr.write(describeUnexpected(error, debug));
    return EXIT.internal;
  }
}

function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command("runbook")
    .description("Runbooks as code: lint, run, resume, roll back and verify Markdown runbooks.")
    .version(VERSION, "-v, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();
  program.addHelpText("after", "\nExit codes: 0 ok, 1 findings or a failed step, 2 bad usage or input, 3 aborted, 70 a bug in runbook, 130 interrupted.\nDocs: docs/format.md (the runbook format), docs/journal.md (the run journal), README.md (commands).");

  const run = <A extends unknown[]>(load: () => Promise<{ default: (io: Io, ...args: A) => Promise<number> }>) =>
    async (...args: A) => {
      const mod = await load();
      setExit(await mod.default(io, ...args));
    };
  const format = (names: readonly string[], fallback: string) =>
    new Option("-f, --format <format>", `output format: ${names.join(", ")}`).choices(names).default(fallback);

  program
    .command("lint")
    .description("check runbooks against the format and the lint rules (never runs them)")
    .argument("[paths...]", "files, folders or globs (default: runbooks/**/*.md, or `runbooks:` in the config)")
    .addOption(format(["stylish", "json", "github", "sarif"], "stylish"))
    .option("--max-warnings <n>", "fail (exit 1) when there are more warnings than this", wholeNumber)
    .option("-q, --quiet", "report errors only")
    .option("-c, --config <file>", "config file (default: runbook.config.yaml at the repository root)")
    .option("--as-of <date>", "judge staleness as of this date (YYYY-MM-DD)")
    .option("--rule <id=severity>", "set a rule to error, warning or off for this run, over the config (repeatable)", (v: string, prev: string[]) => [...prev, v], [])
    .option("--no-cache", "lint every file again instead of reusing the results of files that did not change")
    .option("--cache-location <path>", "the cache file, or a folder for it (default: cache/lint-cache.jsonl in the state folder)")
    .addHelpText("after", "\nOn CI (CI set) requires-installed is off unless runbook.config.yaml names it.")
    .action(run(() => import("./commands/lint.js")));

  const collect = (value: string, previous: string[]) => [...previous, value];
  /** The options every command that runs blocks shares: run, resume, rollback. */
  const sessionOptions = (cmd: Command, paramHelp: string, forceHelp: string): Command =>
    cmd
      .option("-p, --param <NAME=VALUE>", paramHelp, collect, [])
      .option("--plain", "plain line output, no interactive screen")
      .addOption(new Option("-f, --format <format>", "text (screen or plain lines) or json (one journal event per line on stdout)").choices(["text", "json"]).default("text"))
      .option("--force", forceHelp)
      .option("--offline", "with shared runs: go on without the git remote when it cannot be reached (journaled)")
      .option("--allow-handover", "with shared runs: when someone asks (`runbook handover`), hand the run over at the next step boundary without asking (for --plain/--yes runs)")
      .option("-c, --config <file>", "config file");
  /** What to do with a step (or rollback block) whose outcome is unknown, without a terminal. */
  const interruptedOptions = (cmd: Command): Command =>
    cmd
      .option("--rerun-interrupted", "run the interrupted step (or rollback block) again")
      .option("--skip-interrupted", "skip the interrupted step")
      .option("--mark-interrupted-done", "record the interrupted step as done without running it");
  const fileOption = (cmd: Command): Command => cmd.option("--file <path>", "the runbook, when it is not where the run started nor at the same path in this checkout");
  const secretsAgain = "give secrets again (they are never journaled)";
  const changedForce = "go on even if the runbook changed since the run started, or its lock is held from another host";
  sessionOptions(
    program
      .command("run")
      .description("run a runbook step by step, journaling every event (a terminal gets prompts; scripts pass --yes)")
      .argument("<file>", "runbook file"),
    "set a param (repeatable); RUNBOOK_PARAM_<NAME> in the environment works too",
    "take the runbook's lock from a holder on another host, or an unreadable lock",
  )
    .option("-y, --yes", "answer yes to every confirmation and mark manual steps assumed done (needed without a terminal); never takes an irreversible step")
    .option("--confirm-irreversible <step-id,...>", "the irreversible steps this run may take without a person typing their id (repeatable); --yes alone stops before them", collect, [])
    .option("-n, --dry-run", "print the plan and run nothing (errors about metadata only are warnings here); exits 2 when a param value is wrong, listing them first")
    .addOption(new Option("--on-failure <action>", "when a step fails: abort (default without a terminal) or rollback").choices(["abort", "rollback"]))
    .option("--parallel <n>", "run up to n steps at once: those whose needs= are all done (over the frontmatter's parallel:; 1 is one at a time)")
    .option("--from <step-id>", "start at this step; the steps before it are assumed done by the operator (never run, never rolled back)")
    .option("--only <step-id,...>", "run only these steps; every other step is assumed done by the operator")
    .option("--record", "when every step is done (none skipped, assumed or rolled back), record the drill as a verification")
    .option("--commit", "with --record: commit the verification")
    .option("--plan <plan-id>", "run the approved plan (runbook request / approve): verified before anything runs, used once")
    .option("--break-glass <reason>", "run without the approval the runbook needs, when the team cannot wait: journaled and shown in red on every report")
    .option("--wait-approval", "at a step of the runbook's approvals.steps, wait for an approved plan (a terminal always waits; otherwise the run stops there, resumable)")
    .addHelpText("after", "\nExit codes: 0 completed, 1 a step failed (rolled back or not), 2 could not start, or lost its shared lock (the run's outcome is then the shared record's), 3 aborted, 130 interrupted.")
    .action(run(() => import("./commands/run.js")));

  fileOption(
    interruptedOptions(
      sessionOptions(program.command("resume").description("continue a run from its journal; completed steps never run again").argument("<run-id>", "run id (see `runbook runs`), a unique prefix of one, or last"), secretsAgain, changedForce),
    ),
  )
    .option("-y, --yes", "answer yes to the remaining confirmations; never takes an irreversible step")
    .option("--parallel <n>", "run up to n steps at once: those whose needs= are all done (over the frontmatter's parallel:)")
    .option("--confirm-irreversible <step-id,...>", "the irreversible steps this resume may take without a person typing their id (repeatable)", collect, [])
    .addOption(new Option("--on-failure <action>", "when a step fails: abort or rollback").choices(["abort", "rollback"]))
    .option("--plan <plan-id>", "the approved plan for the step of approvals.steps the run stopped before: verified there, used once")
    .option("--wait-approval", "at a step of the runbook's approvals.steps, wait for an approved plan (a terminal always waits)")
    .action(run(() => import("./commands/resume.js")));

  fileOption(
    interruptedOptions(
      sessionOptions(
        program.command("rollback").description("undo a run from its journal: what its steps changed, newest first, then ## Rollback").argument("<run-id>", "run id (see `runbook runs`), a unique prefix of one, or last"),
        secretsAgain,
        changedForce,
      ),
    ),
  )
    .option("-n, --dry-run", "print what would be undone, in order, and undo nothing")
    .option("-y, --yes", "roll back without asking (a terminal otherwise shows the list and asks once); stops at an irreversible step")
    .option("--past <step-id>", "go past this irreversible step too, undoing what came before it (repeatable; the journal records who named it)", collect, [])
    .addHelpText("after", "\nAn irreversible step that took effect stops every rollback: nothing done before it is undone unless a\nperson types its id at the terminal, or names it with --past. Such a rollback ends as `rolled back to <step>`, exit 1.")
    .action(run(() => import("./commands/rollback.js")));

  program
    .command("runs")
    .description("list runs (shared ones fetched first): title, operator, host, state, the step it is at, the lease of a live run")
    .addOption(format(["table", "json"], "table"))
    .option("-c, --config <file>", "config file")
    .action(run(() => import("./commands/runs.js")));

  program
    .command("log")
    .description("replay a run from its journal: answers, attempts and all of its output; markdown: the incident timeline")
    .argument("<run-id>", "run id, a unique prefix of one, or last")
    .option("-s, --step <id>", "only this step's events")
    .addOption(format(["text", "json", "markdown"], "text"))
    .option("-c, --config <file>", "config file")
    .action(run(() => import("./commands/log.js")));

  program
    .command("handoff")
    .description("the shift report: open runs and how to go on, runs ended, notes, stale and changed runbooks")
    .option("--since <duration>", "the window for ended runs, notes and changes (e.g. 12h, 2d)", "12h")
    .addOption(format(["markdown", "text", "json"], "markdown"))
    .option("-c, --config <file>", "config file")
    .action(run(() => import("./commands/handoff.js")));

  program
    .command("note")
    .description("leave a note on a run, journaled with who and when (shown by handoff and log; a live run here journals it and shows it to its operator)")
    .argument("<run-id>", "run id, a unique prefix of one, or last")
    .argument("<text>", "the note")
    .option("-c, --config <file>", "config file")
    .action(run(() => import("./commands/note.js")));

  program
    .command("handover")
    .description("ask the holder of a live shared run to hand it over to you: their screen shows who asks; once granted, `runbook resume <run-id>` goes on at once")
    .argument("<run-id>", "run id, a unique prefix of one, or last")
    .option("-m, --message <text>", "why (shown to the holder, recorded on the run's notes ref)")
    .option("-c, --config <file>", "config file")
    .addHelpText("after", "\nExit codes: 0 asked, 2 refused (no such run, not shared, not live: use resume, held by you, remote unreachable).")
    .action(run(() => import("./commands/handover.js")));

  program
    .command("release")
    .description("hand a live shared run you hold over to whoever asked (from another terminal of the holder): it stops at its next step boundary and frees its lock for them")
    .argument("<run-id>", "run id, a unique prefix of one, or last")
    .option("--to <operator>", "who may resume it at once (default: whoever asked last)")
    .option("-c, --config <file>", "config file")
    .addHelpText("after", "\nExit codes: 0 released (the runner stops at its next step boundary), 2 refused (no such run, not shared, not live, held by someone else).")
    .action(run(() => import("./commands/release.js")));

  program
    .command("close")
    .description("end a run nobody will go on with (an abandoned drill), journaled with who and why: it leaves the handoff's open runs; a live or ended run is refused")
    .argument("<run-id>", "run id, a unique prefix of one, or last")
    .requiredOption("--reason <text>", "why nobody will go on with it (journaled; shown by handoff and log)")
    .option("-c, --config <file>", "config file")
    .addHelpText("after", "\nExit codes: 0 closed, 2 refused (live here or elsewhere, already ended, no such run, no --reason).")
    .action(run(() => import("./commands/close.js")));

  program
    .command("stats")
    .description("figures from the journals, per runbook: runs, success rate, time to complete, rollbacks, automatic completion")
    .option("--since <duration>", "runs started in this window (e.g. 30d)", "30d")
    .addOption(format(["table", "json"], "table"))
    .option("-c, --config <file>", "config file")
    .action(run(() => import("./commands/stats.js")));

  program
    .command("request")
    .description("write and sign the plan a second person must approve before a run (docs/approvals.md); prints a summary, then the plan id")
    .argument("<file>", "runbook file (committed)")
    .option("-p, --param <name=value>", "set a param (repeatable); secrets are recorded by name only", collect, [])
    .option("--expires <duration>", "how long the plan may be approved and run (default 1h)")
    .option("--key <path>", "SSH key to sign with (default: git's user.signingkey, else ~/.ssh/id_ed25519)")
    .option("-c, --config <file>", "config file")
    .addHelpText("after", "\nExit codes: 0 stored, 2 refused (uncommitted runbook, key not in the allowed signers, params incomplete, remote unreachable).")
    .action(run(() => import("./commands/request.js")));
  program
    .command("approve")
    .description("sign a plan someone else requested, after reading it (docs/approvals.md)")
    .argument("<plan-id>", "the id `runbook request` printed")
    .option("--key <path>", "SSH key to sign with (default: git's user.signingkey, else ~/.ssh/id_ed25519)")
    .option("-y, --yes", "do not ask for the first 8 characters of the plan id (every check still applies)")
    .option("-c, --config <file>", "config file")
    .addHelpText("after", "\nExit codes: 0 approved, 2 refused (your own request, a key not in the allowed signers, approved already, expired, used), 3 the id typed did not match.")
    .action(run(() => import("./commands/approve.js")));
  program
    .command("approvals")
    .description("list plans with their state (pending, approved, expired, used, refused) and who signed them")
    .addOption(format(["table", "json"], "table"))
    .option("-c, --config <file>", "config file")
    .action(run(() => import("./commands/approvals.js")));

  const share = program.command("share").description("shared runs through the git remote");
  share
    .command("status")
    .description("what this clone has that the remote has not (and the other way round), and who holds which lock")
    .addOption(format(["text", "json"], "text"))
    .option("-c, --config <file>", "config file")
    .action(run(() => import("./commands/share.js")));
  share
    .command("push")
    .description("push the runs only this clone has, or has more of (after --offline), each under its runbook's lock for a moment")
    .argument("[run-ids...]", "runs to push (default: every run the remote lacks)")
    .option("-c, --config <file>", "config file")
    .addHelpText("after", "\nExit codes: 0 everything pushed, 1 a run was left alone (its runbook is held by a live lease), 2 the remote could not be reached.")
    .action(run(() => import("./commands/share-push.js")));

  program
    .command("verify")
    .description("record a verification in a runbook's frontmatter (last_verified, verified_by, verified_commit)")
    .argument("<file>", "runbook file")
    .option("--by <name>", "who verified it (default: git user.name, else $USER)")
    .option("--date <YYYY-MM-DD>", "when (default: today)")
    .option("--commit", "commit just that file (refused if it has other uncommitted changes)")
    .action(run(() => import("./commands/verify.js")));

  program
    .command("drill")
    .description("run each runbook's `drill:` unattended, each with its own journal; record a verification for each that passes (exit 1 if any failed)")
    .argument("[paths...]", "files, folders or globs (default: runbooks/**/*.md, or `runbooks:` in the config)")
    .option("--due", "only the drills that are due: never verified, or last verified longer ago than `drill.every`")
    .option("-n, --dry-run", "list the drills that would run, and run nothing")
    .option("--commit", "commit the recorded verifications, all in one commit (refused if a drilled file has other uncommitted changes)")
    .addOption(format(["text", "json", "markdown"], "text"))
    .option("--as-of <YYYY-MM-DD>", "judge what is due as of this date (default: today)")
    .option("-c, --config <file>", "config file")
    .addHelpText("after", "\nA drill answers what --yes answers, takes only the irreversible steps `drill.confirm_irreversible` names, and\nassumes manual steps done only with `drill.manual: assume`. Under GitHub Actions the Markdown report is also\nwritten to $GITHUB_STEP_SUMMARY. See docs/drills.md.\nExit codes: 0 every drill passed, 1 a drill failed, 2 bad usage.")
    .action(run(() => import("./commands/drill.js")));

  program
    .command("init")
    .description("write a starting file: `drills` writes .github/workflows/runbook-drills.yml")
    .argument("<what>", "drills")
    .option("--environment <name>", "the GitHub environment the drills run in (its secrets and required reviewers apply)", "runbook-drills")
    .option("--cron <schedule>", "when the drills run, as a cron line (UTC)", "23 6 * * 1-5")
    .option("--force", "overwrite the file if it exists")
    .action(run(() => import("./commands/init.js")));

  program
    .command("stale")
    .description("list runbooks never verified, overdue, or whose steps changed since verified (exit 1 if any)")
    .argument("[paths...]", "files, folders or globs (default: runbooks/**/*.md, or `runbooks:` in the config)")
    .option("--as-of <YYYY-MM-DD>", "judge as of this date (default: today)")
    .addOption(format(["stylish", "json", "github", "sarif"], "stylish"))
    .option("-c, --config <file>", "config file")
    .action(run(() => import("./commands/stale.js")));

  program
    .command("schema")
    .description("print the JSON Schema of the runbook frontmatter (or of the config file)")
    .argument("[which]", "runbook or config", "runbook")
    .action(run(() => import("./commands/schema.js")));

  program
    .command("graph")
    .description("print a runbook's step graph")
    .argument("<file>", "runbook file")
    .addOption(format(["mermaid", "dot", "json"], "mermaid"))
    .action(run(() => import("./commands/graph.js")));

  program
    .command("new")
    .description("create a runbook from the template")
    .argument("<id>", "kebab-case id, e.g. redis-failover")
    .option("-o, --owner <team>", "owning team", "team-unknown")
    .option("-t, --title <title>", "title (default: from the id)")
    .option("-d, --dir <folder>", "folder to create it in", "runbooks")
    .action(run(() => import("./commands/new.js")));

  program
    .command("fmt")
    .description("rewrite runbooks in canonical Markdown without changing their meaning; every step gets an explicit {#id}")
    .argument("[paths...]", "files, folders or globs (default: runbooks/**/*.md, or `runbooks:` in the config)")
    .option("--check", "change nothing; list the files that would change and exit 1 if any")
    .option("-c, --config <file>", "config file")
    .addHelpText("after", "\nExit codes: 0 formatted (or nothing to do), 1 --check found files to reformat, 2 a file could not be read or has a broken structure (left alone).")
    .action(run(() => import("./commands/fmt.js")));

  program
    .command("import")
    .description("convert existing Markdown runbooks ($ prompts, console blocks, numbered lists of commands) into this format")
    .argument("<file|folder>", "a Markdown file, or a folder of them")
    .option("-o, --out <folder>", "write the results here, keeping sub-folders (needed for a folder; a file without it prints to stdout)")
    .option("--force", "with --out: replace files that import did not write, or that were edited since (never a link, FIFO or device)")
    .addOption(format(["text", "json"], "text"))
    .addHelpText("after", "\nThe report (steps, params, what needs a human) goes to stderr; --format json prints it on stdout instead.\nWith --out, a file is replaced only if it is as import last wrote it (.runbook-import.json in that folder keeps its SHA-256).\nExit codes: 0 imported, 2 a file could not be read or was not written (named on stderr; the others are written).")
    .action(run(() => import("./commands/import.js")));

  program
    .command("lsp")
    .description("start a language server on stdio: runbook diagnostics in any LSP editor (see docs/editors.md)")
    .option("--stdio", "talk over stdin/stdout (the default and only transport)")
    .action(run(() => import("./commands/lsp.js")));

  program
    .command("rules")
    .description("list the lint rules")
    .addOption(format(["stylish", "json", "markdown"], "stylish"))
    .action(run(() => import("./commands/rules.js")));

  return program;
}

export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError("Expected a whole number.");
  return Number(value);
}
