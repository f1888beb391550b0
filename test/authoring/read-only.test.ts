import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { READ_ONLY_COMMANDS } from "../../src/authoring/import/read-only-commands.js";
import { sqlWhyNotReadOnly } from "../../src/authoring/import/read-only-sql.js";
import { readOnlyTable } from "../../src/authoring/import/read-only-docs.js";
import { readOnlyVerdict } from "../../src/authoring/import/read-only.js";
import { lexShell } from "../../src/authoring/import/shell-words.js";

const why = (source: string) => {
  const v = readOnlyVerdict(source);
  return v.readOnly ? undefined : v.why;
};

describe("the read-only list", () => {
  // Each entry's examples are its tests, as a lint rule's are.
  for (const entry of READ_ONLY_COMMANDS) {
    it(`${entry.names.join(", ")}: read-only examples read, the others change state`, () => {
      for (const e of entry.examples.readOnly) expect(why(e), e).toBeUndefined();
      for (const e of entry.examples.changes) expect(why(e), e).toBeDefined();
    });
  }

  it("is the list docs/import.md shows", () => {
    const docs = readFileSync(new URL("../../docs/import.md", import.meta.url), "utf8");
    expect(docs).toContain(readOnlyTable());
  });
});

describe("a block is read-only when every command in it is", () => {
  it("follows pipes, lists, loops, assignments and substitutions", () => {
    expect(why("kubectl get pods -o json | jq -r '.items[].metadata.name' | sort | uniq -c")).toBeUndefined();
    expect(why("POD=$(kubectl get pod -l app=db -o name)\nkubectl logs \"$POD\" --tail 100 | grep -i error || true")).toBeUndefined();
    expect(why("for ns in $(oc get ns -o name); do oc -n \"$ns\" get pods; done")).toBeUndefined();
    expect(why("export NS=prod # the namespace\nif kubectl -n $NS get deploy api; then echo ok; fi 2>&1 >/dev/null")).toBeUndefined();
    expect(why("cat <<'EOF'\n$(rm -rf /)\nEOF\necho done")).toBeUndefined();
  });

  it("is not read-only with a command off the list, a redirection, sudo, xargs, eval or a substitution that writes", () => {
    expect(why("kubectl get pods | xargs kubectl delete pod")).toMatch(/`xargs` is not on the read-only list/);
    expect(why("kubectl get pods -o yaml > pods.yaml")).toMatch(/redirection `> pods.yaml` writes/);
    expect(why("kubectl get cm x >> /etc/x")).toMatch(/redirection/);
    expect(why("sudo cat /etc/shadow")).toMatch(/`sudo` is not on the read-only list/);
    expect(why("eval \"$(kubectl get x)\"")).toMatch(/`eval`/);
    expect(why("echo $(kubectl delete pod x)")).toMatch(/\$\(kubectl delete pod x\)`: `kubectl`: `delete`/);
    expect(why("echo `systemctl restart x`")).toMatch(/`systemctl`: `restart`/);
    expect(why("diff <(kubectl get a) <(rm b)")).toMatch(/`rm` is not on the read-only list/);
    expect(why("tee out < in")).toMatch(/`tee`/);
    expect(why("$CMD get pods")).toMatch(/named by a variable/);
    expect(why("curl -s $URL | bash")).toMatch(/`bash`/);
    expect(why("cat > /etc/motd <<EOF\nhi\nEOF")).toMatch(/redirection/);
    expect(why("cat <<EOF\n$(rm x)\nEOF")).toMatch(/heredoc that runs a command/);
    expect(why("echo 'unclosed")).toMatch(/never closes/);
    expect(why("case $x in a) rm y;; esac")).toMatch(/`case`/);
    expect(why("f() { rm -rf /; }; f")).toBeDefined();
    expect(why("echo $(( $(rm x) + 1 ))")).toMatch(/arithmetic that runs a command/);
    expect(why("kubectl get pods >(rm x)")).toBeDefined();
    expect(why("echo ${X:-$(rm y)}")).toMatch(/inside `\$\{…\}`/);
    // A variable that makes a program run another turns a read-only command into anything.
    expect(why("PAGER='rm -rf ~' git log")).toMatch(/sets `PAGER`/);
    expect(why("export GIT_PAGER=x\ngit log")).toMatch(/sets `GIT_PAGER`/);
    expect(why("LD_PRELOAD=./x.so cat a")).toMatch(/sets `LD_PRELOAD`/);
    expect(why("NS=prod\nkubectl -n $NS get pods")).toBeUndefined();
  });

  it("the MariaDB page's Example: a POST with a body changes state", () => {
    const block = `curl -sX POST "$MARIADB_AQSH_URL/tasks/switch-primary" \\\n  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\\n  -d '{ "namespace": "mariadb-1", "target": "1", "dry_run": "false", "confirm": "true" }'`;
    expect(why(block)).toMatch(/`curl`: `-X POST` sends a request/);
  });
});

describe("SQL", () => {
  it("reads: select, show, explain, psql listings, read-only functions", () => {
    for (const sql of ["select 1", "SELECT count(*) FROM pg_stat_activity WHERE state <> 'idle';", "show max_connections", "select pg_is_in_recovery(), pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')", "\\dt+", "SHOW ALL SLAVES STATUS\\G", "select 'drop table x' as s", "with a as (select 1) select * from a"]) {
      expect(sqlWhyNotReadOnly(sql), sql).toBeUndefined();
    }
  });

  it("writes: DML, DDL, locks, SET, INTO, functions that act, a second statement", () => {
    for (const sql of ["delete from t", "select 1; drop table t", "select 1 \\g /tmp/out", "select 1 \\o /tmp/out", "select * from t for update", "select pg_terminate_backend(pid) from pg_stat_activity", "select nextval('s')", "set statement_timeout = 0", "select * into t2 from t", "explain analyze delete from t", "with d as (delete from t returning *) select * from d", "select \"pg_reload_conf\"()", "\\! rm x", "select 'unclosed", "do $$ begin end $$"]) {
      expect(sqlWhyNotReadOnly(sql), sql).toBeDefined();
    }
  });
});

describe("lexShell", () => {
  it("splits simple commands, assignments, redirections and substitutions", () => {
    const s = lexShell("A=1 B=\"x y\" kubectl -n \"$NS\" get pods 2>&1 | grep -v x && echo `date` # note\nls <(cat a)");
    expect(s.unsupported).toBeUndefined();
    expect(s.commands.map((c) => c.words.map((w) => w.text))).toEqual([["kubectl", "-n", "$NS", "get", "pods"], ["grep", "-v", "x"], ["echo", "`date`"], ["ls", "<(cat a)"]]);
    expect(s.commands[0]?.assignments.map((w) => w.text)).toEqual(["A=1", "B=x y"]);
    expect(s.commands[0]?.redirects).toEqual([{ op: ">&", target: { text: "1", literal: true, quoted: false } }]);
    expect(s.substitutions).toEqual(["date", "cat a"]);
  });

  it("never throws and always answers on any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."ab $()`'\"\\|&;<>{}#\n=-*"), maxLength: 200 }), (text) => {
        const v = readOnlyVerdict(text);
        expect(typeof v.readOnly).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });
});
