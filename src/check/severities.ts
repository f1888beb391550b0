import { onCi } from "../system/on-ci.js";
import type { RuleSetting } from "./lint-runbook.js";

/**
 * The severity of each rule for one lint run: the rules' defaults, then CI's, then the config,
 * then `--rule` flags. On CI (`CI` set, as every CI service sets it) `requires-installed` is off
 * unless the config names it: a build machine rarely has the operator's tools, and a warning on
 * every build teaches people to ignore warnings. Pure.
 */
export function effectiveSeverities(
  config: Readonly<Record<string, RuleSetting>> | undefined,
  env: Readonly<Record<string, string | undefined>>,
  flags: Readonly<Record<string, RuleSetting>> = {},
): Record<string, RuleSetting> {
  const ciDefaults: Record<string, RuleSetting> = onCi(env) && !(config && Object.hasOwn(config, "requires-installed")) ? { "requires-installed": "off" } : {};
  return { ...ciDefaults, ...config, ...flags };
}
