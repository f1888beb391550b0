import { describe, expect, it } from "vitest";
import { scanShellVariables } from "../../src/model/shell-vars.js";

describe("scanShellVariables", () => {
  it("finds references outside single quotes and comments", () => {
    const { references } = scanShellVariables(`echo "$A" \${B:-x} '$C' \\$D # $E\necho $F`);
    expect(references.map((r) => r.name)).toEqual(["A", "B", "F"]);
  });

  it("counts a length (${#NAME}) and an indirection (${!NAME}) as reading NAME; ${#} and $# name none", () => {
    const { references } = scanShellVariables('echo "${#S}" ${!P} ${#ARR[@]} ${#} $#');
    expect(references.map((r) => r.name)).toEqual(["S", "P", "ARR"]);
  });

  it("finds local assignments, loop variables and read targets", () => {
    const { assigned } = scanShellVariables("X=1\nexport Y=2\nfor Z in a b; do :; done\nread -r W V\nlocal U=3");
    expect([...assigned].sort()).toEqual(["U", "V", "W", "X", "Y", "Z"]);
  });
});
