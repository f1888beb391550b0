import type { Diagnostic } from "../diagnostic.js";
import type { ReportHead, ReportTotals, ReportWriter } from "../formatters/writer.js";

/**
 * Stage 7, report: each file's findings written as soon as its turn comes, in one format, counting
 * what was shown. Nothing of a file is kept after it is written.
 */
export function reportStage(writer: ReportWriter, head: ReportHead, o: { quiet: boolean; write: (text: string) => void }) {
  const w = writer(head);
  const totals = { files: 0, errors: 0, warnings: 0 };
  return {
    file(file: string, diagnostics: readonly Diagnostic[]): void {
      const shown = o.quiet ? diagnostics.filter((d) => d.severity === "error") : diagnostics;
      // Nothing read at all: "0 runbooks checked, no problems" would only mislead.
      if (totals.files++ === 0) o.write(w.start());
      for (const d of shown) totals[d.severity === "error" ? "errors" : "warnings"]++;
      o.write(w.file({ file, diagnostics: shown }));
    },
    end(): ReportTotals {
      if (totals.files) o.write(w.end(totals));
      return totals;
    },
  };
}
