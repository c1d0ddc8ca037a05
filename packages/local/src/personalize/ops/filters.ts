/** Filter: Create / Describe / List / Delete. The expression is checked by the engine's parser. */
import { EngineInputError, type DatasetType, type FilterValidationContext } from '@recops/engine';
import { ResourceKind, resourceArn } from '../arns';
import {
  DELETING_STATUSES,
  describe,
  ensureAbsent,
  findResource,
  requireRoomInDatasetGroup,
  requireStatus,
  type ServiceContext,
} from '../context';
import { InvalidInputError } from '../errors';
import { readTags, requireArn, requireName, requireString, type Json } from '../input';
import { Status } from '../lifecycle';
import { byParent, listPage, type Operations, startCreate, startDelete, TIMES } from './common';

const MAX_EXPRESSION_LENGTH = 2500;

const isLive = (status: string | undefined): boolean =>
  status === undefined || (!DELETING_STATUSES.has(status) && status !== Status.createFailed);

/** The group's dataset schemas and other filters, so the engine can check fields and the group-wide limit. */
function groupContext(ctx: ServiceContext, datasetGroupArn: string): FilterValidationContext {
  const schemas: Partial<Record<DatasetType, string>> = {};
  for (const dataset of ctx.store.list(ResourceKind.dataset, (r) => r.fields['datasetGroupArn'] === datasetGroupArn && isLive(r.status))) {
    const schema = ctx.store.get(dataset.fields['schemaArn'] as string);
    if (schema !== undefined) schemas[dataset.fields['datasetType'] as DatasetType] = schema.fields['schema'] as string;
  }
  const otherFilterExpressions = ctx.store
    .list(ResourceKind.filter, (r) => r.fields['datasetGroupArn'] === datasetGroupArn && isLive(r.status))
    .map((r) => r.fields['filterExpression'] as string);
  return { schemas, otherFilterExpressions };
}

async function validateExpression(ctx: ServiceContext, expression: string, context: FilterValidationContext): Promise<void> {
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    throw new InvalidInputError(
      `Could not create filter. filterExpression has ${expression.length} characters; at most ${MAX_EXPRESSION_LENGTH} are allowed.`,
    );
  }
  try {
    // The port documents a rejection, its signature a throw: accept either.
    await ctx.engine.validateFilterExpression(expression, context);
  } catch (error) {
    if (error instanceof EngineInputError) throw new InvalidInputError(`Could not create filter. ${error.message}`, { cause: error });
    throw error;
  }
}

async function createFilter(ctx: ServiceContext, input: Json): Promise<Json> {
  const name = requireName(input);
  const datasetGroupArn = requireArn(input, 'datasetGroupArn');
  const filterExpression = requireString(input, 'filterExpression');
  const tags = readTags(input);
  const arn = resourceArn(ResourceKind.filter, name);
  ensureAbsent(ctx, ResourceKind.filter, arn);
  const group = findResource(ctx, ResourceKind.datasetGroup, datasetGroupArn);
  requireStatus(group, [Status.active], 'creating a filter');
  requireRoomInDatasetGroup(ctx, ResourceKind.filter, datasetGroupArn, ctx.quotas.filtersPerDatasetGroup, 'filter');
  await validateExpression(ctx, filterExpression, groupContext(ctx, datasetGroupArn));
  // Validation awaited: check the name again so two concurrent creates cannot both win.
  ensureAbsent(ctx, ResourceKind.filter, arn);
  startCreate(ctx, { kind: ResourceKind.filter, arn, name, fields: { datasetGroupArn, filterExpression }, tags });
  return { filterArn: arn };
}

export const filterOperations: Operations = {
  CreateFilter: createFilter,
  DescribeFilter: (ctx, input) => ({ filter: describe(findResource(ctx, ResourceKind.filter, requireArn(input, 'filterArn'))) }),
  ListFilters: (ctx, input) =>
    listPage(ctx, input, {
      kind: ResourceKind.filter,
      // The service's list key really is capitalized.
      key: 'Filters',
      members: ['name', 'filterArn', ...TIMES, 'datasetGroupArn', 'failureReason', 'status'],
      ...byParent(input, 'datasetGroupArn', 'ListFilters'),
    }),
  DeleteFilter: (ctx, input) => {
    const filter = findResource(ctx, ResourceKind.filter, requireArn(input, 'filterArn'));
    startDelete(ctx, filter, (resource) => ctx.store.remove([resource.arn]));
    return {};
  },
};
