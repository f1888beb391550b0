import type { BlockRole } from "./types.js";

/** A step's blocks by role, as a step holds them: the first of each role, and the others after it. */
export function blocksByRole<B extends { readonly role: BlockRole }>(blocks: readonly B[]) {
  const of = (role: BlockRole) => blocks.filter((b) => b.role === role);
  const [command, ...extraCommands] = of("command");
  const [rollback, ...extraRollbacks] = of("rollback");
  const [verify, ...extraVerifies] = of("verify");
  return { command, extraCommands, rollback, extraRollbacks, verify, extraVerifies };
}

/**
 * The blocks a step's fingerprint is made of, in one order whatever the text's: its command, verify
 * and rollback, then its other commands (a second verify or rollback is a lint finding, not part of
 * the step). The full parse and the outline read without it both go through here.
 */
export function fingerprintedBlocks<B>(step: { readonly command: B | undefined; readonly verify: B | undefined; readonly rollback: B | undefined; readonly extraCommands: readonly B[] }): B[] {
  return [step.command, step.verify, step.rollback, ...step.extraCommands].filter((b) => b !== undefined);
}
