import { Box, Text, useInput, useStdout } from "ink";
import { useEffect, useState, useSyncExternalStore } from "react";
import { printableLine } from "../../views/printable.js";
import { keyPresses, type KeyPress } from "../keys.js";
import type { Question, TuiStore } from "../store.js";
import { Footer } from "./Footer.js";
import { OutputPane } from "./OutputPane.js";
import { ParamForm } from "./ParamForm.js";
import { RollbackPreview } from "./RollbackPreview.js";
import { StepDetail } from "./StepDetail.js";
import { StepList } from "./StepList.js";
import { Summary } from "./Summary.js";
import type { Theme } from "./theme.js";

export interface AppProps {
  readonly store: TuiStore;
  readonly theme: Theme;
  /** The second Ctrl-C: stop the running step and leave the run resumable. */
  readonly onStop: () => void;
}

const LETTERS: Record<Exclude<Question["kind"], "param">, Record<string, string>> = {
  confirm: { y: "yes", s: "skip", a: "abort" },
  manual: { s: "skip", a: "abort" },
  failed: { r: "retry", s: "skip", b: "rollback", a: "abort" },
  interrupted: { r: "rerun", s: "skip", d: "done" },
  undo_before_skip: { y: "yes", n: "no" },
  rollback: { y: "yes", n: "no" },
};

/** Maps a key to an answer for the question on screen; undefined when the key means nothing here. */
export function answerFor(q: Question, k: KeyPress): string | undefined {
  if (q.kind === "param") return undefined;
  if (k.return) return q.kind === "manual" ? "done" : q.kind === "undo_before_skip" ? "yes" : undefined;
  return LETTERS[q.kind][k.text.toLowerCase()];
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return active ? now : Date.now();
}

export function App({ store, theme, onStop }: AppProps) {
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { stdout } = useStdout();
  const rows = stdout.rows || 30;
  const columns = stdout.columns || 100;
  const view = snap.view;
  const running = view?.rows.some((s) => s.runningSince !== undefined) ?? false;
  const now = useNow(running);

  useInput((input, key) => {
    // Keys that arrive in one read are taken one by one, in order.
    for (const k of keyPresses(input, key)) {
      const s = store.getSnapshot();
      if (k.ctrl === "c") {
        if (s.stopArmed) {
          store.setStopArmed(false);
          onStop();
        } else store.setStopArmed(true);
        continue;
      }
      if (s.stopArmed) {
        store.setStopArmed(false);
        continue;
      }
      const q = s.question;
      if (!q || q.kind === "param") continue;
      const answer = answerFor(q, k);
      if (answer !== undefined) q.answer(answer);
    }
  });

  const q = snap.question;
  const askStep = q && q.kind !== "param" && "step" in q ? q.step : undefined;
  const focusId = askStep?.id ?? view?.current;
  const focus = snap.plan.steps.find((s) => s.id === focusId);
  const listHeight = snap.plan.steps.length + 1;
  const detailHeight = Math.min(12, Math.max(4, Math.floor(rows / 4)));
  const outputHeight = Math.max(3, rows - listHeight - detailHeight - 7);

  if (snap.done) {
    if (!view) return null;
    return (
      <Box flexDirection="column">
        <Text bold>{snap.plan.title}</Text>
        <Summary view={view} journalFile={snap.journalFile} theme={theme} />
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>{snap.plan.title}</Text>
        <Text dimColor>{view ? `  run ${view.runId}` : ""}</Text>
      </Text>
      {snap.notices.map((n, i) => (
        <Text key={i} dimColor>
          {printableLine(n)}
        </Text>
      ))}
      {view ? <StepList view={view} now={now} theme={theme} /> : null}
      {q?.kind === "rollback" ? <RollbackPreview items={q.items} theme={theme} /> : focus ? <StepDetail step={focus} maxLines={detailHeight} theme={theme} /> : null}
      {q?.kind === "param" ? (
        <ParamForm name={q.name} description={q.description} secret={q.secret} validate={q.validate} onSubmit={q.answer} theme={theme} />
      ) : (
        <OutputPane lines={snap.output} total={snap.outputTotal} height={outputHeight} width={columns - 1} theme={theme} runId={view?.runId} />
      )}
      <Footer question={q} stopArmed={snap.stopArmed} running={running} theme={theme} />
    </Box>
  );
}
