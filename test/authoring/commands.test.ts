import { describe, expect, it } from "vitest";
import { ownersOf, parseCodeowners } from "../../src/authoring/import/codeowners.js";
import { freeVariables, isCommandBlock, looksLikeCommand, splitCommand } from "../../src/authoring/import/commands.js";

describe("splitCommand", () => {
  it("takes prompt lines as commands and the rest as their output", () => {
    const r = splitCommand("console", "$ kubectl get pods \\\n    -n kube-system\nNAME   READY\ncoredns 1/1\n$ echo done\ndone");
    expect(r.command).toBe("kubectl get pods \\\n    -n kube-system\necho done");
    expect(r.output).toBe("NAME   READY\ncoredns 1/1\ndone");
  });

  it("treats a console block without prompts as commands, and `# ` as a root prompt only in a session", () => {
    expect(splitCommand("console", "oc get nodes\noc get pods").command).toBe("oc get nodes\noc get pods");
    expect(splitCommand("console", "# systemctl restart kubelet\nok").command).toBe("systemctl restart kubelet");
    expect(splitCommand("bash", "# a comment\nsystemctl restart kubelet").command).toBe("# a comment\nsystemctl restart kubelet");
    expect(splitCommand("bash", "# Stop the VM\n$ virtctl stop vm-1\nVM vm-1 was scheduled to stop")).toMatchObject({ command: "# Stop the VM\nvirtctl stop vm-1", output: "VM vm-1 was scheduled to stop" });
  });

  it("turns <placeholders> into variables, quoted as the context needs, and leaves redirections alone", () => {
    const r = splitCommand("sh", `kubectl -n <namespace> logs <pod-name> < in.txt 2>&1 | grep "<Pattern>" > out <<EOF\nx\nEOF`);
    expect(r.command).toBe(`kubectl -n "\${NAMESPACE}" logs "\${POD_NAME}" < in.txt 2>&1 | grep "\${PATTERN}" > out <<EOF\nx\nEOF`);
    expect([...r.placeholders]).toEqual([["<namespace>", "NAMESPACE"], ["<pod-name>", "POD_NAME"], ["<Pattern>", "PATTERN"]]);
    // Nothing expands in single quotes: the placeholder stays for a person to fill in.
    expect(splitCommand("sh", "jq '.items[] | select(.name == \"<name>\")'").placeholders.size).toBe(0);
  });
});

describe("what counts as a command", () => {
  it("recognises shell and session blocks, prompts under any label, and bare well-known commands", () => {
    expect(isCommandBlock("bash", "ls")).toBe(true);
    expect(isCommandBlock("console", "oc get pods")).toBe(true);
    expect(isCommandBlock("ruby", "$ gitlab-rake db:reindex")).toBe(true);
    expect(isCommandBlock(undefined, "kubectl get pods")).toBe(true);
    expect(isCommandBlock(undefined, "NAME READY")).toBe(false);
    expect(isCommandBlock("yaml", "kubectl: 1")).toBe(false);
    expect(looksLikeCommand("kubectl -n $NAMESPACE get pod $POD")).toBe(true);
    expect(looksLikeCommand("kubectl")).toBe(false);
    expect(looksLikeCommand("status.phase")).toBe(false);
  });

  it("finds upper-case variables a command uses without setting them", () => {
    expect(freeVariables('POD=$(kubectl get pod -o name); kubectl -n "$NAMESPACE" logs "$POD" ${CONTAINER:-app} $local')).toEqual(["NAMESPACE", "CONTAINER"]);
  });
});

describe("CODEOWNERS", () => {
  const rules = parseCodeowners("# owners\n*       @org/everyone\n/runbooks/db/   @org/dba  @alice\ndocs/*.md @org/docs\n*.erb  @org/govuk # trailing comment\n");

  it("gives the last matching rule's owners, as GitHub does", () => {
    expect(ownersOf(rules, "runbooks/db/failover.md")).toEqual(["@org/dba", "@alice"]);
    expect(ownersOf(rules, "runbooks/cache/flush.md")).toEqual(["@org/everyone"]);
    expect(ownersOf(rules, "docs/a.md")).toEqual(["@org/docs"]);
    expect(ownersOf(rules, "docs/sub/a.md")).toEqual(["@org/everyone"]);
    expect(ownersOf(rules, "source/manual/x.html.md.erb")).toEqual(["@org/govuk"]);
    expect(ownersOf(parseCodeowners(""), "a.md")).toBeUndefined();
  });
});
