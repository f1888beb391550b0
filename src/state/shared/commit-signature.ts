/**
 * A git commit object with an SSH signature, as git itself writes one (`gpg.format ssh`, `commit -S`):
 * a `gpgsig` header after the others, its armored lines continued by a leading space; what is signed
 * is the object without that header. Pure, so both directions are tested without git.
 */

const HEADER = "gpgsig ";

/** The commit object `payload` (unsigned) with `signature` (armored) in its `gpgsig` header. */
export function withSignature(payload: Buffer, signature: Buffer): Buffer {
  const text = payload.toString("latin1");
  const end = text.indexOf("\n\n");
  const headers = end === -1 ? text.replace(/\n?$/, "\n") : text.slice(0, end + 1);
  const rest = end === -1 ? "" : text.slice(end + 1);
  const lines = signature.toString("latin1").replace(/\n+$/, "").split("\n");
  const header = `${HEADER}${lines.map((l, i) => (i === 0 ? l : ` ${l}`)).join("\n")}\n`;
  return Buffer.from(`${headers}${header}${rest}`, "latin1");
}

/**
 * A commit object split into what was signed and the signature; `signature` undefined when the commit
 * is not signed. A header's continuation lines start with a space; headers end at the first empty line.
 */
export function splitSignature(commit: Buffer): { payload: Buffer; signature: string | undefined } {
  const text = commit.toString("latin1");
  const end = text.indexOf("\n\n");
  const headers = (end === -1 ? text : text.slice(0, end)).split("\n");
  const rest = end === -1 ? "" : text.slice(end + 1);
  const kept: string[] = [];
  const sig: string[] = [];
  let inSig = false;
  for (const line of headers) {
    if (line.startsWith(" ") && inSig) {
      sig.push(line.slice(1));
      continue;
    }
    inSig = line.startsWith(HEADER) && sig.length === 0;
    if (inSig) sig.push(line.slice(HEADER.length));
    else kept.push(line);
  }
  if (sig.length === 0) return { payload: commit, signature: undefined };
  return { payload: Buffer.from(`${kept.join("\n")}\n${rest}`, "latin1"), signature: `${sig.join("\n")}\n` };
}
