/** Where the project lives; rule docs, SARIF and editor diagnostics link here. */
export const PROJECT_URL = "https://github.com/runbook-dev/runbook";

/** The documentation of one lint rule. */
export function ruleUrl(id: string): string {
  return `${PROJECT_URL}/blob/main/docs/rules.md#${id}`;
}
