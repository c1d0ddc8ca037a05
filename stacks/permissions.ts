/**
 * Least-privilege function permissions from a manifest entry: each scope maps to the concrete
 * resources of this stage, nothing broader.
 */
import type { Permission, ServiceDefinition } from '@recops/platform';
import { StackConfigError } from './config';

export interface ScopeResources {
  readonly partition: $util.Input<string>;
  readonly region: $util.Input<string>;
  readonly accountId: $util.Input<string>;
  readonly busArn: $util.Input<string>;
  readonly bucketArn: $util.Input<string>;
  readonly personalizeRoleArn: $util.Input<string>;
  readonly schedulerGroupName: $util.Input<string>;
  readonly schedulerRoleArn: $util.Input<string>;
  /** Absent for services without a queue. */
  readonly ownQueueArn?: $util.Input<string>;
}

/** What an SQS event source needs on its queue (the set SST grants when it builds the function). */
const QUEUE_CONSUMER_ACTIONS = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
] as const;

const PASS_ROLE = 'iam:PassRole';
const PASS_ROLE_SCOPES: Readonly<Record<string, string>> = {
  personalizeRole: 'personalize.amazonaws.com',
  schedulerRole: 'scheduler.amazonaws.com',
};

export function servicePermissions(service: ServiceDefinition, resources: ScopeResources): sst.aws.FunctionPermissionArgs[] {
  const statements: sst.aws.FunctionPermissionArgs[] = [];
  for (const permission of service.permissions) {
    checkActions(service, permission);
    statements.push(...statementsFor(service, permission, resources));
  }
  if (service.queue !== undefined) {
    statements.push({ actions: [...QUEUE_CONSUMER_ACTIONS], resources: [ownQueue(service, resources)] });
  }
  return statements;
}

function checkActions(service: ServiceDefinition, permission: Permission): void {
  if (permission.actions.length === 0) {
    throw new StackConfigError(`services/manifest.ts: ${service.name} has a ${permission.scope} permission with no actions`);
  }
  for (const action of permission.actions) {
    if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)) {
      throw new StackConfigError(
        `services/manifest.ts: ${service.name} asks for "${action}"; actions must be named exactly (service:Action, no wildcards)`,
      );
    }
    const passRole = action === PASS_ROLE;
    const passScope = permission.scope in PASS_ROLE_SCOPES;
    if (passRole !== passScope || (passScope && permission.actions.length !== 1)) {
      throw new StackConfigError(
        `services/manifest.ts: ${service.name}: iam:PassRole must be alone in a personalizeRole or schedulerRole permission (got ${permission.actions.join(', ')} on ${permission.scope})`,
      );
    }
  }
}

function statementsFor(service: ServiceDefinition, permission: Permission, r: ScopeResources): sst.aws.FunctionPermissionArgs[] {
  const actions = [...permission.actions];
  switch (permission.scope) {
    case 'personalize': {
      // List* calls do not support resource-level permissions: AWS requires "*" for them.
      const list = actions.filter((a) => a.startsWith('personalize:List'));
      const scoped = actions.filter((a) => !a.startsWith('personalize:List'));
      const statements: sst.aws.FunctionPermissionArgs[] = [];
      if (scoped.length > 0) {
        statements.push({
          actions: scoped,
          resources: [
            $interpolate`arn:${r.partition}:personalize:${r.region}:${r.accountId}:*`,
            // Recipes are global resources without region or account (arn:aws:personalize:::recipe/…).
            $interpolate`arn:${r.partition}:personalize:::recipe/*`,
          ],
        });
      }
      if (list.length > 0) statements.push({ actions: list, resources: ['*'] });
      return statements;
    }
    case 'personalizeRole':
    case 'schedulerRole':
      return [
        {
          actions,
          resources: [permission.scope === 'personalizeRole' ? r.personalizeRoleArn : r.schedulerRoleArn],
          conditions: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: [PASS_ROLE_SCOPES[permission.scope] as string] }],
        },
      ];
    case 'bus':
      return [{ actions, resources: [r.busArn] }];
    case 'bucket':
      return [{ actions, resources: [r.bucketArn, $interpolate`${r.bucketArn}/*`] }];
    case 'ownQueue':
      return [{ actions, resources: [ownQueue(service, r)] }];
    case 'schedulerGroup': {
      // ListSchedules and ListScheduleGroups have no resource type in the Service Authorization
      // Reference: AWS requires "*" for them (the caller narrows with GroupName).
      const list = actions.filter((a) => a.startsWith('scheduler:List'));
      const scoped = actions.filter((a) => !a.startsWith('scheduler:List'));
      const statements: sst.aws.FunctionPermissionArgs[] = [];
      if (scoped.length > 0) {
        statements.push({
          actions: scoped,
          resources: [
            $interpolate`arn:${r.partition}:scheduler:${r.region}:${r.accountId}:schedule-group/${r.schedulerGroupName}`,
            $interpolate`arn:${r.partition}:scheduler:${r.region}:${r.accountId}:schedule/${r.schedulerGroupName}/*`,
          ],
        });
      }
      if (list.length > 0) statements.push({ actions: list, resources: ['*'] });
      return statements;
    }
  }
}

function ownQueue(service: ServiceDefinition, r: ScopeResources): $util.Input<string> {
  if (r.ownQueueArn === undefined) {
    throw new StackConfigError(`services/manifest.ts: ${service.name} uses its own queue but declares no queue settings`);
  }
  return r.ownQueueArn;
}
