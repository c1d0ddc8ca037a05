/** Errors the `recops` command reports to its user: one line on stderr, then the exit code. */

/** Base of every error the CLI raises. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  /** Process exit code. */
  readonly exitCode: number = 1;
}

/** The command line itself is wrong (unknown command, bad option): exit code 2, like most CLIs. */
export class UsageError extends CliError {
  override readonly name: string = 'UsageError';
  override readonly exitCode: number = 2;
}

/** The target (local cloud or deployed stage) cannot be found or does not answer. */
export class TargetError extends CliError {
  override readonly name: string = 'TargetError';
}

/** Network failures the SDK reports, as a sentence naming the endpoint. */
const NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
};

/** `ECONNREFUSED` → "connection refused", looking through `cause` chains and AggregateErrors. */
export function networkProblem(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (value: unknown): string | undefined => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return undefined;
    seen.add(value);
    const code = (value as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES[code]) return NETWORK_CODES[code];
    const nested = [(value as { cause?: unknown }).cause, ...((value as { errors?: unknown[] }).errors ?? [])];
    for (const inner of nested) {
      const found = visit(inner);
      if (found) return found;
    }
    return undefined;
  };
  return visit(error);
}

/** The one line printed for an error the CLI did not raise itself (an AWS service error, a bug). */
export function describeUnexpected(error: unknown): string {
  if (error instanceof Error) {
    const network = networkProblem(error);
    if (network) return `cannot reach the endpoint (${network})`;
    const firstLine = error.message.split('\n')[0] ?? '';
    return error.name && error.name !== 'Error' ? `${error.name}: ${firstLine}` : firstLine;
  }
  return String(error);
}
