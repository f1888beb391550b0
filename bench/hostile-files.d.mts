export function aliasBombYaml(): string;
export const HOSTILE_RUNBOOKS: Record<string, () => string>;
