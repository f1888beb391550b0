import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitSignature, withSignature } from "../../src/state/shared/commit-signature.js";
import { signatureKeyFingerprint } from "../../src/system/ssh-signatures.js";

const COMMIT = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent 1111111111111111111111111111111111111111\nauthor alice <alice@vm> 1764691200 +0000\ncommitter alice <alice@vm> 1764691200 +0000\n\nrunbook run x: 2 events [bytes 10]\n";
const SIG = "-----BEGIN SSH SIGNATURE-----\nU1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg\nAAAA\n-----END SSH SIGNATURE-----\n";

describe("a commit's SSH signature header (as git writes it)", () => {
  it("puts the signature after the headers, continued by a space, and takes it out again byte for byte", () => {
    const signed = withSignature(Buffer.from(COMMIT), Buffer.from(SIG)).toString();
    expect(signed).toContain("committer alice <alice@vm> 1764691200 +0000\ngpgsig -----BEGIN SSH SIGNATURE-----\n U1NIU0lHAAAAAQAAADMAAAALc3NoLWVkMjU1MTkAAAAg\n AAAA\n -----END SSH SIGNATURE-----\n\nrunbook run x");
    const back = splitSignature(Buffer.from(signed));
    expect(back.payload.toString()).toBe(COMMIT);
    expect(back.signature).toBe(SIG);
  });

  it("says an unsigned commit is unsigned, and any bytes round-trip", () => {
    expect(splitSignature(Buffer.from(COMMIT)).signature).toBeUndefined();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (msg) => {
        const payload = Buffer.concat([Buffer.from(COMMIT.split("\n\n")[0]! + "\n\n"), Buffer.from(msg)]);
        const back = splitSignature(withSignature(payload, Buffer.from(SIG)));
        expect(back.payload.equals(payload)).toBe(true);
      }),
    );
  });

  it("reads the signing key's fingerprint out of an armored signature; anything else is undefined", () => {
    // PROTOCOL.sshsig: "SSHSIG", a version, then the public key as a string (length-prefixed).
    const key = Buffer.from("000000000b7373682d656432353531390000002001020304", "hex");
    const blob = Buffer.concat([Buffer.from("SSHSIG"), Buffer.from([0, 0, 0, 1]), Buffer.from([0, 0, 0, key.length]), key, Buffer.alloc(8)]);
    const armored = `-----BEGIN SSH SIGNATURE-----\n${blob.toString("base64").replace(/.{1,70}/g, "$&\n")}-----END SSH SIGNATURE-----\n`;
    expect(signatureKeyFingerprint(armored)).toBe(`SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`);
    // A length past the end of the blob is not a key.
    expect(signatureKeyFingerprint(SIG)).toBeUndefined();
    expect(signatureKeyFingerprint("not a signature")).toBeUndefined();
    expect(signatureKeyFingerprint("-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----")).toBeUndefined();
  });
});
