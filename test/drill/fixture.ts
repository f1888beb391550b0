import { gitRepo } from "../helpers/git.js";
import { tempDir } from "../helpers/tmp.js";

export const fence = "```";

/** One drill passing (with an irreversible step it may take, a manual step assumed and one left out), one failing at a step, one not due. */
export const DRILLED = {
  "runbooks/passing.md": `---
id: passing
owner: team-a
env: [MARK_DIR]
params:
  TARGET: {default: prod}
drill:
  every: 2w
  params: {TARGET: staging}
  confirm_irreversible: [promote]
  manual: assume
---
# Passing drill

## Steps
### Prepare {#prepare}
${fence}sh
echo "preparing $TARGET" && touch "$MARK_DIR/passing-ran"
${fence}
### Promote {#promote}
${fence}sh irreversible="a promoted replica stays promoted"
touch "$MARK_DIR/passing-promoted"
${fence}
### Tell the team {#tell}
Post in the channel.
### Page the DBA {#page drill_skip}
Phone them.
`,
  "runbooks/failing.md": `---
id: failing
owner: team-a
env: [MARK_DIR]
drill:
  every: 1w
---
# Failing drill

## Steps
### First {#first}
${fence}sh
touch "$MARK_DIR/failing-ran"; echo first ok
${fence}
### Migrate the schema {#migrate}
${fence}sh
echo "applying migration 42"; echo 'ERROR: relation "users" does not exist' >&2; exit 3
${fence}
`,
  "runbooks/notdue.md": `---
id: notdue
owner: team-a
env: [MARK_DIR]
last_verified: 2026-12-01
drill:
  every: 30d
---
# Not due

## Steps
### Only {#only}
${fence}sh
touch "$MARK_DIR/notdue-ran"
${fence}
`,
};

export async function drilledRepo(files: Record<string, string> = DRILLED) {
  const repo = await gitRepo();
  await repo.write(".gitignore", ".runbook/\n");
  for (const [f, text] of Object.entries(files)) await repo.write(f, text);
  await repo.commit("runbooks");
  const marks = await tempDir("runbook-drill-marks-");
  return { ...repo, marks };
}

