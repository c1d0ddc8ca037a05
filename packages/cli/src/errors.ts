/** Errors the `recops` command reports to its user. */

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
