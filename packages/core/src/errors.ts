/** One broken rule in a parameter file: where (JSON path, e.g. `solutions[1].serviceConfig.name`) and what. */
export interface ParameterFileIssue {
  readonly path: string;
  readonly message: string;
}

/** Base class of every error `packages/core` throws on purpose. */
export class CoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CoreError';
  }
}

/**
 * A parameter file that cannot be used. Carries every broken rule, not only the first, so a user can
 * fix the file in one go. The message lists them as `path: message`, one per line.
 */
export class ParameterFileError extends CoreError {
  readonly issues: readonly ParameterFileIssue[];

  constructor(issues: readonly ParameterFileIssue[], options?: ErrorOptions) {
    super(formatIssues(issues), options);
    this.name = 'ParameterFileError';
    this.issues = issues;
  }
}

/** The parameter file is not JSON at all; `line` and `column` are 1-based. */
export class ParameterFileSyntaxError extends ParameterFileError {
  readonly line: number;
  readonly column: number;

  constructor(message: string, line: number, column: number, options?: ErrorOptions) {
    super([{ path: '$', message: `invalid JSON at line ${line}, column ${column}: ${message}` }], options);
    this.name = 'ParameterFileSyntaxError';
    this.line = line;
    this.column = column;
  }
}

/** `resolvePlan` was called with options it cannot use (empty bucket, malformed run stamp, …). */
export class PlanOptionsError extends CoreError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PlanOptionsError';
  }
}

function formatIssues(issues: readonly ParameterFileIssue[]): string {
  if (issues.length === 0) return 'invalid parameter file';
  const lines = issues.map((issue) => `${issue.path}: ${issue.message}`);
  return `invalid parameter file (${issues.length} ${issues.length === 1 ? 'error' : 'errors'}):\n${lines.join('\n')}`;
}
