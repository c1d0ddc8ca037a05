/**
 * SQS errors in the shape the JSON 1.0 protocol uses. SQS is "awsQueryCompatible": besides the
 * `__type` shape id in the body, it sends `x-amzn-query-error: <query code>;Sender`, which the SDK v3
 * and botocore use to set `Code` (and which older query-protocol callers know).
 */
import { clip } from '../errors';

export class SqsError extends Error {
  override readonly name: string = 'SqsError';
  constructor(
    /** Shape name in `com.amazonaws.sqs#<code>`, e.g. `QueueDoesNotExist`. */
    readonly code: string,
    message: string,
    /** Code of the query protocol, e.g. `AWS.SimpleQueueService.NonExistentQueue`. */
    readonly queryCode: string = code,
    readonly status = 400,
    /** Full `__type` when the shape lives outside the SQS namespace (validation errors). */
    readonly typeId: string = `com.amazonaws.sqs#${code}`,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const queueDoesNotExist = (name: string): SqsError =>
  new SqsError('QueueDoesNotExist', `The specified queue ${clip(name)} does not exist.`, 'AWS.SimpleQueueService.NonExistentQueue');

/** Parameter validation failures: SQS answers with coral's ValidationException / InvalidParameterValue. */
export const invalidParameter = (message: string): SqsError =>
  new SqsError('InvalidParameterValue', message, 'InvalidParameterValue', 400, 'com.amazon.coral.validate#ValidationException');

export const missingParameter = (field: string): SqsError =>
  new SqsError(
    'MissingParameter',
    `The request must contain the parameter ${field}.`,
    'MissingParameter',
    400,
    'com.amazonaws.sqs#MissingParameter',
  );

export const invalidAttributeValue = (name: string, reason: string): SqsError =>
  new SqsError('InvalidAttributeValue', `Invalid value for the parameter ${clip(name)}. Reason: ${reason}`, 'InvalidAttributeValue');

export const invalidAttributeName = (name: string): SqsError =>
  new SqsError('InvalidAttributeName', `Unknown Attribute ${clip(name)}.`, 'InvalidAttributeName');
