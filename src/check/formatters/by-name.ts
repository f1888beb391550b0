import type { Report } from "../findings-report.js";
import { formatGithub, githubWriter } from "./github.js";
import { formatJson, jsonWriter } from "./json.js";
import { formatSarif, sarifWriter } from "./sarif.js";
import { formatStylish, stylishWriter } from "./stylish.js";
import type { ReportWriter } from "./writer.js";

export const FORMATTERS = { stylish: formatStylish, json: formatJson, github: formatGithub, sarif: formatSarif } as const satisfies Record<string, (r: Report) => string>;
export type FormatName = keyof typeof FORMATTERS;
/** The same formats, written a file at a time. */
export const WRITERS: Readonly<Record<FormatName, ReportWriter>> = { stylish: stylishWriter, json: jsonWriter, github: githubWriter, sarif: sarifWriter };
