import { Box, Text, useInput, useStdout } from "ink";
import { useRef, useSyncExternalStore, type ReactNode } from "react";
import type { PlanStep } from "../../run/plan.js";
import { whenText, type RunView } from "../../report/run-view.js";
import { formatDuration } from "../../model/duration.js";
import { printableLine } from "../../core/printable.js";
import { onQuestionKey } from "../answer-keys.js";
import { runHelp } from "../help.js";
import { useNow, useTerminalSize } from "../hooks.js";
import { keyPresses, type NavKey } from "../keys.js";
import { share } from "../fit.js";
import { checkPanel, PANEL_COLUMNS, PANEL_ROWS, rollbackPanel, stepDetail, stepPanel, storyPanel, type PanelContent } from "../panels.js";
import { onScreenKey } from "../screen-keys.js";
import { isEngineQuestion, type TuiSnapshot, type TuiStore } from "../screen-store.js";
import { footerLines } from "./Footer.js";
import { HelpBox } from "./HelpBox.js";
import { Lines } from "./Lines.js";
import { OutputPane } from "./OutputPane.js";
import { Panel } from "./Panel.js";
import { ParamForm } from "./ParamForm.js";
import { ParamReview } from "./ParamReview.js";
import { StepList } from "./StepList.js";
import { summaryLines, Summary } from "./Summary.js";
import type { Theme } from "./theme.js";

export interface AppProps {
  readonly store: TuiStore;
  readonly theme: Theme;
  /** The second Ctrl-C: stop the running step and leave the run resumable. */
  readonly onStop: () => void;
}

/** The second line: which run, where it stands, since when, who took it over. */
function runLine(view: RunView | undefined, snap: TuiSnapshot, now: number): string {
  if (!view) return snap.question?.kind === "review" ? "not started: check the params" : "not started yet";
  const at = view.rows.findIndex((r) => r.id === view.current);
  const step = view.ended ? "" : at >= 0 ? ` · step ${at + 1} of ${view.rows.length}` : "";
  const last = view.sessions.at(-1);
  // A start time, not a clock: the line stays true while nothing redraws (a question waiting for an answer).
  const when = view.ended ? `in ${formatDuration(view.totalMs)}` : last && view.sessions.length > 1 ? `${last.kind === "rollback" ? "rolling back" : "resumed"} by ${last.operator}` : `started ${whenText(view.startedAt, now, false)}`;
  return `run ${view.runId} · ${view.word}${step} · ${when}`;
}

/** The step a question is about, when the panel shows that step (not a rollback preview): Tab shows all of it. */
function askedStep(snap: TuiSnapshot): string | undefined {
  const q = snap.question;
  if (!isEngineQuestion(q) || q.kind === "rollback") return undefined;
  return q.step?.id;
}

/** The panel for what is on screen now: a rollback preview, a run taken over, a prerequisite, or the step in focus. */
function panelFor(snap: TuiSnapshot, focus: string | undefined, width: number, max: number, now: number): PanelContent | undefined {
  const view = snap.view;
  const q = snap.question;
  if (q?.kind === "rollback") return rollbackPanel(q.items, q.barrier, width, max);
  if (!view) return undefined;
  const check = view.checks.find((c) => c.status === "running" || (c.status === "failed" && !view.ended));
  const step = snap.plan.steps.find((s) => s.id === focus);
  const row = view.rows.find((r) => r.id === focus);
  const asking = q?.kind === "confirm" && q.step.id === focus;
  const bodyAt = (m: number): PanelContent | undefined => (check ? checkPanel(check, view.values, width, m, now) : step ? stepPanel({ step, row, values: view.values, width, max: m, now, asking }) : undefined);
  const body = bodyAt(max);
  if (!snap.story) return body;
  // A run taken over: its story first, then the step it stopped at (up to half the room).
  const bodyRoom = body ? Math.min(body.lines.length, Math.ceil(max / 2)) : 0;
  const story = storyPanel(snap.story, width, body ? Math.max(2, max - bodyRoom - 1) : max);
  const rest = bodyAt(Math.max(0, max - story.lines.length - 1));
  if (!rest) return story;
  return { lines: [...story.lines, [{ text: "─".repeat(Math.min(width, 40)), style: "dim" }], ...rest.lines], tone: "cyan" };
}

export function App({ store, theme, onStop }: AppProps) {
  const snap = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { stdout } = useStdout();
  const { rows, columns } = useTerminalSize(stdout);
  const view = snap.view;
  const running = (view?.rows.some((s) => s.runningSince !== undefined) ?? false) || (view?.checks.some((c) => c.status === "running" && !c.retry) ?? false);
  const counting = (view?.rows.some((s) => s.retry) ?? false) || (view?.checks.some((c) => c.retry) ?? false);
  const now = useNow((running || counting) && !snap.done, counting ? 200 : 1000);
  const page = useRef(5);
  /** The whole step as last drawn: how many lines it has, how many fit. */
  const detail = useRef({ lines: 0, height: 1 });

  const navigate = (nav: NavKey) => {
    const height = Math.max(1, page.current);
    const n = Math.max(1, height - 1);
    if (nav === "up") store.scroll(1, height);
    else if (nav === "down") store.scroll(-1, height);
    else if (nav === "pageup") store.scroll(n, height);
    else if (nav === "pagedown") store.scroll(-n, height);
    else if (nav === "home") store.top(height);
    else if (nav === "end") store.follow();
    else store.switchOutput(nav === "left" ? -1 : 1);
  };

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
      if (s.done || q?.kind === "param" || q?.kind === "review") continue;
      // One key grants a handover someone asked for, at a question or between steps (never half-way through an answer).
      if (s.handover && k.text === "h" && !s.ui.guard && s.ui.typed === "" && !s.screen.help) {
        s.handover.grant();
        continue;
      }
      // Half-way through an answer (a second key awaited), Tab is a key like any other: it cancels.
      const shown = onScreenKey(s.screen, k, { expandable: askedStep(s) !== undefined && !s.ui.guard, ...detail.current });
      if (shown) {
        store.setScreen(shown);
        continue;
      }
      if (k.nav) {
        navigate(k.nav);
        continue;
      }
      if (!isEngineQuestion(q)) continue;
      const r = onQuestionKey(q, s.ui, k);
      if (r.answer !== undefined) q.answer(r.answer);
      else store.setUi(r.ui);
    }
  });

  const width = Math.max(20, columns);
  const title = (
    <Text bold wrap="truncate-end">
      {printableLine(snap.plan.title)}
    </Text>
  );
  const runInfo = (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate-end">
        {printableLine(runLine(view, snap, now))}
      </Text>
      {view?.breakGlass !== undefined ? (
        <Text color="red" bold wrap="truncate-end">
          {printableLine(`BREAK GLASS: run without approval: ${view.breakGlass}`)}
        </Text>
      ) : null}
    </Box>
  );
  const notices = [...snap.notices, ...(snap.handover ? [snap.handover.line] : [])].map((n, i) => (
    <Text key={i} {...(theme.color ? { color: "yellow" } : {})} wrap="truncate-end">
      {printableLine(n)}
    </Text>
  ));
  // One line spare: a frame as tall as the terminal makes it scroll.
  const free = rows - 1 - 2 - (view?.breakGlass !== undefined ? 1 : 0) - snap.notices.length - (snap.handover ? 1 : 0);
  /** Every screen: the title, the run line and the notices, then what this one shows. */
  const screen = (...parts: ReactNode[]) => (
    <Box flexDirection="column">
      {title}
      {runInfo}
      {notices}
      {parts}
    </Box>
  );

  if (snap.done) {
    if (!view) return screen();
    const summaryMax = Math.max(4, free - PANEL_ROWS - 4);
    const summaryHeight = summaryLines(view, snap.journalFile, width - PANEL_COLUMNS, summaryMax).length + PANEL_ROWS;
    return screen(
      <OutputPane key="output" window={snap.output} back={0} chosen={false} height={Math.max(2, free - summaryHeight)} width={width} theme={theme} runId={view.runId} others={false} ended />,
      <Summary key="summary" view={view} journalFile={snap.journalFile} width={width - PANEL_COLUMNS} max={summaryMax} theme={theme} />,
    );
  }

  const q = snap.question;
  const expandable = askedStep(snap);
  const expanded = snap.screen.expanded && expandable !== undefined;
  const footer = footerLines({ question: q, ui: snap.ui, stopArmed: snap.stopArmed, running, width, screen: snap.screen, expandable: expandable !== undefined && !snap.ui.guard, named: snap.plan.parallel > 1 });
  const body = free - footer.length;
  if (q?.kind === "review") return screen(<ParamReview key="review" entries={q.entries} onDone={q.answer} width={width} height={body + footer.length} theme={theme} />);
  if (q?.kind === "param") {
    return screen(
      <ParamForm key="param" name={q.name} description={q.description} example={q.example} choices={q.choices} secret={q.secret} validate={q.validate} onSubmit={q.answer} theme={theme} width={width} />,
      <Lines key="footer" lines={footer} theme={theme} />,
    );
  }
  if (snap.screen.help) {
    const sections = runHelp(isEngineQuestion(q) ? q : undefined, snap.ui, { expandable: expandable !== undefined, expanded });
    return screen(<HelpBox key="help" sections={sections} width={width} height={body} theme={theme} />, <Lines key="footer" lines={footer} theme={theme} />);
  }
  const asked = snap.plan.steps.find((s) => s.id === expandable);
  if (expanded && asked && view) return screen(...wholeStep(snap, asked, { width, height: body, now, theme, detail: detail.current }), <Lines key="footer" lines={footer} theme={theme} />);

  const askStep = isEngineQuestion(q) && "step" in q ? q.step?.id : undefined;
  const focus = askStep ?? view?.current;
  const inner = width - PANEL_COLUMNS;
  const natural = panelFor(snap, focus, inner, 200, now);
  // With a question on screen no more output is coming: the panel may use the room it leaves.
  const outputWanted = isEngineQuestion(q) && snap.output && snap.scrollBack === 0 ? snap.output.lines.length + 1 : undefined;
  // A step waiting for a yes: what it runs and with which values come before the last step's output.
  const budget = share(body, view?.rows.length ?? 0, natural ? natural.lines.length + PANEL_ROWS : 0, outputWanted, q?.kind === "confirm");
  const panel = natural && budget.panel > PANEL_ROWS ? panelFor(snap, focus, inner, budget.panel - PANEL_ROWS, now) : undefined;
  const listHeight = view ? Math.min(budget.list, view.rows.length) : 0;
  const outputHeight = body - listHeight - (panel ? panel.lines.length + PANEL_ROWS : 0);
  page.current = outputHeight - 1;
  return screen(
    view ? <StepList key="steps" view={view} focus={focus} now={now} width={width} height={budget.list} theme={theme} /> : null,
    panel ? <Panel key="panel" content={panel} theme={theme} /> : null,
    ...outputPanes(snap, outputHeight, width, theme, view?.runId),
    <Lines key="footer" lines={footer} theme={theme} />,
  );
}

/**
 * The output on screen: the followed block's; with steps at once (`parallel:`), each step in flight
 * with its own pane, the height shared (unless the operator chose one or scrolled back).
 */
function outputPanes(snap: TuiSnapshot, height: number, width: number, theme: Theme, runId: string | undefined): ReactNode[] {
  const others = snap.outputTargets.length > 1;
  const fit = Math.min(snap.live.length, Math.floor(height / 2));
  if (fit < 2 || snap.chosen || snap.scrollBack > 0) {
    return [<OutputPane key="output" window={snap.output} back={snap.scrollBack} chosen={snap.chosen} height={height} width={width} theme={theme} runId={runId} others={others} ended={false} />];
  }
  const each = Math.floor(height / fit);
  return snap.live.slice(0, fit).map((w, i) => (
    <OutputPane key={`live-${w.target}`} window={w} back={0} chosen={false} height={i === fit - 1 ? height - each * (fit - 1) : each} width={width} theme={theme} runId={runId} others={others && i === fit - 1} ended={false} />
  ));
}

/**
 * The whole step asked about (Tab), scrolled: a line saying which lines are on screen and the keys
 * that move them, then the step's lines in its box. `detail` is told how many lines there are and
 * how many fit, for the keys that scroll.
 */
function wholeStep(snap: TuiSnapshot, step: PlanStep, o: { width: number; height: number; now: number; theme: Theme; detail: { lines: number; height: number } }): ReactNode[] {
  const view = snap.view!;
  const all = stepDetail({ step, row: view.rows.find((r) => r.id === step.id), values: view.values, width: o.width - PANEL_COLUMNS, now: o.now });
  const height = Math.max(1, o.height - 1 - PANEL_ROWS);
  o.detail.lines = all.length;
  o.detail.height = height;
  const top = Math.max(0, Math.min(snap.screen.top, all.length - height));
  const shown = all.slice(top, top + height);
  const where = all.length > height ? ` · lines ${top + 1}–${top + shown.length} of ${all.length}` : "";
  return [
    <Text key="where" dimColor wrap="truncate-end">
      ── step {printableLine(step.id)}, whole{where} ── ↑↓ PgUp PgDn Home End · Tab back
    </Text>,
    <Panel key="whole" content={{ lines: shown, tone: step.irreversible !== undefined ? "yellow" : "gray" }} theme={o.theme} />,
  ];
}
