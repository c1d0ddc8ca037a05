/**
 * Alarms to an SNS topic an administrator can subscribe to: any message in a dead-letter queue
 * (queue DLQs, the on-failure queues of S3-triggered functions, the bus targets' DLQ), any SQS record a service of
 * this stage failed to process (`RecordsFailed`, emitted by the shared batch handler runtime), and any
 * pipeline run of this stage that failed (`PipelinesFailed`, emitted by the run tracker).
 */
import {
  METRICS_NAMESPACE,
  PIPELINES_FAILED_METRIC,
  RECORDS_FAILED_METRIC,
  RUN_TRACKER_SERVICE,
  STAGE_DIMENSION,
  type StackOptions,
} from './config';
import { stageName } from './naming';
import type { ServiceResources } from './services';

/** Powertools Metrics adds the service name as the `service` dimension. */
const SERVICE_DIMENSION = 'service';
const ALARM_NAME_MAX = 255;

/** Every alarm fires on the first 5-minute period above zero; a period without data is no breach. */
const ABOVE_ZERO_IN_FIVE_MINUTES = {
  period: 300,
  evaluationPeriods: 1,
  threshold: 0,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
} as const;

export interface AlarmResources {
  readonly topic: sst.aws.SnsTopic;
}

export function createAlarms(
  services: readonly ServiceResources[],
  busTargetDlq: sst.aws.Queue,
  options: Pick<StackOptions, 'alarmEmail'>,
): AlarmResources {
  const topic = new sst.aws.SnsTopic('Alarms');
  if (options.alarmEmail !== undefined) {
    new aws.sns.TopicSubscription('AlarmsEmail', { topic: topic.arn, protocol: 'email', endpoint: options.alarmEmail });
  }
  const actions = [topic.arn];
  new aws.cloudwatch.MetricAlarm('BusTargetDlqAlarm', {
    name: stageName('bus-targets-dlq', ALARM_NAME_MAX),
    alarmDescription:
      "EventBridge gave up delivering bus events to a queue or the event log: they wait in the bus targets' dead-letter queue",
    namespace: 'AWS/SQS',
    metricName: 'ApproximateNumberOfMessagesVisible',
    dimensions: { QueueName: busTargetDlq.nodes.queue.name },
    statistic: 'Maximum',
    ...ABOVE_ZERO_IN_FIVE_MINUTES,
    alarmActions: actions,
    okActions: actions,
  });
  for (const service of services) {
    const deadLetterQueues = [
      { queue: service.dlq, suffix: 'dlq', what: 'records from its queue' },
      { queue: service.asyncDlq, suffix: 'async-dlq', what: 'S3 events it failed on after retries' },
    ];
    for (const { queue, suffix, what } of deadLetterQueues) {
      if (queue === undefined) continue;
      new aws.cloudwatch.MetricAlarm(`${service.id}${suffix === 'dlq' ? 'Dlq' : 'AsyncDlq'}Alarm`, {
        name: stageName(`${service.definition.name}-${suffix}`, ALARM_NAME_MAX),
        alarmDescription: `${service.definition.name} gave up on ${what}: they wait in its dead-letter queue`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: queue.nodes.queue.name },
        statistic: 'Maximum',
        ...ABOVE_ZERO_IN_FIVE_MINUTES,
        alarmActions: actions,
        okActions: actions,
      });
    }
    // RecordsFailed is emitted per SQS record by the batch handler runtime (createSqsHandler), with
    // the stage as a dimension, so a stage sharing the account and region does not set this one off.
    if (service.queue === undefined) continue;
    stageMetricAlarm(`${service.id}FailedAlarm`, {
      name: `${service.definition.name}-failed`,
      description: `${service.definition.name} failed to process records`,
      metricName: RECORDS_FAILED_METRIC,
      service: service.definition.name,
      actions,
    });
  }
  // The run tracker emits PipelinesFailed once per failed run, when it publishes Pipeline Failed.
  // The stage dimension keeps stages that share an account and region apart.
  if (services.some((service) => service.definition.name === RUN_TRACKER_SERVICE)) {
    stageMetricAlarm('PipelinesFailedAlarm', {
      name: 'pipelines-failed',
      description: `a pipeline run of stage ${$app.stage} failed (Pipeline Failed was published)`,
      metricName: PIPELINES_FAILED_METRIC,
      service: RUN_TRACKER_SERVICE,
      actions,
    });
  }
  return { topic };
}

interface StageMetricAlarm {
  /** Alarm name before the stage prefix. */
  readonly name: string;
  readonly description: string;
  readonly metricName: string;
  /** The emitting service (Powertools' `service` dimension). */
  readonly service: string;
  readonly actions: $util.Input<string>[];
}

/** An alarm on a count a recops service emits, for this stage's data points only. */
function stageMetricAlarm(id: string, alarm: StageMetricAlarm): void {
  new aws.cloudwatch.MetricAlarm(id, {
    name: stageName(alarm.name, ALARM_NAME_MAX),
    alarmDescription: alarm.description,
    namespace: METRICS_NAMESPACE,
    metricName: alarm.metricName,
    dimensions: { [SERVICE_DIMENSION]: alarm.service, [STAGE_DIMENSION]: $app.stage },
    statistic: 'Sum',
    ...ABOVE_ZERO_IN_FIVE_MINUTES,
    alarmActions: alarm.actions,
  });
}
