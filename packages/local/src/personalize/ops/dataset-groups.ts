/** DatasetGroup: Create / Describe / List / Delete. */
import { ResourceKind, resourceArn } from '../arns';
import { describe, ensureAbsent, findResource, requireBelow, type ServiceContext } from '../context';
import { ResourceInUseError } from '../errors';
import { optionalEnum, optionalRoleArn, readTags, requireArn, requireName, type Json } from '../input';
import { Status } from '../lifecycle';
import type { Resource } from '../store';
import { listPage, type Operations, startCreate, startDelete, TIMES } from './common';

const DOMAINS = ['ECOMMERCE', 'VIDEO_ON_DEMAND'] as const;

function createDatasetGroup(ctx: ServiceContext, input: Json): Json {
  const name = requireName(input);
  const roleArn = optionalRoleArn(input);
  const kmsKeyArn = input['kmsKeyArn'];
  const domain = optionalEnum(input, 'domain', DOMAINS);
  const tags = readTags(input);
  const arn = resourceArn(ResourceKind.datasetGroup, name);
  ensureAbsent(ctx, ResourceKind.datasetGroup, arn);
  requireBelow(
    ctx.store.list(ResourceKind.datasetGroup).length,
    ctx.quotas.datasetGroups,
    `Cannot create a dataset group. More than ${ctx.quotas.datasetGroups} dataset groups exist. Please delete some and try again.`,
  );
  const fields: Record<string, unknown> = {};
  if (roleArn !== undefined) fields['roleArn'] = roleArn;
  if (typeof kmsKeyArn === 'string') fields['kmsKeyArn'] = kmsKeyArn;
  if (domain !== undefined) fields['domain'] = domain;
  startCreate(ctx, { kind: ResourceKind.datasetGroup, arn, name, fields, tags });
  return domain === undefined ? { datasetGroupArn: arn } : { datasetGroupArn: arn, domain };
}

/** Children that block DeleteDatasetGroup until they are gone. */
const BLOCKING_CHILDREN = [ResourceKind.dataset, ResourceKind.solution, ResourceKind.eventTracker, ResourceKind.recommender] as const;

function deleteDatasetGroup(ctx: ServiceContext, input: Json): Json {
  const group = findResource(ctx, ResourceKind.datasetGroup, requireArn(input, 'datasetGroupArn'));
  for (const kind of BLOCKING_CHILDREN) {
    const child = ctx.store.list(kind, (resource) => resource.fields['datasetGroupArn'] === group.arn)[0];
    if (child !== undefined) {
      throw new ResourceInUseError(`Dataset group ${group.arn} still has ${kind} ${child.arn}; delete it first.`);
    }
  }
  startDelete(ctx, group, removeDatasetGroup(ctx), DATASET_GROUP_DELETE_CHAIN);
  return {};
}

/** A dataset group only shows DELETE PENDING before it disappears. */
export const DATASET_GROUP_DELETE_CHAIN = [Status.deletePending] as const;

export function removeDatasetGroup(ctx: ServiceContext) {
  return async (resource: Resource): Promise<void> => {
    // Filters go with their group.
    const filters = ctx.store.list(ResourceKind.filter, (filter) => filter.fields['datasetGroupArn'] === resource.arn);
    ctx.store.remove([resource.arn, ...filters.map((filter) => filter.arn)]);
    await ctx.engine.deleteDatasetGroup(resource.arn);
  };
}

export const datasetGroupOperations: Operations = {
  CreateDatasetGroup: createDatasetGroup,
  DescribeDatasetGroup: (ctx, input) => ({
    datasetGroup: describe(findResource(ctx, ResourceKind.datasetGroup, requireArn(input, 'datasetGroupArn'))),
  }),
  ListDatasetGroups: (ctx, input) =>
    listPage(ctx, input, {
      kind: ResourceKind.datasetGroup,
      key: 'datasetGroups',
      members: ['name', 'datasetGroupArn', 'status', ...TIMES, 'failureReason', 'domain'],
      scope: 'ListDatasetGroups',
    }),
  DeleteDatasetGroup: deleteDatasetGroup,
};
