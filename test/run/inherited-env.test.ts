import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { missingEnv } from "../../src/run/inherited-env.js";

describe("missingEnv", () => {
  it("lists declared variables that are unset or empty, in declared order", () => {
    const env = { KUBECONFIG: "/home/op/.kube/config", AWS_PROFILE: "", HOME: "/home/op" };
    expect(missingEnv(["VAULT_ADDR", "KUBECONFIG", "AWS_PROFILE"], env)).toEqual(["VAULT_ADDR", "AWS_PROFILE"]);
  });

  it("is empty when nothing is declared or everything is set", () => {
    expect(missingEnv([], {})).toEqual([]);
    expect(missingEnv(["A", "B"], { A: "1", B: " " })).toEqual([]);
  });

  it("names a variable once however often it is declared", () => {
    expect(missingEnv(["A", "A"], {})).toEqual(["A"]);
  });

  it("does not take an object's inherited properties for variables", () => {
    expect(missingEnv(["toString", "constructor", "__proto__"], {})).toEqual(["toString", "constructor", "__proto__"]);
  });

  it("returns exactly the declared names without a non-empty value (property)", () => {
    const name = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,6}$/);
    fc.assert(
      fc.property(fc.array(name, { maxLength: 8 }), fc.dictionary(name, fc.option(fc.string({ maxLength: 3 }), { nil: undefined })), (declared, env) => {
        const missing = missingEnv(declared, env);
        expect(new Set(missing).size).toBe(missing.length);
        for (const n of declared) expect(missing.includes(n)).toBe(!env[n]);
        expect(missing.every((n) => declared.includes(n))).toBe(true);
      }),
    );
  });
});
