import type { Report } from "../report.js";
import { formatGithub } from "./github.js";
import { formatJson } from "./json.js";
import { formatSarif } from "./sarif.js";
import { formatStylish } from "./stylish.js";

export const FORMATTERS = { stylish: formatStylish, json: formatJson, github: formatGithub, sarif: formatSarif } as const satisfies Record<string, (r: Report) => string>;
export type FormatName = keyof typeof FORMATTERS;
