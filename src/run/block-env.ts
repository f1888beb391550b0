/**
 * The environment a block inherits: the runner's own, less what could make the shell run other
 * code (BASH_ENV, ENV, exported functions) or leak params given through RUNBOOK_PARAM_*.
 */
export function inheritedEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || k === "BASH_ENV" || k === "ENV" || k.startsWith("BASH_FUNC_") || k.startsWith("RUNBOOK_PARAM_")) continue;
    out[k] = v;
  }
  return out;
}
