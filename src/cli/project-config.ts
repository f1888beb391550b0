import { RULE_IDS } from "../check/registry.js";
import { loadConfig, type LoadedConfig } from "../system/config-file.js";

/** The project's config, its `rules:` checked against the rules this build has. */
export function loadProjectConfig(cwd: string, explicit?: string): Promise<LoadedConfig> {
  return loadConfig(cwd, explicit, RULE_IDS);
}
