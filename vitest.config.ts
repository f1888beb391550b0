import { defineConfig } from "vitest/config";
import LongestFirst from "./test/helpers/longest-first.js";
import { useTestTempRoot } from "./test/helpers/temp-root.js";

// Every temp folder of the run on a tmpfs when the machine has one with room (test/helpers/temp-root.ts).
useTestTempRoot();

/**
 * Test files that spawn the built package (dist/): signals, crashes, a terminal, PostgreSQL, the
 * Action, the packed and bundled package, worker threads, lock races between processes, other hosts.
 * Everything else calls `main` in process and needs no build. The e2e project builds dist/ first
 * when it is missing or stale (test/helpers/build-on-demand.ts), and only when one of these runs.
 */
const E2E = [
  "test/action/action.test.ts",
  "test/check/pool.test.ts",
  "test/check/stale-history.test.ts",
  "test/cli/approval-steps.test.ts",
  "test/cli/bundle.test.ts",
  "test/cli/crash.test.ts",
  "test/cli/hardening-run-process.test.ts",
  "test/cli/hostile-files.test.ts",
  "test/cli/lint-permissions.test.ts",
  "test/cli/run-process.test.ts",
  "test/corpus/corpus.test.ts",
  "test/drill/drill-interrupt.test.ts",
  "test/drill/workflow.test.ts",
  "test/editor/lsp.test.ts",
  "test/editor/remark-cli.test.ts",
  "test/package/pack.test.ts",
  "test/postgres/failover.test.ts",
  "test/property/hostile.property.test.ts",
  "test/report/handoff-live.test.ts",
  "test/report/handoff.test.ts",
  "test/run/parallel-crash.test.ts",
  "test/ssh/fanout-confirm.test.ts",
  "test/ssh/fanout-crash.test.ts",
  "test/state/lock.test.ts",
  "test/state/shared-handover.test.ts",
  "test/state/shared-notes.test.ts",
  "test/state/shared-outage.test.ts",
  "test/state/shared-records.test.ts",
  "test/state/shared-reserved.test.ts",
  "test/state/shared.test.ts",
  "test/tui/hardening-run.test.ts",
  "test/tui/parallel.test.ts",
  "test/tui/screen.test.ts",
  "test/tui/terminal.test.ts",
];

export default defineConfig({
  test: {
    // Generous: on a loaded machine a real process or terminal can take many times its usual time.
    // Tests wait for states, so a long timeout costs nothing unless something is really stuck.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Most test time is spent waiting (child processes, git, leases, terminals), not computing: on
    // two cores vitest's default (cores - 1 = one file at a time) leaves the machine idle.
    maxWorkers: 4,
    sequence: { sequencer: LongestFirst },
    // Shared, noisy machines: timing belongs in `npm run bench`, not in test assertions.
    retry: 0,
    // Per test file: each test's temp folders are removed after it.
    setupFiles: ["test/helpers/setup.ts"],
    // One group, one pool of 4 workers: the e2e files (long, mostly waiting on processes, leases and
    // terminals) first, then the unit files, the longest first in each (test/helpers/longest-first.ts,
    // also in a fresh clone). Vitest requires one worker count for projects that run together.
    projects: [
      // Unit files share their worker's module graph (no fresh import of remark, zod, ink and the
      // sources per file: a third of the unit project's CPU). They keep no state between files: what
      // a test changes of the process (timers, env) it restores, and src/ keeps caches per call.
      { extends: true, test: { name: "unit", include: ["test/**/*.test.{ts,tsx}"], exclude: E2E, isolate: false } },
      { extends: true, test: { name: "e2e", include: E2E, globalSetup: ["test/helpers/build-on-demand.ts"] } },
    ],
  },
});
