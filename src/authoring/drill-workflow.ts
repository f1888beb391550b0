/** Where `runbook init drills` writes the workflow. */
export const DRILL_WORKFLOW_PATH = ".github/workflows/runbook-drills.yml";

/** The project's own Action, which installs runbook and puts it on PATH. */
export const RUNBOOK_ACTION = "runbook-dev/runbook@main";

/** The label on the issues failed drills open, so each runbook has one issue, updated, never a second. */
export const DRILL_ISSUE_LABEL = "runbook-drill";

export interface DrillWorkflowOptions {
  /** The GitHub environment the job runs in: its secrets and required reviewers apply. */
  readonly environment: string;
  /** Five cron fields, UTC. */
  readonly cron: string;
}

/** A cron line GitHub accepts: five fields of digits, `*`, `,`, `-` and `/`. */
export function cronProblem(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return `expected five fields (minute hour day month weekday), found ${fields.length}`;
  const bad = fields.find((f) => !/^[\d*,/-]+$/.test(f));
  return bad === undefined ? undefined : `\`${bad}\` is not a cron field (digits, \`*\`, \`,\`, \`-\`, \`/\`)`;
}

/**
 * `.github/workflows/runbook-drills.yml`: the due drills on a schedule (or by hand), in a named
 * environment, their verifications proposed in a pull request, and one issue per failed runbook.
 * Every `${{ }}` is in an `env:` or an `if:`, never spliced into a script.
 */
export function drillWorkflow(o: DrillWorkflowOptions): string {
  return `# Written by \`runbook init drills\` (docs/drills.md). Runs the runbooks' drills that are due,
# proposes the verifications of those that pass in a pull request, and opens (or updates) one issue
# per runbook whose drill failed. Secrets the drills need (\`drill.env\`) come from the
# \`${o.environment}\` environment: add them under the drill step's env below.
name: runbook drills
on:
  schedule:
    - cron: "${o.cron}"
  workflow_dispatch:
    inputs:
      all:
        description: Run every drill, not only the due ones
        type: boolean
        default: false
permissions:
  contents: write
  pull-requests: write
  issues: write
concurrency:
  group: runbook-drills
  cancel-in-progress: false
jobs:
  drills:
    runs-on: ubuntu-latest
    environment: ${o.environment}
    timeout-minutes: 60
    steps:
      - uses: actions/checkout@v4
        with:
          # The whole history: a verification names the commit it verified.
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - name: Install runbook
        uses: ${RUNBOOK_ACTION}
        with:
          lint: "false"
          stale: "false"
      - name: Run the drills
        id: drill
        env:
          ALL: \${{ inputs.all }}
          RUNBOOK_OPERATOR: runbook drills (GitHub Actions)
          RUNBOOK_STATE_DIR: \${{ runner.temp }}/runbook-state
          # The variables your drills list under drill.env, from the environment's secrets, e.g.:
          # STAGING_DB_URL: \${{ secrets.STAGING_DB_URL }}
        run: |
          git config user.name "runbook drills"
          git config user.email "runbook-drills@users.noreply.github.com"
          git switch -c "runbook-drills/$GITHUB_RUN_ID"
          due="--due"
          if [ "$ALL" = "true" ]; then due=""; fi
          set +e
          runbook drill $due --commit --format json > "$RUNNER_TEMP/drills.json"
          code=$?
          set -e
          echo "exit-code=$code" >> "$GITHUB_OUTPUT"
      - name: Keep the journals
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: runbook-drill-journals
          path: \${{ runner.temp }}/runbook-state
          if-no-files-found: ignore
      - name: Propose the verifications
        env:
          GH_TOKEN: \${{ github.token }}
          BASE: \${{ github.ref_name }}
        run: |
          if [ "$(git rev-list --count "$GITHUB_SHA..HEAD")" = "0" ]; then
            echo "no drill passed: no verification to propose"
            exit 0
          fi
          git push origin HEAD
          node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(r.markdown)' "$RUNNER_TEMP/drills.json" > "$RUNNER_TEMP/pr.md"
          gh pr create --base "$BASE" --head "runbook-drills/$GITHUB_RUN_ID" --title "Record drill verifications ($(date -u +%F))" --body-file "$RUNNER_TEMP/pr.md"
      - name: Open or update an issue per failed drill
        env:
          GH_TOKEN: \${{ github.token }}
          LABEL: ${DRILL_ISSUE_LABEL}
        run: |
          mkdir -p "$RUNNER_TEMP/failed"
          node -e '
            const fs = require("fs");
            const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
            for (const d of r.drills.filter((x) => x.outcome === "failed")) {
              fs.writeFileSync(process.argv[2] + "/" + d.id + ".md", d.markdown);
              console.log(d.id);
            }' "$RUNNER_TEMP/drills.json" "$RUNNER_TEMP/failed" > "$RUNNER_TEMP/failed.txt"
          if [ ! -s "$RUNNER_TEMP/failed.txt" ]; then echo "no drill failed"; exit 0; fi
          gh label create "$LABEL" --color B60205 --description "A runbook drill failed" 2>/dev/null || true
          while read -r id; do
            title="Drill failed: $id"
            number="$(gh issue list --state open --label "$LABEL" --search "\\"$title\\" in:title" --json number,title --jq ".[] | select(.title == \\"$title\\") | .number" | head -n 1)"
            if [ -n "$number" ]; then
              gh issue comment "$number" --body-file "$RUNNER_TEMP/failed/$id.md"
            else
              gh issue create --title "$title" --label "$LABEL" --body-file "$RUNNER_TEMP/failed/$id.md"
            fi
          done < "$RUNNER_TEMP/failed.txt"
      - name: Fail when a drill failed
        env:
          CODE: \${{ steps.drill.outputs.exit-code }}
        run: exit "$CODE"
`;
}
