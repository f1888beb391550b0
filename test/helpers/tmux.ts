import { execFileSync, spawnSync } from "node:child_process";
import { BIN } from "./cli.js";

export const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
/** CI sets RUNBOOK_REQUIRE_TMUX=1: there a missing tmux is a failure, not a skip. */
export const tmuxRequired = process.env.RUNBOOK_REQUIRE_TMUX === "1";

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
/** Between two looks at the screen. */
const POLL_MS = 40;
/** The status line the shell prints when the CLI exits (not in `outlive` sessions). */
const EXITED = /EXIT=\d+/;

/** A real terminal: the CLI runs in a detached tmux session, driven by send-keys and read by capture-pane. */
export class TmuxSession {
  readonly socket: string;
  readonly name = "t";

  /**
   * `outlive`: for tests that hang the terminal up (`kill()`): stderr and the exit status go to these
   * files, written by a shell that outlives the terminal, while the CLI gets the hang-up's SIGHUP.
   */
  constructor(args: readonly string[], opts: { cwd: string; env: Record<string, string>; width?: number; height?: number; outlive?: { stderr: string; status: string } }) {
    this.socket = `runbook-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const env = Object.entries({ NO_COLOR: "1", TERM: "xterm-256color", ...opts.env }).map(([k, v]) => `${k}=${quote(v)}`).join(" ");
    // CI is unset inside the terminal: the point is to test the interactive path.
    const cli = `env -u CI ${env} ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(" ")}`;
    // The session's first shell dies of the hang-up, so the kernel sends SIGHUP to the CLI too; the
    // bash between them traps it and stays to write the status.
    const command = opts.outlive
      ? `cd ${quote(opts.cwd)} && bash -c ${quote(`trap true HUP; ${cli} 2>${quote(opts.outlive.stderr)}; echo $? > ${quote(opts.outlive.status)}`)}; sleep 600`
      : `cd ${quote(opts.cwd)} && ${cli}; echo "EXIT=$?"; sleep 600`;
    this.#tmux(["new-session", "-d", "-s", this.name, "-x", String(opts.width ?? 120), "-y", String(opts.height ?? 45), command]);
  }

  #tmux(args: string[]): string {
    return execFileSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  }

  send(...keys: string[]): void {
    this.#tmux(["send-keys", "-t", this.name, ...keys]);
  }

  /** Writes `text` to the terminal in one write, as a paste or a slow link delivers it: all keys in one read. */
  paste(text: string): void {
    this.#tmux(["set-buffer", "-b", "in", text]);
    // -r: send line feeds as they are; -d: drop the buffer after.
    this.#tmux(["paste-buffer", "-r", "-d", "-b", "in", "-t", this.name]);
  }

  /** Resizes the terminal, as dragging the window's corner does. */
  resize(width: number, height: number): void {
    this.#tmux(["resize-window", "-t", this.name, "-x", String(width), "-y", String(height)]);
  }

  /** The title the terminal shows, which an OSC 2 escape sequence sets. */
  title(): string {
    return this.#tmux(["display-message", "-p", "-t", this.name, "#{pane_title}"]).trim();
  }

  screen(): string {
    return this.#tmux(["capture-pane", "-p", "-t", this.name]);
  }

  /**
   * The screen once it shows `pattern`. Polled, never slept on: a busy machine only makes it wait
   * longer. Once the CLI has exited the screen will not change: a pattern not on it by then fails
   * at once, with the screen, rather than after the timeout.
   */
  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const s = this.screen();
      if (pattern.test(s)) return s;
      if (EXITED.test(s)) {
        // The last frame and the exit status reach the terminal together: look once more.
        const last = this.screen();
        if (pattern.test(last)) return last;
        throw new Error(`the CLI exited before ${pattern} was on screen; screen:\n${last}`);
      }
      if (Date.now() > until) throw new Error(`timed out waiting for ${pattern}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /** A frame the terminal has finished drawing: two captures `POLL_MS` apart agree. */
  async settled(timeoutMs = 60_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    let last = this.screen();
    for (;;) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const now = this.screen();
      if (now === last) return now;
      if (Date.now() > until) throw new Error(`the screen never settled; screen:\n${now}`);
      last = now;
    }
  }

  async exitCode(timeoutMs = 60_000): Promise<number> {
    const s = await this.waitFor(/EXIT=\d+/, timeoutMs);
    return Number(/EXIT=(\d+)/.exec(s)?.[1]);
  }

  kill(): void {
    try {
      this.#tmux(["kill-server"]);
    } catch {
      // already gone
    }
  }
}
