/**
 * The IAM policy of a manifest entry: each permission scope mapped to the concrete resources of one
 * stage, nothing broader. Two readers build ARNs with it: `stacks/` (SST outputs, through
 * `$interpolate`) for the AWS roles, and `packages/local` (plain strings) for the local cloud's
 * enforcement, so a grant missing in AWS is missing locally too.
 */
import type { Permission, ServiceDefinition } from './manifest-types';
import { personalizeNamePrefix } from './stage-names';

/** One IAM condition (`{ test: 'StringEquals', variable: 'iam:PassedToService', values: [...] }`). */
export interface PolicyCondition {
  readonly test: 'StringEquals';
  readonly variable: string;
  readonly values: readonly string[];
}

/** One Allow statement. `R` is how an ARN is held: a string locally, an SST input in the stacks. */
export interface PolicyStatement<R> {
  readonly actions: readonly string[];
  readonly resources: readonly (R | '*')[];
  readonly conditions?: readonly PolicyCondition[];
}

/** The resources of one stage the scopes map to. */
export interface ScopeResources<R> {
  /** The stage: its Personalize resources are those named by `stageScopedName` (stage-names.ts). */
  readonly stage: string;
  readonly partition: R;
  readonly region: R;
  readonly accountId: R;
  readonly busArn: R;
  readonly bucketArn: R;
  readonly personalizeRoleArn: R;
  readonly schedulerGroupName: R;
  readonly schedulerRoleArn: R;
  /** Absent for services without a queue. */
  readonly ownQueueArn?: R;
  /** The DLQ of that queue; absent for services without a queue. */
  readonly ownDeadLetterQueueArn?: R;
}

/** Builds an ARN from a template, e.g. `$interpolate` in the stacks or plain concatenation locally. */
export type ArnTemplate<R> = (strings: TemplateStringsArray, ...values: (R | string)[]) => R;

/**
 * The Personalize resource types recops creates whose ARN carries the resource's name
 * (`<type>/<name>`; a dataset's is `dataset/<dataset group name>/<TYPE>`, a solution version's
 * `solution/<solution name>/<id>`): a non-production stage's grants cover only `<type>/<stage>-*`.
 */
const NAMED_PERSONALIZE_TYPES = [
  'dataset-group',
  'dataset',
  'schema',
  'dataset-import-job',
  'solution',
  'campaign',
  'filter',
  'recommender',
  'batch-inference-job',
  'batch-segment-job',
] as const;

/** A manifest permission that no policy can express (an empty, wildcard or misplaced action). */
export class ManifestPermissionError extends Error {
  override readonly name = 'ManifestPermissionError';
}

/** What an SQS event source needs on its queue (the set SST grants when it builds the function). */
export const QUEUE_CONSUMER_ACTIONS = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
] as const;

/** What the runtime needs on the service's DLQ: it sends the records it gives up on there. */
export const DEAD_LETTER_ACTION = 'sqs:SendMessage';

const PASS_ROLE = 'iam:PassRole';
/** The service each iam:PassRole scope may hand its role to (the `iam:PassedToService` condition). */
export const PASS_ROLE_TARGETS = {
  personalizeRole: 'personalize.amazonaws.com',
  schedulerRole: 'scheduler.amazonaws.com',
} as const;

/** Every statement of `service`'s role: its manifest permissions, then the queue-consumer and dead-letter grants. */
export function servicePolicy<R>(service: ServiceDefinition, resources: ScopeResources<R>, arn: ArnTemplate<R>): PolicyStatement<R>[] {
  const statements: PolicyStatement<R>[] = [];
  for (const permission of service.permissions) {
    checkActions(service, permission);
    statements.push(...statementsFor(service, permission, resources, arn));
  }
  if (service.queue !== undefined) {
    statements.push({ actions: [...QUEUE_CONSUMER_ACTIONS], resources: [ownQueue(service, resources)] });
    // The runtime dead-letters a record it gives up on itself, with the reason (core/runtime/dead-letter.ts).
    statements.push({ actions: [DEAD_LETTER_ACTION], resources: [ownDeadLetterQueue(service, resources)] });
  }
  return statements;
}

function checkActions(service: ServiceDefinition, permission: Permission): void {
  if (permission.actions.length === 0) {
    throw new ManifestPermissionError(`services/manifest.ts: ${service.name} has a ${permission.scope} permission with no actions`);
  }
  for (const action of permission.actions) {
    if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)) {
      throw new ManifestPermissionError(
        `services/manifest.ts: ${service.name} asks for "${action}"; actions must be named exactly (service:Action, no wildcards)`,
      );
    }
    const passRole = action === PASS_ROLE;
    const passScope = permission.scope in PASS_ROLE_TARGETS;
    if (passRole !== passScope || (passScope && permission.actions.length !== 1)) {
      throw new ManifestPermissionError(
        `services/manifest.ts: ${service.name}: iam:PassRole must be alone in a personalizeRole or schedulerRole permission (got ${permission.actions.join(', ')} on ${permission.scope})`,
      );
    }
  }
}

/** Splits actions into those AWS authorizes on a resource and the List calls it only accepts on "*". */
function scopedAndList<R>(actions: readonly string[], listPrefix: string, scopedResources: readonly R[]): PolicyStatement<R>[] {
  const list = actions.filter((a) => a.startsWith(listPrefix));
  const scoped = actions.filter((a) => !a.startsWith(listPrefix));
  const statements: PolicyStatement<R>[] = [];
  if (scoped.length > 0) statements.push({ actions: scoped, resources: scopedResources });
  if (list.length > 0) statements.push({ actions: list, resources: ['*'] });
  return statements;
}

function statementsFor<R>(
  service: ServiceDefinition,
  permission: Permission,
  r: ScopeResources<R>,
  arn: ArnTemplate<R>,
): PolicyStatement<R>[] {
  const actions = [...permission.actions];
  switch (permission.scope) {
    case 'personalize': {
      // List* calls do not support resource-level permissions: AWS requires "*" for them.
      const prefix = personalizeNamePrefix(r.stage);
      const ofAccount = (path: string): R => arn`arn:${r.partition}:personalize:${r.region}:${r.accountId}:${path}`;
      return scopedAndList(actions, 'personalize:List', [
        // A production stage keeps the file's names, so no prefix can tell its resources apart:
        // it may act on every Personalize resource of the account and region.
        ...(prefix === ''
          ? [ofAccount('*')]
          : [
              ...NAMED_PERSONALIZE_TYPES.map((type) => ofAccount(`${type}/${prefix}*`)),
              // Event tracker ARNs carry an id, not the name: no name prefix can narrow them.
              ofAccount('event-tracker/*'),
            ]),
        // Recipes are global resources without region or account (arn:aws:personalize:::recipe/…).
        arn`arn:${r.partition}:personalize:::recipe/*`,
      ]);
    }
    case 'personalizeRole':
    case 'schedulerRole':
      return [
        {
          actions,
          resources: [permission.scope === 'personalizeRole' ? r.personalizeRoleArn : r.schedulerRoleArn],
          conditions: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: [PASS_ROLE_TARGETS[permission.scope]] }],
        },
      ];
    case 'bus':
      return [{ actions, resources: [r.busArn] }];
    case 'bucket':
      return [{ actions, resources: [r.bucketArn, arn`${r.bucketArn}/*`] }];
    case 'ownQueue':
      return [{ actions, resources: [ownQueue(service, r)] }];
    case 'schedulerGroup':
      // ListSchedules and ListScheduleGroups have no resource type in the Service Authorization
      // Reference: AWS requires "*" for them (the caller narrows with GroupName).
      return scopedAndList(actions, 'scheduler:List', [
        arn`arn:${r.partition}:scheduler:${r.region}:${r.accountId}:schedule-group/${r.schedulerGroupName}`,
        arn`arn:${r.partition}:scheduler:${r.region}:${r.accountId}:schedule/${r.schedulerGroupName}/*`,
      ]);
  }
}

function ownQueue<R>(service: ServiceDefinition, r: ScopeResources<R>): R {
  if (r.ownQueueArn === undefined) {
    throw new ManifestPermissionError(`services/manifest.ts: ${service.name} uses its own queue but declares no queue settings`);
  }
  return r.ownQueueArn;
}

function ownDeadLetterQueue<R>(service: ServiceDefinition, r: ScopeResources<R>): R {
  if (r.ownDeadLetterQueueArn === undefined) {
    throw new ManifestPermissionError(`${service.name}: a service with a queue needs its DLQ's ARN for the dead-letter grant`);
  }
  return r.ownDeadLetterQueueArn;
}
