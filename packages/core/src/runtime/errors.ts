/** Errors of the Lambda runtime shared by every service. */
import type { PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { CoreError } from '../errors';

/** Base class of the runtime's errors. */
export class RuntimeError extends CoreError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RuntimeError';
  }
}

/** A required environment variable is missing or empty. */
export class RuntimeConfigError extends RuntimeError {
  readonly variable: string;

  constructor(variable: string, message = `environment variable ${variable} is required but not set`) {
    super(message);
    this.name = 'RuntimeConfigError';
    this.variable = variable;
  }
}

/** PutEvents accepted the request but rejected some entries (FailedEntryCount > 0). */
export class PublishError extends RuntimeError {
  /** Rejected entries with EventBridge's ErrorCode/ErrorMessage, aligned with `detailTypes`. */
  readonly failures: readonly { readonly detailType: string; readonly errorCode: string; readonly errorMessage: string }[];
  /** True when every rejection is transient (throttling, internal failure), i.e. a retry may succeed. */
  readonly retryable: boolean;

  constructor(failures: PublishError['failures']) {
    super(
      `PutEvents rejected ${failures.length} entr${failures.length === 1 ? 'y' : 'ies'}: ${failures
        .map((f) => `${f.detailType}: ${f.errorCode} ${f.errorMessage}`)
        .join('; ')}`,
    );
    this.name = 'PublishError';
    this.failures = failures;
    this.retryable = failures.every((f) => TRANSIENT_PUT_EVENTS_CODES.has(f.errorCode));
  }

  static fromResult(detailTypes: readonly string[], entries: readonly PutEventsResultEntry[]): PublishError {
    const failures = entries.flatMap((entry, index) =>
      entry.ErrorCode
        ? [{ detailType: detailTypes[index] ?? '?', errorCode: entry.ErrorCode, errorMessage: entry.ErrorMessage ?? '' }]
        : [],
    );
    return new PublishError(failures);
  }
}

const TRANSIENT_PUT_EVENTS_CODES: ReadonlySet<string> = new Set(['ThrottlingException', 'InternalFailure', 'InternalException']);

/**
 * Thrown (by logic or by the runtime) to return a record to its queue after a backoff: the condition
 * heals by itself (throttling, a quota of in-flight jobs, a resource in a transitional state).
 */
export class RetryLaterError extends RuntimeError {
  readonly retryable = true;
  /** Visibility timeout set on the record, once the runtime has applied the backoff. */
  readonly delaySeconds: number | undefined;

  constructor(message: string, options?: ErrorOptions & { delaySeconds?: number }) {
    super(message, options);
    this.name = 'RetryLaterError';
    this.delaySeconds = options?.delaySeconds;
  }
}

/** A stored document (run state, claim, applied run…) that is not JSON or does not match its schema: retrying does not heal it. */
export class DocumentFormatError extends RuntimeError {
  constructor(where: string, problems: readonly string[]) {
    super(`${where} is not a valid document: ${problems.join('; ')}`);
    this.name = 'DocumentFormatError';
  }
}

/** Conditional writes of a document kept losing to concurrent writers; a later delivery reads again. */
export class DocumentConflictError extends RuntimeError {
  readonly retryable = true;

  constructor(where: string, attempts: number) {
    super(`${where} changed under ${attempts} consecutive conditional writes`);
    this.name = 'DocumentConflictError';
  }
}
