import { problemRule } from "../define-rule.js";
import { runbookExample } from "../examples.js";

export default problemRule({
  id: "fence-attributes",
  description: "A shell fence's attributes are known and well-formed: `confirm`, `timeout=30s`, `retries=3`, `backoff=1s`, `needs=a,b`, `capture=VAR`, `irreversible=\"why\"`, `cwd=dir`, `rollback`, `verify`.",
  severity: "error",
  examples: {
    good: [runbookExample("## Steps\n### Restart\n```sh confirm timeout=30s retries=2 backoff=1s\nsystemctl restart app\n```\n```sh rollback\nsystemctl stop app\n```\n")],
    bad: [
      runbookExample("## Steps\n### Restart\n```sh timout=30s\ntrue\n```\n"),
      runbookExample("## Steps\n### Restart\n```sh retries=many\ntrue\n```\n"),
      runbookExample("## Steps\n### Restart\n```sh\ntrue\n```\n```sh rollback confirm\ntrue\n```\n"),
    ],
  },
});
