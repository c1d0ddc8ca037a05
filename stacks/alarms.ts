/**
 * Alarms to an SNS topic an administrator can subscribe to: any message in a dead-letter queue
 * (queue DLQs and the on-failure queues of S3-triggered functions), any SQS record a service of
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

export interface AlarmResources {
  readonly topic: sst.aws.SnsTopic;
}

export function createAlarms(services: readonly ServiceResources[], options: Pick<StackOptions, 'alarmEmail'>): AlarmResources {
  const topic = new sst.aws.SnsTopic('Alarms');
  if (options.alarmEmail !== undefined) {
    new aws.sns.TopicSubscription('AlarmsEmail', { topic: topic.arn, protocol: 'email', endpoint: options.alarmEmail });
  }
  const actions = [topic.arn];
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
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: actions,
        okActions: actions,
      });
    }
    // RecordsFailed is emitted per SQS record by the batch handler runtime (createSqsHandler), with
    // the stage as a dimension, so a stage sharing the account and region does not set this one off.
    if (service.queue === undefined) continue;
    new aws.cloudwatch.MetricAlarm(`${service.id}FailedAlarm`, {
      name: stageName(`${service.definition.name}-failed`, ALARM_NAME_MAX),
      alarmDescription: `${service.definition.name} failed to process records`,
      namespace: METRICS_NAMESPACE,
      metricName: RECORDS_FAILED_METRIC,
      dimensions: { [SERVICE_DIMENSION]: service.definition.name, [STAGE_DIMENSION]: $app.stage },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: actions,
    });
  }
  // The run tracker emits PipelinesFailed once per failed run, when it publishes Pipeline Failed.
  // The stage dimension keeps stages that share an account and region apart.
  if (services.some((service) => service.definition.name === RUN_TRACKER_SERVICE)) {
    new aws.cloudwatch.MetricAlarm('PipelinesFailedAlarm', {
      name: stageName('pipelines-failed', ALARM_NAME_MAX),
      alarmDescription: `a pipeline run of stage ${$app.stage} failed (Pipeline Failed was published)`,
      namespace: METRICS_NAMESPACE,
      metricName: PIPELINES_FAILED_METRIC,
      dimensions: { [SERVICE_DIMENSION]: RUN_TRACKER_SERVICE, [STAGE_DIMENSION]: $app.stage },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: actions,
    });
  }
  return { topic };
}
