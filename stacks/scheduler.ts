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
  const group = new aws.scheduler.ScheduleGroup('ScheduleGroup', { name: stageName('schedules') });
  const role = new aws.iam.Role('SchedulerRole', {
    // IAM is global: the region keeps one stage deployed in two regions from claiming one name.
    name: context.region.apply((region) => stageName(`${region}-scheduler`)),
    assumeRolePolicy: trustPolicy('scheduler.amazonaws.com', { sourceAccount: context.accountId }),
    inlinePolicies: [
      {
        name: 'put-events',
        policy: policyDocument([{ Effect: 'Allow', Action: ['events:PutEvents'], Resource: [bus.arn] }]),
      },
    ],
  });
  return { group, role };
}
