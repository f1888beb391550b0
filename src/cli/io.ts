/** The outside world as the CLI sees it; tests pass their own. */
export interface Io {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: Output;
  readonly stderr: Output;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

export interface Output {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Colour when the stream is a terminal, unless NO_COLOR is set (https://no-color.org) or FORCE_COLOR says otherwise. */
export function useColor(io: Pick<Io, "env">, out: Output): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.FORCE_COLOR !== undefined) return io.env.FORCE_COLOR !== "0";
  return out.isTTY === true && io.env.TERM !== "dumb";
}
