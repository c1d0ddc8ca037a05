/**
 * Every bus event copied to a CloudWatch Logs group, so `aws logs tail … --follow` shows the
 * pipeline as it runs (the archive is for replay, not for watching).
 */
import type { AwsContext } from './aws-context';
import { stageName } from './naming';

export interface EventLogResources {
  readonly logGroupName: string;
}

export function createEventLog(bus: sst.aws.Bus, context: AwsContext, retentionInDays: number): EventLogResources {
  const logGroupName = `/aws/events/${stageName('events', 256)}`;
  new aws.cloudwatch.LogGroup('EventLog', { name: logGroupName, retentionInDays });
  const logGroupArn = $interpolate`arn:${context.partition}:logs:${context.region}:${context.accountId}:log-group:${logGroupName}`;
  // EventBridge writes to a log group through the account's CloudWatch Logs resource policy
  // (EventBridge user guide, "CloudWatch Logs permissions"), scoped here to this group.
  new aws.cloudwatch.LogResourcePolicy('EventLogPolicy', {
    policyName: stageName('events-to-logs', 256),
    policyDocument: $jsonStringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] },
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: [$interpolate`${logGroupArn}:*`],
        },
      ],
    }),
  });
  const rule = new aws.cloudwatch.EventRule('EventLogRule', {
    name: stageName('all-events', 64),
    eventBusName: bus.name,
    // Matches every event (the pattern SST uses for a subscriber without one).
    eventPattern: JSON.stringify({ source: [{ prefix: '' }] }),
  });
  new aws.cloudwatch.EventTarget('EventLogTarget', { rule: rule.name, eventBusName: bus.name, arn: logGroupArn });
  return { logGroupName };
}
