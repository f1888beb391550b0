/**
 * Whether this process runs on a CI service: `CI` set, as every CI service sets it, and not
 * `""`, `false` or `0`. On CI nobody answers prompts, no progress line is drawn, and lint turns
 * `requires-installed` off. One predicate, so all three agree on `CI=false`.
 */
export function onCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const v = env.CI;
  return v !== undefined && v !== "" && v !== "false" && v !== "0";
}
