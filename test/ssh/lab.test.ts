import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasSshd, sshdRequired, standardLab, type SshLab } from "../helpers/sshd.js";

describe.runIf(hasSshd || sshdRequired)("the SSH lab", () => {
  let lab: SshLab;
  beforeAll(async () => {
    lab = await standardLab();
  }, 60_000);
  afterAll(async () => lab?.close());

  it("reaches each alias on its own server, and a stopped server is unreachable", async () => {
    expect(await lab.ssh("app-1", "echo hi")).toEqual({ exitCode: 0, stdout: "hi" });
    expect((await lab.ssh("db-2", "echo $SSH_CONNECTION")).stdout).toContain(String(lab.ports[6]));
    await lab.stop(6);
    expect((await lab.ssh("db-2", "true")).exitCode).toBe(255);
  }, 60_000);
});
