import { describe, expect, it } from "vitest";
import { batches, failuresAllowed } from "../../src/run/fanout.js";
import { inventoryHosts } from "../../src/model/inventory.js";

const hosts = (n: number) => Array.from({ length: n }, (_, i) => `h${i + 1}`);

describe("batches of hosts", () => {
  it("1,50%,100% on five hosts: a canary, then three (50% rounds up), then the last", () => {
    expect(batches(hosts(5), [{ count: 1 }, { percent: 50 }, { percent: 100 }])).toEqual([["h1"], ["h2", "h3", "h4"], ["h5"]]);
  });
  it("1,25%,100% on eight hosts: 1, 2, 5; the last size repeats", () => {
    expect(batches(hosts(8), [{ count: 1 }, { percent: 25 }, { percent: 100 }]).map((b) => b.length)).toEqual([1, 2, 5]);
    expect(batches(hosts(7), [{ count: 2 }]).map((b) => b.length)).toEqual([2, 2, 2, 1]);
    expect(batches([], [{ count: 1 }])).toEqual([]);
  });
  it("max_fail: a count as it is, a percent rounded down", () => {
    const f = (maxFail: { count: number } | { percent: number }, n: number) => failuresAllowed({ batch: [{ percent: 100 }], maxFail, parallel: 10 }, n);
    expect(f({ count: 1 }, 5)).toBe(1);
    expect(f({ percent: 10 }, 5)).toBe(0);
    expect(f({ percent: 50 }, 5)).toBe(2);
  });
});

describe("Ansible inventories", () => {
  it("YAML: a group's hosts and its children's, in order, each once", () => {
    const yaml = "all:\n  children:\n    web:\n      hosts:\n        app-1:\n        app-2: {ansible_host: 10.0.0.2}\n      children:\n        canary:\n          hosts:\n            app-3:\n            app-1:\n";
    expect(inventoryHosts(yaml, "web", "yaml")).toEqual({ hosts: ["app-1", "app-2", "app-3"] });
    expect(inventoryHosts(yaml, "canary", "yaml")).toEqual({ hosts: ["app-3", "app-1"] });
    expect(inventoryHosts(yaml, "webb", "yaml")).toMatchObject({ error: "no group `webb`" });
  });
  it("INI: [group], [group:children], ranges, variables and comments", () => {
    const ini = "# fleet\n[web]\napp-[1:3] ansible_user=deploy\n\n[db]\ndb-[01:02]\n\n[all_servers:children]\nweb\ndb\n[web:vars]\nhttp_port=80\n";
    expect(inventoryHosts(ini, "web", "ini")).toEqual({ hosts: ["app-1", "app-2", "app-3"] });
    expect(inventoryHosts(ini, "all_servers", "ini")).toEqual({ hosts: ["app-1", "app-2", "app-3", "db-01", "db-02"] });
  });
});
