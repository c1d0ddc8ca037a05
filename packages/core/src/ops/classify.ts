import { RETRYABLE_ERROR_NAMES } from '../runtime/backoff';
import { OpsError, PermanentOpsError, RetryableOpsError } from './errors';

/** What a failed call means for the caller. */
const ErrorClass = {
  /** Same call may succeed later: return the record to its queue with backoff. */
  retryable: 'retryable',
  /** Will not heal: fail the run with the reason. */
  permanent: 'permanent',
} as const;
type ErrorClass = (typeof ErrorClass)[keyof typeof ErrorClass];

/**
 * Exception names Personalize (and the SDK's transport) use for conditions that heal by themselves.
 * `LimitExceededException` covers both the request rate and the "more than 5 resources PENDING or
 * IN_PROGRESS" quota; both clear once in-flight work finishes.
 */
const RETRYABLE_NAMES: ReadonlySet<string> = new Set([
  // Throttling, LimitExceeded, ResourceInUse: the names the queue runtime retries for any AWS call.
  ...RETRYABLE_ERROR_NAMES,
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalServerError',
  'InternalServerException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

/** Node socket errors: the endpoint (or the local cloud) is briefly unreachable. */
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: unknown;
}

function errorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name } = error as ErrorLike;
  return typeof name === 'string' ? name : undefined;
}

/** Classifies any thrown value from a Personalize call. Unknown errors are permanent. */
function classifyError(error: unknown): ErrorClass {
  if (error instanceof OpsError) return error.retryable ? ErrorClass.retryable : ErrorClass.permanent;
  if (typeof error !== 'object' || error === null) return ErrorClass.permanent;
  const like = error as ErrorLike;
  const name = errorName(error);
  if (name !== undefined && RETRYABLE_NAMES.has(name)) return ErrorClass.retryable;
  if (typeof like.code === 'string' && RETRYABLE_CODES.has(like.code)) return ErrorClass.retryable;
  if (like.$retryable !== undefined && like.$retryable !== null && like.$retryable !== false) {
    return ErrorClass.retryable;
  }
  const status = like.$metadata?.httpStatusCode;
  if (typeof status === 'number' && (status === 429 || status >= 500)) return ErrorClass.retryable;
  return ErrorClass.permanent;
}

function isAlreadyExists(error: unknown): boolean {
  return errorName(error) === 'ResourceAlreadyExistsException';
}

function isNotFound(error: unknown): boolean {
  return errorName(error) === 'ResourceNotFoundException';
}

/**
 * Wraps a failed call as an `OpsError` whose message says what was attempted; the original error
 * stays as `cause`. Already-wrapped errors pass through unchanged.
 */
function toOpsError(error: unknown, attempted: string): OpsError {
  if (error instanceof OpsError) return error;
  const name = errorName(error) ?? 'Error';
  const detail = error instanceof Error ? error.message : String(error);
  const message = `${attempted} failed: ${name}: ${detail}`;
  return classifyError(error) === ErrorClass.retryable
    ? new RetryableOpsError(message, { cause: error })
    : new PermanentOpsError(message, { cause: error });
}

export { ErrorClass, classifyError, isAlreadyExists, isNotFound, toOpsError };
