import type { FileHistory } from "./define-rule.js";
import type { Runbook } from "../model/types.js";
import type { Point } from "../model/positions.js";
import { addPeriod, parseReviewPeriod, type ReviewPeriod } from "../model/duration.js";

export type StaleKind = "never-verified" | "overdue" | "changed";

export interface StaleFinding {
  readonly kind: StaleKind;
  readonly message: string;
  readonly place: Point;
}

export interface Staleness {
  readonly lastVerified: string | undefined;
  readonly reviewEvery: ReviewPeriod;
  readonly due: string | undefined;
  readonly findings: readonly StaleFinding[];
}

export const DEFAULT_REVIEW_EVERY = "90d";
const START: Point = { line: 1, column: 1, offset: 0 };

const text = (v: unknown): string | undefined => (typeof v === "string" ? v : v instanceof Date ? v.toISOString().slice(0, 10) : undefined);

/**
 * Is this runbook stale as of `today`? Never verified; overdue (`last_verified` + `review_every`
 * is past); or its steps changed after the commit it was verified at. Reads the frontmatter
 * leniently, so pages that are not runbooks yet (GOV.UK's `last_reviewed_on` + `review_in`) are
 * judged too. Pure.
 */
export function assessStaleness(runbook: Pick<Runbook, "frontmatter">, opts: { today: Date; defaultReviewEvery?: string | undefined; history?: FileHistory | undefined }): Staleness {
  const data = (runbook.frontmatter?.data && typeof runbook.frontmatter.data === "object" ? runbook.frontmatter.data : {}) as Record<string, unknown>;
  const locate = (keys: string[]): Point => {
    const key = keys.find((k) => k in data);
    return key && runbook.frontmatter ? runbook.frontmatter.locate([key], "key") : START;
  };
  const periodText = text(data.review_every) ?? text(data.review_in) ?? opts.defaultReviewEvery ?? DEFAULT_REVIEW_EVERY;
  const reviewEvery = parseReviewPeriod(periodText) ?? parseReviewPeriod(DEFAULT_REVIEW_EVERY)!;
  const last = text(data.last_verified) ?? text(data.last_reviewed_on);
  const findings: StaleFinding[] = [];

  const lastDate = last !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(last) && !Number.isNaN(Date.parse(last)) ? new Date(`${last}T00:00:00Z`) : undefined;
  let due: string | undefined;
  if (!lastDate) {
    findings.push({
      kind: "never-verified",
      message: last === undefined ? "Never verified: run a drill with `runbook run --record`, or record one with `runbook verify`" : `\`last_verified\` is not a date (\`${last}\`): the runbook counts as never verified`,
      place: locate(["last_verified", "last_reviewed_on"]),
    });
  } else {
    const dueDate = addPeriod(lastDate, reviewEvery);
    due = dueDate.toISOString().slice(0, 10);
    const today = Date.UTC(opts.today.getUTCFullYear(), opts.today.getUTCMonth(), opts.today.getUTCDate());
    if (today > dueDate.getTime()) {
      const days = Math.round((today - dueDate.getTime()) / 86_400_000);
      findings.push({ kind: "overdue", message: `Overdue: last verified ${last}, due again ${due} (every ${periodText}); ${days} day${days === 1 ? "" : "s"} late`, place: locate(["last_verified", "last_reviewed_on"]) });
    }
    const changed = opts.history?.stepsChangedSince;
    if (changed) {
      const where = changed.commit === "working tree" ? "uncommitted changes" : `${changed.commit.slice(0, 8)} (${changed.date.slice(0, 10)}: ${changed.subject})`;
      findings.push({ kind: "changed", message: `Steps changed since verified: ${where}; verify it again`, place: locate(["verified_commit", "last_verified", "last_reviewed_on"]) });
    } else if (opts.history?.unknownCommit) {
      findings.push({ kind: "changed", message: `\`verified_commit\` is not in this repository's history: cannot tell whether the steps changed since`, place: locate(["verified_commit"]) });
    }
  }
  return { lastVerified: last, reviewEvery, due, findings };
}
