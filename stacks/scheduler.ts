/**
 * recops' own Scheduler group and the role its schedules use to put `Schedule Fired` events on the
 * bus. Services create the schedules at run time (from parameter files) inside this group only.
 */
import type { AwsContext } from './aws-context';
import { policyDocument, trustPolicy } from './iam';
import { stageName } from './naming';

export interface SchedulingResources {
  readonly group: aws.scheduler.ScheduleGroup;
  readonly role: aws.iam.Role;
}

export function createScheduling(bus: sst.aws.Bus, context: AwsContext): SchedulingResources {
  const groupName = stageName('schedules');
  const group = new aws.scheduler.ScheduleGroup('ScheduleGroup', { name: groupName });
  const role = new aws.iam.Role('SchedulerRole', {
    // IAM is global: the region keeps one stage deployed in two regions from claiming one name.
    name: context.region.apply((region) => stageName(`${region}-scheduler`)),
    // Scheduler may assume it only for schedules of this stage's group (confused deputy): a schedule in
    // any other group of the account, whatever its target, cannot put events on the bus through it.
    assumeRolePolicy: trustPolicy('scheduler.amazonaws.com', {
      sourceAccount: context.accountId,
      sourceArnLike: $interpolate`arn:${context.partition}:scheduler:${context.region}:${context.accountId}:schedule-group/${groupName}`,
    }),
    inlinePolicies: [
      {
        name: 'put-events',
        policy: policyDocument([{ Effect: 'Allow', Action: ['events:PutEvents'], Resource: [bus.arn] }]),
      },
    ],
  });
  return { group, role };
}
