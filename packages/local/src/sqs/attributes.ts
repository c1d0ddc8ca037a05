/**
 * Validation of queue attributes (CreateQueue / SetQueueAttributes) and the computed attributes
 * GetQueueAttributes returns, with the ranges SQS documents.
 */
import { invalidAttributeName, invalidAttributeValue, SqsError } from './errors';
import { queueNameFromArn, type SqsQueue } from './queue';
import { clip, quote } from '../errors';

const INTEGER_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43_200],
  KmsDataKeyReusePeriodSeconds: [60, 86_400],
};

const FREE_FORM = new Set(['Policy', 'KmsMasterKeyId', 'SqsManagedSseEnabled', 'RedriveAllowPolicy']);

export const READABLE_ATTRIBUTES = [
  'Policy',
  'VisibilityTimeout',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
  'ApproximateNumberOfMessagesDelayed',
  'DelaySeconds',
  'ReceiveMessageWaitTimeSeconds',
  'RedrivePolicy',
  'FifoQueue',
  'ContentBasedDeduplication',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'RedriveAllowPolicy',
  'SqsManagedSseEnabled',
] as const;

/**
 * Checks settable attributes. `queueExists` resolves a dead-letter target ARN, because SQS refuses
 * a RedrivePolicy whose target does not exist.
 */
export function validateQueueAttributes(
  attributes: Readonly<Record<string, unknown>> | undefined,
  queueExists: (arn: string) => boolean,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, raw] of Object.entries(attributes ?? {})) {
    if (typeof raw !== 'string') throw invalidAttributeValue(name, 'attribute values must be strings');
    const range = INTEGER_RANGES[name];
    if (range) {
      const value = Number(raw);
      if (!/^-?\d+$/.test(raw) || value < range[0] || value > range[1]) {
        throw invalidAttributeValue(name, `must be an integer from ${range[0]} to ${range[1]}, got ${quote(raw)}.`);
      }
      result[name] = String(value);
    } else if (name === 'RedrivePolicy') {
      result[name] = raw === '' ? '' : validateRedrivePolicy(raw, queueExists);
    } else if (
      name === 'FifoQueue' ||
      name === 'ContentBasedDeduplication' ||
      name === 'DeduplicationScope' ||
      name === 'FifoThroughputLimit'
    ) {
      if (name === 'FifoQueue' && raw === 'false') continue;
      throw new SqsError(
        'UnsupportedOperation',
        `${clip(name)}: FIFO queues are not supported by the local cloud (recops uses standard queues only).`,
        'AWS.SimpleQueueService.UnsupportedOperation',
      );
    } else if (FREE_FORM.has(name)) {
      result[name] = raw;
    } else {
      throw invalidAttributeName(name);
    }
  }
  return result;
}

function validateRedrivePolicy(raw: string, queueExists: (arn: string) => boolean): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidAttributeValue('RedrivePolicy', `Redrive policy is not a valid JSON map: ${clip(raw)}`);
  }
  const policy = parsed as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  if (typeof policy !== 'object' || policy === null) throw invalidAttributeValue('RedrivePolicy', 'Redrive policy must be a JSON object.');
  if (typeof policy.deadLetterTargetArn !== 'string' || queueNameFromArn(policy.deadLetterTargetArn) === undefined) {
    throw invalidAttributeValue('RedrivePolicy', 'deadLetterTargetArn must be the ARN of an SQS queue.');
  }
  const count = Number(policy.maxReceiveCount);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalidAttributeValue(
      'RedrivePolicy',
      `maxReceiveCount must be an integer from 1 to 1000, got ${JSON.stringify(policy.maxReceiveCount)}.`,
    );
  }
  if (!queueExists(policy.deadLetterTargetArn)) {
    throw invalidAttributeValue('RedrivePolicy', `Dead letter target does not exist: ${policy.deadLetterTargetArn}.`);
  }
  return JSON.stringify({ deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount: count });
}

/** Attribute values as GetQueueAttributes reports them (timestamps in epoch seconds). */
export function readQueueAttributes(queue: SqsQueue, names: readonly string[], now: number): Record<string, string> {
  const wanted = names.length === 0 ? [] : names.includes('All') ? READABLE_ATTRIBUTES : names;
  const counts = queue.counts(now);
  const result: Record<string, string> = {};
  for (const name of wanted) {
    switch (name) {
      case 'ApproximateNumberOfMessages':
        result[name] = String(counts.visible);
        break;
      case 'ApproximateNumberOfMessagesNotVisible':
        result[name] = String(counts.inFlight);
        break;
      case 'ApproximateNumberOfMessagesDelayed':
        result[name] = String(counts.delayed);
        break;
      case 'CreatedTimestamp':
        result[name] = String(Math.floor(queue.state.createdAt / 1000));
        break;
      case 'LastModifiedTimestamp':
        result[name] = String(Math.floor(queue.state.modifiedAt / 1000));
        break;
      case 'QueueArn':
        result[name] = queue.arn;
        break;
      case 'VisibilityTimeout':
      case 'MaximumMessageSize':
      case 'MessageRetentionPeriod':
      case 'DelaySeconds':
      case 'ReceiveMessageWaitTimeSeconds':
        result[name] = String(queue.attribute(name));
        break;
      case 'SqsManagedSseEnabled':
        result[name] = queue.state.attributes[name] ?? 'false';
        break;
      default: {
        if (!(READABLE_ATTRIBUTES as readonly string[]).includes(name)) throw invalidAttributeName(name);
        const value = queue.state.attributes[name];
        if (value !== undefined) result[name] = value;
      }
    }
  }
  return result;
}
