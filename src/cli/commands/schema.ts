import { jsonSchemaFor } from "../../model/schema/json-schema.js";
import { EXIT, UsageError } from "../../core/errors.js";
import type { Io } from "../io.js";

export default async function schema(io: Io, which: string): Promise<number> {
  if (which !== "runbook" && which !== "config") throw new UsageError(`Unknown schema \`${which}\`: expected runbook or config`);
  io.stdout.write(`${JSON.stringify(jsonSchemaFor(which), null, 2)}\n`);
  return EXIT.ok;
}
