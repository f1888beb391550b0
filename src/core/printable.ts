/**
 * Text from a journal is shown, never obeyed: a param or a command's output must not be able to
 * clear the screen, move the cursor or forge a line. Colour (SGR) sequences in output are dropped;
 * every other control character is shown as an escape.
 */
const SGR = /\u001b\[[0-9;:]*m/g;
// C0 controls but tab and newline, DEL, and C1 controls.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const LINE_CONTROL = /[\u0000-\u0008\n-\u001f\u007f-\u009f]/g;

const escape = (c: string) => {
  const code = c.charCodeAt(0);
  return code === 0x0a ? "\\n" : code === 0x0d ? "\\r" : code === 0x1b ? "\\e" : `\\x${code.toString(16).padStart(2, "0")}`;
};

/** Output text: newlines and tabs kept, colours dropped, other control characters escaped. */
export function printableOutput(text: string): string {
  return text.replace(SGR, "").replace(CONTROL, escape);
}

/** A value shown on one line (a param, an answer, a name): every control character escaped. */
export function printableLine(text: string): string {
  return text.replace(LINE_CONTROL, escape);
}
