/**
 * The rooms of src/ and which way their imports may point (docs/architecture.md draws them).
 * `npm run lint:code` runs this; a broken rule names the file, the import and the rule.
 *
 * Data flows one way: text → model → checks / plan → events → journal → report → screens.
 * The rules below are the promises a reader relies on, not a full layering: a room not named in a
 * rule may use the rooms below it.
 */
const room = (name) => `^src/${name}/`;
const rooms = (...names) => `^src/(${names.join("|")})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "nothing-imports-cli",
      comment: "cli/ is the front end: it composes everything and nothing depends on it.",
      severity: "error",
      from: { path: "^src/", pathNot: room("cli") },
      to: { path: room("cli") },
    },
    {
      name: "run-knows-no-screen",
      comment: "The run core knows no command line, no screen and no report: they render its events.",
      severity: "error",
      from: { path: room("run") },
      to: { path: rooms("cli", "tui", "report", "editor", "authoring") },
    },
    {
      name: "state-knows-no-run",
      comment: "Where runs are kept (files, git refs, locks) knows the journal and the ports, not the run's fold.",
      severity: "error",
      from: { path: room("state") },
      to: { path: rooms("run", "report", "tui", "check", "editor", "authoring") },
    },
    {
      name: "model-knows-no-rule",
      comment: "The model is what a runbook says; lint rules, runs and screens are built on it, never the reverse.",
      severity: "error",
      from: { path: room("model") },
      to: { path: rooms("check", "run", "state", "report", "tui", "journal", "system", "editor", "authoring") },
    },
    {
      name: "core-is-the-floor",
      comment: "core/ (errors, ports, printable) imports nothing of ours.",
      severity: "error",
      from: { path: room("core") },
      to: { path: "^src/", pathNot: room("core") },
    },
    {
      name: "journal-knows-no-run",
      comment: "The journal's format and store are below the run: events go down into it, never a fold.",
      severity: "error",
      from: { path: room("journal") },
      to: { path: rooms("run", "report", "tui", "check", "state", "editor", "authoring") },
    },
    {
      name: "system-is-an-edge",
      comment: "system/ wraps files, git, processes and timers; it knows the model's shapes but no rule, run or screen.",
      severity: "error",
      from: { path: room("system") },
      to: { path: rooms("check", "run", "state", "report", "tui", "editor", "authoring", "journal") },
    },
    {
      name: "check-knows-no-run",
      comment: "Checks read runbooks and git facts; they do not run them or draw them.",
      severity: "error",
      from: { path: room("check") },
      to: { path: rooms("run", "report", "tui", "editor", "authoring") },
    },
    {
      name: "no-circular-rooms",
      comment: "Two files that import each other, directly or around a loop, cannot be read one at a time.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^(dist|node_modules|test|bench|scripts)/" },
  },
};
