import os from "node:os";

type Env = Readonly<Record<string, string | undefined>>;

/** Who is running this: RUNBOOK_OPERATOR, else the login name. */
export function operatorName(env: Env): string {
  if (env.RUNBOOK_OPERATOR) return env.RUNBOOK_OPERATOR;
  try {
    return os.userInfo().username;
  } catch {
    return env.USER ?? "unknown";
  }
}

/**
 * Who a verification names, the same for `runbook verify` and a recorded drill: git's `user.name`
 * (what the commit will say), else the operator.
 */
export function verifierName(gitUserName: string | undefined, env: Env): string {
  return gitUserName || operatorName(env);
}
