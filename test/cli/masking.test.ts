import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fence, journalFiles, runbookProject, runIn } from "../helpers/runbooks.js";

/** Every 12-character window of the secret's base64 at each byte alignment. */
function base64Windows(secret: string): string[] {
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const form = Buffer.from(`${"a".repeat(k)}${secret}`).toString("base64").slice(k === 0 ? 0 : k + 1, -4);
    for (let i = 0; i + 12 <= form.length; i++) out.push(form.slice(i, i + 12));
  }
  return out;
}

// Issue 13, case 7: real tools' encodings of a secret reached the journal and the screen.
describe("masking what real tools print (real processes)", () => {
  it("masks wrapped base64 (GNU base64, base64 -w 64), Python's quote and json.dumps, printf %q, and a short secret's base64", async () => {
    const long = `pässwörd/with spaces&"quotes'!-${"0123456789".repeat(9)}`;
    const short = "s3cr3t!x";
    const python = (expr: string) => `if command -v python3 >/dev/null; then python3 -c "import os,sys,json,urllib.parse as u; print(${expr})"; else node -e "${nodeFallback(expr)}"; fi`;
    const body = [
      'printf "%s" "$LONG" | base64',
      'printf "header:%s:trailer" "$LONG" | base64 -w 64',
      python('u.quote(os.environ[\'LONG\'])'),
      python('u.quote_plus(os.environ[\'LONG\'])'),
      python('json.dumps(os.environ[\'LONG\'])'),
      'printf "%q\\n" "$LONG"',
      'printf "%s" "$SHORT" | base64',
      'printf "ab%s\\n" "$SHORT" | base64',
    ].join("\n");
    const p = await runbookProject(`## Steps\n### Leak\n${fence("bash", body)}`, "params:\n  LONG: {secret: true}\n  SHORT: {secret: true}\n");
    const r = await runIn(p, ["run", "rb.md", "--plain"], { RUNBOOK_PARAM_LONG: long, RUNBOOK_PARAM_SHORT: short });
    expect(r.exitCode, r.stderr).toBe(0);
    const journal = readFileSync(journalFiles(p.state)[0]!, "utf8");
    for (const [where, text] of [["journal", journal], ["stdout", r.stdout]] as const) {
      expect(text, where).toContain("***");
      for (const w of [...base64Windows(long), ...base64Windows(short)]) expect(text.includes(w), `${where}: ${w}`).toBe(false);
      for (const leak of ["0123456789", "p%C3%A4ssw%C3%B6rd", "p\\u00e4ssw\\u00f6rd", "with\\ spaces"]) expect(text.includes(leak), `${where}: ${leak}`).toBe(false);
    }
  });

  it("refuses a secret shorter than 8 characters, saying why", async () => {
    const p = await runbookProject(`## Steps\n### A\n${fence("sh", 'test -n "$S"')}`, "params:\n  S: {secret: true}\n");
    const r = await runIn(p, ["run", "rb.md", "-p", "S=abcde"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("Secret `S` is shorter than 8 characters");
  });
});

/** The same output from node, where python3 is missing (a user's machine). */
function nodeFallback(expr: string): string {
  const v = "process.env.LONG";
  if (expr.startsWith("u.quote_plus")) return `console.log(encodeURIComponent(${v}).replace(/[!'()*]/g,c=>'%'+c.charCodeAt(0).toString(16).toUpperCase()).replace(/%20/g,'+'))`;
  if (expr.startsWith("u.quote")) return `console.log(encodeURIComponent(${v}).replace(/[!'()*]/g,c=>'%'+c.charCodeAt(0).toString(16).toUpperCase()).replace(/%2F/g,'/'))`;
  return `console.log(JSON.stringify(${v}).replace(/[\\u0080-\\uffff]/g,c=>'\\\\u'+c.charCodeAt(0).toString(16).padStart(4,'0')))`;
}
