/**
 * Returning a record to its queue with backoff. Conditions that heal by themselves (throttling,
 * LimitExceeded, ResourceInUse) must not be waited out inside a Lambda: the record's visibility
 * timeout is raised instead, the record is reported as failed, and SQS hands it out again once the
 * timeout passes. Each retry counts towards maxReceiveCount, after which the record goes to the DLQ.
 */
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/** Error names that mean "try again later" for any AWS call the services make. */
export const RETRYABLE_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'ResourceInUseException',
]);

/**
 * True for throttling, LimitExceeded and ResourceInUse errors, and for any error that declares
 * itself retryable (`retryable: true`, as RetryLaterError and packages/core/src/ops errors do).
 */
export function isRetryableError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, retryable } = error as { name?: unknown; retryable?: unknown };
  return retryable === true || (typeof name === 'string' && RETRYABLE_ERROR_NAMES.has(name));
}

export interface BackoffOptions {
  /** Delay after the first receive. Default 10 s. */
  readonly baseSeconds?: number;
  /** Upper bound; SQS allows 12 h, recops keeps to 15 min so a run never stalls long. Default 900. */
  readonly maxSeconds?: number;
  /** Source of randomness in [0, 1) for jitter (tests pass a constant). */
  readonly random?: () => number;
}

/** SQS's ceiling for a visibility timeout. */
const SQS_MAX_VISIBILITY_SECONDS = 43_200;

/**
 * Exponential backoff by receive count: base × 2^(receives − 1), capped, plus up to 20% jitter so
 * records that failed together do not come back together.
 */
export function backoffSeconds(receiveCount: number, options: BackoffOptions = {}): number {
  const base = options.baseSeconds ?? 10;
  const max = Math.min(options.maxSeconds ?? 900, SQS_MAX_VISIBILITY_SECONDS);
  const random = options.random ?? Math.random;
  const exponential = base * 2 ** Math.max(0, receiveCount - 1);
  const capped = Math.min(max, exponential);
  return Math.min(max, Math.round(capped * (1 + 0.2 * random())));
}

/** How many times SQS has handed this record out (1 on the first delivery). */
export function receiveCount(record: SQSRecord): number {
  const count = Number.parseInt(record.attributes?.ApproximateReceiveCount ?? '1', 10);
  return Number.isFinite(count) && count > 0 ? count : 1;
}

/**
 * Sets the record's visibility timeout to the backoff for its receive count and returns the delay.
 * The caller must still report the record as failed (throw) so Lambda does not delete it.
 */
export async function returnToQueueLater(
  sqs: SQSClient,
  queueUrl: string,
  record: SQSRecord,
  options: BackoffOptions = {},
): Promise<number> {
  const delay = backoffSeconds(receiveCount(record), options);
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: record.receiptHandle, VisibilityTimeout: delay }));
  return delay;
}
