/**
 * The variables a runbook declares under `env:` that the operator's environment does not provide.
 * Empty counts as missing: `KUBECONFIG=` is as useless to kubectl as no KUBECONFIG, and a run that
 * stops before its first step is cheaper than one that fails halfway. Pure; names come back in the
 * order declared, each once.
 */
export function missingEnv(declared: readonly string[], env: Readonly<Record<string, string | undefined>>): string[] {
  const missing: string[] = [];
  for (const name of declared) {
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    if ((value === undefined || value === "") && !missing.includes(name)) missing.push(name);
  }
  return missing;
}
