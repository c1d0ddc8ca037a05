/**
 * What one plan schedule becomes in EventBridge Scheduler: the target puts a Schedule Fired event
 * on the recops bus, its Input being the event's detail. Scheduler replaces the context attributes
 * in that Input on each invocation, so every firing carries a fresh runId and its own fire time.
 */
import type { SchedulePlan } from '@recops/core';
import { PERSONALIZE_NAME, SCHEDULER_CONTEXT, scheduleFired } from '@recops/events';
import { ScheduleDefinitionError, ScheduleSettingsError } from './errors';

/** Where schedules go and how they reach the bus. */
export interface ScheduleSettings {
  readonly groupName: string;
  /** Role Scheduler assumes to call events:PutEvents on the bus. */
  readonly roleArn: string;
  readonly busArn: string;
  readonly stage: string;
}

/** The fields of Create/UpdateSchedule the manager sets (and compares to decide on an update). */
export interface DesiredSchedule {
  readonly Name: string;
  readonly GroupName: string;
  readonly ScheduleExpression: string;
  readonly Description: string;
  readonly State: 'ENABLED';
  readonly FlexibleTimeWindow: { readonly Mode: 'OFF' };
  readonly Target: {
    readonly Arn: string;
    readonly RoleArn: string;
    readonly Input: string;
    readonly EventBridgeParameters: { readonly Source: string; readonly DetailType: string };
  };
}

/** Scheduler's limit on a schedule description. */
const MAX_DESCRIPTION_LENGTH = 512;

/** Values shaped like the ones Scheduler substitutes, to check a detail before any schedule exists. */
const SAMPLE_CONTEXT = { executionId: 'd32c5kddcf5bb8c3', scheduledTime: '2022-03-22T18:59:43Z' } as const;

/**
 * The bus ARN from its name: partition and account from the scheduler role's ARN (same account),
 * region from the client. Saves the service an events:DescribeEventBus grant.
 */
export function busArnOf(busName: string, roleArn: string, region: string): string {
  const match = /^arn:([a-z0-9-]+):iam::(\d{12}):role\/.+$/.exec(roleArn);
  if (!match)
    throw new ScheduleSettingsError(`scheduler role ARN "${roleArn}" is not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)`);
  return `arn:${match[1]}:events:${region}:${match[2]}:event-bus/${busName}`;
}

/** The Schedule Fired detail the schedule puts on the bus, context attributes unsubstituted. */
function scheduleFiredInput(schedule: SchedulePlan, config: { bucket: string; key: string }, stage: string): Record<string, unknown> {
  const { target } = schedule;
  const jobName = target.jobNameBase;
  if (jobName !== undefined && (jobName.length > 63 || !PERSONALIZE_NAME.test(jobName))) {
    throw new ScheduleDefinitionError(
      `${schedule.sourcePath}: job name base "${jobName}" is not a Personalize name, so Schedule Fired cannot carry it`,
    );
  }
  return {
    runId: SCHEDULER_CONTEXT.executionId,
    datasetGroupName: target.datasetGroupName,
    stage,
    kind: schedule.kind,
    scheduleName: schedule.name,
    config: { bucket: config.bucket, key: config.key },
    ...(target.solutionName !== undefined && { solutionName: target.solutionName }),
    ...(jobName !== undefined && { jobName }),
    firedAt: SCHEDULER_CONTEXT.scheduledTime,
    schemaVersion: scheduleFired.version,
  };
}

/** Create/UpdateSchedule fields for one plan schedule; throws when its firing would not parse. */
export function desiredSchedule(
  schedule: SchedulePlan,
  config: { bucket: string; key: string },
  settings: ScheduleSettings,
): DesiredSchedule {
  const detail = scheduleFiredInput(schedule, config, settings.stage);
  const input = JSON.stringify(detail);
  // Check now what Scheduler will deliver, so a bad plan fails here and not at 3 a.m. on the bus.
  const sample = input
    .replaceAll(SCHEDULER_CONTEXT.executionId, SAMPLE_CONTEXT.executionId)
    .replaceAll(SCHEDULER_CONTEXT.scheduledTime, SAMPLE_CONTEXT.scheduledTime);
  const checked = scheduleFired.detailSchema.safeParse(JSON.parse(sample));
  if (!checked.success) {
    const issues = checked.error.issues.map((issue) => `${issue.path.join('.') || 'detail'}: ${issue.message}`).join('; ');
    throw new ScheduleDefinitionError(
      `${schedule.sourcePath}: schedule "${schedule.name}" would fire an invalid Schedule Fired event (${issues})`,
    );
  }
  const description = `recops ${schedule.kind} schedule of ${schedule.target.datasetGroupName} from s3://${config.bucket}/${config.key} (${schedule.sourcePath})`;
  return {
    Name: schedule.name,
    GroupName: settings.groupName,
    ScheduleExpression: schedule.expression,
    Description: description.length > MAX_DESCRIPTION_LENGTH ? `${description.slice(0, MAX_DESCRIPTION_LENGTH - 1)}…` : description,
    State: 'ENABLED',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: {
      Arn: settings.busArn,
      RoleArn: settings.roleArn,
      Input: input,
      EventBridgeParameters: { Source: scheduleFired.source, DetailType: scheduleFired.detailType },
    },
  };
}
