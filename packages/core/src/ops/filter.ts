import {
  CreateFilterCommand,
  DescribeFilterCommand,
  type FilterSummary,
  type PersonalizeClient,
  paginateListFilters,
} from '@aws-sdk/client-personalize';
import { ResourceConflictError } from './errors';
import { STATUS_CREATE_PENDING, call, findInPages, findOrCreate, requireArn, toTagList } from './shared';
import type { EnsureResult, TagMap } from './shared';

interface FilterSpec {
  readonly datasetGroupArn: string;
  readonly name: string;
  readonly filterExpression: string;
  readonly tags?: TagMap;
}

/** Filters cannot be updated: the same name with another expression is a conflict. */
async function ensureFilter(client: PersonalizeClient, spec: FilterSpec): Promise<EnsureResult> {
  return findOrCreate<FilterSummary>({
    attempted: `CreateFilter ${spec.name}`,
    find: () =>
      findInPages<FilterSummary>(
        // ListFilters answers with `Filters` (capital F).
        paginateListFilters({ client }, { datasetGroupArn: spec.datasetGroupArn }),
        'Filters',
        (f) => f.name === spec.name,
      ),
    findInOtherGroup: async () => {
      const found = await findInPages<FilterSummary>(paginateListFilters({ client }, {}), 'Filters', (f) => f.name === spec.name);
      const group = found?.datasetGroupArn;
      return group !== undefined && group !== spec.datasetGroupArn ? group : undefined;
    },
    reuse: async (found) => {
      const filterArn = requireArn(found.filterArn, 'ListFilters');
      const { filter } = await call(`DescribeFilter ${filterArn}`, () => client.send(new DescribeFilterCommand({ filterArn })));
      if (filter?.filterExpression !== undefined && filter.filterExpression !== spec.filterExpression) {
        throw new ResourceConflictError('filter', spec.name, [
          `filterExpression ${JSON.stringify(filter.filterExpression)} differs from ${JSON.stringify(spec.filterExpression)}`,
        ]);
      }
      const status = filter?.status ?? found.status;
      const failureReason = filter?.failureReason ?? found.failureReason;
      return {
        arn: filterArn,
        created: false,
        ...(status !== undefined && { status }),
        ...(failureReason !== undefined && { failureReason }),
      };
    },
    create: async () => {
      const response = await client.send(
        new CreateFilterCommand({
          name: spec.name,
          datasetGroupArn: spec.datasetGroupArn,
          filterExpression: spec.filterExpression,
          tags: toTagList(spec.tags),
        }),
      );
      return { arn: requireArn(response.filterArn, 'CreateFilter'), created: true, status: STATUS_CREATE_PENDING };
    },
  });
}

export { ensureFilter };
export type { FilterSpec };
