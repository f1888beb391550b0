import { randomBytes } from "node:crypto";

/**
 * `20261127T124512Z-postgres-failover-3fa9`: sorts by start time, says which runbook, and is
 * unique without coordination.
 */
export function newRunId(runbookId: string, now: Date, random: () => string = () => randomBytes(2).toString("hex")): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `${stamp}-${runbookId}-${random()}`;
}

export const RUN_ID_PATTERN = /^\d{8}T\d{6}Z-[a-z0-9-]+-[0-9a-f]{4}$/;
