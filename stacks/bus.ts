/**
 * The recops event bus, archived so events can be replayed, and what every bus → queue/log target
 * shares: EventBridge's retry policy made explicit and a dead-letter queue for events it still
 * cannot deliver (without one, EventBridge drops them after 24 h of retries).
 */
import type { AwsContext } from './aws-context';
import type { StackOptions } from './config';
import { stageName } from './naming';

/** EventBridge archive names are at most 48 characters. */
const ARCHIVE_NAME_MAX = 48;

/** 14 days, the SQS maximum: time to see why an event could not be delivered, and redrive it. */
const BUS_TARGET_DLQ_RETENTION_SECONDS = 1_209_600;

/** Every bus target retries for EventBridge's maximum (24 h, 185 attempts), then dead-letters. */
const BUS_TARGET_RETRY_POLICY = { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 } as const;

export interface BusResources {
  readonly bus: sst.aws.Bus;
  readonly archive: aws.cloudwatch.EventArchive;
  /** Where the bus's targets put events they could not deliver. */
  readonly targetDlq: sst.aws.Queue;
}

export function createBus(options: Pick<StackOptions, 'archiveRetentionDays'>, context: AwsContext): BusResources {
  // SST names the underlying EventBus `<app>-<stage>-BusBus-<suffix>`.
  const bus = new sst.aws.Bus('Bus');
  const archive = new aws.cloudwatch.EventArchive('BusArchive', {
    name: stageName('events', ARCHIVE_NAME_MAX),
    description: `Every event on the recops ${$app.stage} bus, for replay`,
    eventSourceArn: bus.arn,
    retentionDays: options.archiveRetentionDays,
  });
  const targetDlq = new sst.aws.Queue('BusTargetDlq', {
    transform: { queue: { messageRetentionSeconds: BUS_TARGET_DLQ_RETENTION_SECONDS } },
  });
  // Only rules of this stage's bus may dead-letter here.
  new aws.sqs.QueuePolicy('BusTargetDlqPolicy', {
    queueUrl: targetDlq.url,
    policy: eventBridgeMaySend(targetDlq.arn, 'ArnLike', [
      $interpolate`arn:${context.partition}:events:${context.region}:${context.accountId}:rule/${bus.name}/*`,
    ]),
  });
  return { bus, archive, targetDlq };
}

/** What a bus target passes to EventBridge: the explicit retry policy and the shared DLQ. */
export function busTargetDelivery(targetDlq: sst.aws.Queue) {
  return {
    deadLetterConfig: { arn: targetDlq.arn },
    retryPolicy: { ...BUS_TARGET_RETRY_POLICY },
  };
}

/**
 * A queue policy letting EventBridge send only on behalf of the given rules (`aws:SourceArn`),
 * so no other rule, bus or account can use the service principal to reach the queue.
 */
export function eventBridgeMaySend(
  queueArn: $util.Input<string>,
  test: 'ArnEquals' | 'ArnLike',
  sourceArns: readonly $util.Input<string>[],
): $util.Output<string> {
  return $jsonStringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { [test]: { 'aws:SourceArn': [...sourceArns] } },
      },
    ],
  });
}
