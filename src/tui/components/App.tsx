import { Box, Text, useInput, useStdout } from "ink";
import { useEffect, useState, useSyncExternalStore } from "react";
import type { Question, TuiStore } from "../store.js";
import { Footer } from "./Footer.js";
import { OutputPane } from "./OutputPane.js";
import { ParamForm } from "./ParamForm.js";
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

/** Maps a key to an answer for the question on screen; undefined when the key means nothing here. */
export function answerFor(q: Question, input: string, enter: boolean): string | undefined {
  const k = input.toLowerCase();
  switch (q.kind) {
    case "confirm":
      return ({ y: "yes", s: "skip", a: "abort" } as Record<string, string>)[k];
    case "manual":
      return enter ? "done" : ({ s: "skip", a: "abort" } as Record<string, string>)[k];
    case "failed":
      return ({ r: "retry", s: "skip", b: "rollback", a: "abort" } as Record<string, string>)[k];
    case "interrupted":
      return ({ r: "rerun", s: "skip", d: "done" } as Record<string, string>)[k];
    default:
      return undefined;
  }
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
  const running = snap.progress.steps.some((s) => s.status === "running");
  const now = useNow(running);

  useInput((input, key) => {
    if (key.ctrl && input === "c") {
      if (snap.stopArmed) {
        store.setStopArmed(false);
        onStop();
      } else store.setStopArmed(true);
      return;
    }
    if (snap.stopArmed) {
      store.setStopArmed(false);
      return;
    }
    const q = snap.question;
    if (!q || q.kind === "param") return;
    const answer = answerFor(q, input, key.return);
    if (answer !== undefined) (q.answer as (a: string) => void)(answer);
  });

  const q = snap.question;
  const focusId = q && q.kind !== "param" ? q.step.id : (snap.progress.current ?? snap.progress.steps.find((s) => s.status === "pending")?.id);
  const focus = snap.plan.steps.find((s) => s.id === focusId);
  const listHeight = snap.plan.steps.length + 1;
  const detailHeight = Math.min(12, Math.max(4, Math.floor(rows / 4)));
  const outputHeight = Math.max(3, rows - listHeight - detailHeight - 7);

  if (snap.done) {
    return (
      <Box flexDirection="column">
        <Text bold>{snap.plan.title}</Text>
        <Summary progress={snap.progress} journalFile={snap.journalFile} theme={theme} />
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>{snap.plan.title}</Text>
        <Text dimColor>{snap.progress.runId ? `  run ${snap.progress.runId}` : ""}</Text>
      </Text>
      <StepList plan={snap.plan} progress={snap.progress} now={now} theme={theme} />
      {focus ? <StepDetail step={focus} maxLines={detailHeight} theme={theme} /> : null}
      {q?.kind === "param" ? (
        <ParamForm name={q.name} description={q.description} secret={q.secret} validate={q.validate} onSubmit={q.answer} theme={theme} />
      ) : (
        <OutputPane lines={snap.output} total={snap.outputTotal} height={outputHeight} width={columns - 1} theme={theme} runId={snap.progress.runId} />
      )}
      <Footer question={q} stopArmed={snap.stopArmed} running={running} theme={theme} />
    </Box>
  );
}
