import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildRunbook } from "../../src/model/build-runbook.js";

const demo = readFileSync(new URL("../../runbooks/demo-failover.md", import.meta.url), "utf8");

describe("buildRunbook", () => {
  it("turns the demo into steps with ids, roles and attributes", () => {
    const r = buildRunbook("demo.md", demo);
    expect(r.problems).toEqual([]);
    expect(r.meta?.id).toBe("demo-failover");
    expect(r.steps.map((s) => s.id)).toEqual(["start-lab", "check-lag", "fence", "promote", "new-primary", "repoint", "check-writes"]);
    const [start, lag, fence, promote, capture, repoint] = r.steps;
    expect(start?.rollback?.role).toBe("rollback");
    expect(lag?.command?.attributes).toMatchObject({ retries: 5, backoff: 500, timeout: 10_000 });
    expect(fence).toMatchObject({ confirm: true, manual: false });
    expect(promote?.irreversible).toMatch(/cannot be turned back/);
    expect(promote?.verify?.attributes).toMatchObject({ verify: true, retries: 2 });
    expect(capture?.capture).toBe("NEW_PRIMARY");
    expect(repoint).toMatchObject({ manual: true, command: undefined });
    expect(repoint?.instructions).toMatch(/^Update the service discovery entry/);
    expect(r.prerequisites).toHaveLength(1);
    expect(r.rollback).toHaveLength(1);
  });

  it("derives ids from headings, dropping a leading number", () => {
    const r = buildRunbook("x.md", "---\nid: x\nowner: y\n---\n## Steps\n### 1. Drain the Node!\nx\n### 2) Café au lait\nx\n### Explicit {#my-id}\nx\n");
    expect(r.steps.map((s) => [s.id, s.title, s.explicitId])).toEqual([
      ["drain-the-node", "1. Drain the Node!", false],
      ["cafe-au-lait", "2) Café au lait", false],
      ["my-id", "Explicit", true],
    ]);
  });

  it("knows positions of steps and blocks, also with CRLF line endings and a BOM", () => {
    const lf = "---\nid: x\nowner: y\n---\n# T\n## Steps\n### A\n```sh confirm\ntrue\n```\n";
    for (const text of [lf, lf.replace(/\n/g, "\r\n"), `\ufeff${lf}`]) {
      const r = buildRunbook("x.md", text);
      expect(r.meta?.id).toBe("x");
      expect(r.steps[0]?.span.start).toMatchObject({ line: 7, column: 1 });
      expect(r.steps[0]?.command?.span.start).toMatchObject({ line: 8, column: 1 });
      expect(r.steps[0]?.command?.source).toBe("true");
      expect(r.steps[0]?.command?.attributeSpans.get("confirm")?.start).toMatchObject({ line: 8, column: 7 });
    }
  });

  it("finds fences nested in list items and keeps non-shell blocks as shown-only", () => {
    const r = buildRunbook("x.md", "---\nid: x\nowner: y\n---\n## Steps\n### A\n1. First:\n   ```bash\n   echo nested\n   ```\n2. Look:\n   ```yaml\n   a: 1\n   ```\n");
    expect(r.steps[0]?.command?.source).toBe("echo nested");
    expect(r.steps[0]?.command?.span.start).toMatchObject({ line: 8, column: 4 });
    expect(r.blocks.map((b) => [b.lang, b.shell])).toEqual([["bash", true], ["yaml", false]]);
  });

  it("accepts the GOV.UK review keys as aliases", () => {
    const r = buildRunbook("x.md", "---\nid: x\nowner: y\nlast_reviewed_on: 2024-01-15\nreview_in: 6 months\n---\n## Steps\n### A\nx\n");
    expect(r.problems).toEqual([]);
    expect(r.meta).toMatchObject({ last_reviewed_on: "2024-01-15", review_in: { count: 6, unit: "month" } });
  });

  it.each([
    ["malformed YAML", "---\nid: [x\nowner: y\n---\n", "yaml-syntax", 3],
    ["frontmatter that is a list", "---\n- a\n- b\n---\n", "frontmatter-schema", 2],
    ["frontmatter never closed", "---\nid: x\nowner: y\n", "frontmatter-schema", 1],
    ["tabs in YAML", "---\nid: x\nowner:\n\t- y\n---\n", "yaml-syntax", 4],
    ["duplicate keys", "---\nid: x\nid: y\nowner: z\n---\n", "yaml-syntax", 3],
  ])("records %s as a problem with a line", (_name, text, ruleId, line) => {
    const r = buildRunbook("x.md", text);
    const p = r.problems.find((x) => x.ruleId === ruleId);
    expect(p).toBeDefined();
    expect("start" in p!.place ? p!.place.start.line : p!.place.line).toBe(line);
  });
});
