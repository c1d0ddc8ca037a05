/**
 * Every bus event copied to a CloudWatch Logs group, so `aws logs tail … --follow` shows the
 * pipeline as it runs (the archive is for replay, not for watching).
 */
import type { AwsContext } from './aws-context';
import { busTargetDelivery } from './bus';
import { stageName } from './naming';

export interface EventLogResources {
  readonly logGroupName: string;
}

/** The one CloudWatch Logs resource policy every stage of the app shares in an account and region. */
function eventLogPolicyName(): string {
  return `${$app.name}-events-to-logs`;
}

export function createEventLog(
  bus: sst.aws.Bus,
  targetDlq: sst.aws.Queue,
  context: AwsContext,
  retentionInDays: number,
): EventLogResources {
  const logGroupName = `/aws/events/${stageName('events', 256)}`;
  const logGroup = new aws.cloudwatch.LogGroup('EventLog', { name: logGroupName, retentionInDays });
  // EventBridge writes to a log group through the account's CloudWatch Logs resource policy
  // (EventBridge user guide, "CloudWatch Logs permissions"). An account holds at most 10 per
  // region, so every stage writes the same one, covering the event logs of all the app's stages;
  // it is kept when a stage is removed, since other stages rely on it.
  const policy = new aws.cloudwatch.LogResourcePolicy(
    'EventLogPolicy',
    {
      policyName: eventLogPolicyName(),
      policyDocument: $jsonStringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: ['events.amazonaws.com', 'delivery.logs.amazonaws.com'] },
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: [
              $interpolate`arn:${context.partition}:logs:${context.region}:${context.accountId}:log-group:/aws/events/${$app.name}-*:*`,
            ],
          },
        ],
      }),
    },
    { retainOnDelete: true },
  );
  const rule = new aws.cloudwatch.EventRule('EventLogRule', {
    name: stageName('all-events', 64),
    eventBusName: bus.name,
    // Matches every event (the pattern SST uses for a subscriber without one).
    eventPattern: JSON.stringify({ source: [{ prefix: '' }] }),
  });
  // The log group's own ARN orders the target after the group; the policy must exist first too,
  // or EventBridge's first deliveries are refused.
  new aws.cloudwatch.EventTarget(
    'EventLogTarget',
    { rule: rule.name, eventBusName: bus.name, arn: logGroup.arn, ...busTargetDelivery(targetDlq) },
    { dependsOn: [policy] },
  );
  return { logGroupName };
}
