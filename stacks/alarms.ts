/**
 * Alarms to an SNS topic an administrator can subscribe to: any message in a DLQ, and any record a
 * service failed to process (`RecordsFailed`, emitted by the shared handler runtime).
 */
import { METRICS_NAMESPACE, RECORDS_FAILED_METRIC, type StackOptions } from './config';
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
    if (service.dlq !== undefined) {
      new aws.cloudwatch.MetricAlarm(`${service.id}DlqAlarm`, {
        name: stageName(`${service.definition.name}-dlq`, ALARM_NAME_MAX),
        alarmDescription: `Messages ${service.definition.name} gave up on are waiting in its dead-letter queue`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: service.dlq.nodes.queue.name },
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
    new aws.cloudwatch.MetricAlarm(`${service.id}FailedAlarm`, {
      name: stageName(`${service.definition.name}-failed`, ALARM_NAME_MAX),
      alarmDescription: `${service.definition.name} failed to process records`,
      namespace: METRICS_NAMESPACE,
      metricName: RECORDS_FAILED_METRIC,
      dimensions: { [SERVICE_DIMENSION]: service.definition.name },
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
