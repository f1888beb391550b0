import { z } from "zod";
import { attributesSchema } from "./attributes.js";
import { configSchema } from "./config-schema.js";
import { frontmatterSchema } from "./frontmatter-schema.js";

const BASE = "https://github.com/runbook-dev/runbook/blob/main/schemas";

/**
 * JSON Schemas generated from the zod schemas, so the published contract cannot drift from
 * what the tool enforces (a test compares them with the committed files).
 */
export function jsonSchemaFor(which: "runbook" | "config"): Record<string, unknown> {
  if (which === "config") {
    return { ...z.toJSONSchema(configSchema, { io: "input" }), $id: `${BASE}/config.schema.json`, title: "runbook.config.yaml" };
  }
  const frontmatter = z.toJSONSchema(frontmatterSchema, { io: "input" });
  return {
    ...frontmatter,
    $id: `${BASE}/runbook.schema.json`,
    title: "Runbook frontmatter",
    description: "YAML frontmatter of a runbook. Shell fence attributes are described under $defs.fenceAttributes (they are written as `key=value` words after the fence's language).",
    $defs: { fenceAttributes: z.toJSONSchema(attributesSchema, { io: "input" }) },
  };
}
