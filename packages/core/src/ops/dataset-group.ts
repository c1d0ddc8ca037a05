import {
  CreateDatasetGroupCommand,
  type DatasetGroupSummary,
  type Domain,
  type PersonalizeClient,
  paginateListDatasetGroups,
} from '@aws-sdk/client-personalize';
import { ResourceConflictError } from './errors';
import { STATUS_CREATE_PENDING, findInPages, findOrCreate, requireArn, toTagList } from './shared';
import type { EnsureResult, TagMap } from './shared';

interface DatasetGroupSpec {
  readonly name: string;
  readonly domain?: Domain | string;
  readonly roleArn?: string;
  readonly kmsKeyArn?: string;
  readonly tags?: TagMap;
}

function findDatasetGroup(client: PersonalizeClient, name: string): Promise<DatasetGroupSummary | undefined> {
  return findInPages<DatasetGroupSummary>(paginateListDatasetGroups({ client }, {}), 'datasetGroups', (g) => g.name === name);
}

/**
 * Creates the dataset group or reuses the one of the same name. A domain mismatch is a conflict:
 * a group's domain cannot change and decides whether recommenders or solutions apply.
 */
async function ensureDatasetGroup(client: PersonalizeClient, spec: DatasetGroupSpec): Promise<EnsureResult> {
  return findOrCreate<DatasetGroupSummary>({
    attempted: `CreateDatasetGroup ${spec.name}`,
    find: () => findDatasetGroup(client, spec.name),
    reuse: (found) => {
      const wanted = spec.domain ?? undefined;
      const actual = found.domain ?? undefined;
      if (wanted !== actual) {
        throw new ResourceConflictError('dataset group', spec.name, [
          `domain ${JSON.stringify(actual ?? null)} differs from ${JSON.stringify(wanted ?? null)}`,
        ]);
      }
      return {
        arn: requireArn(found.datasetGroupArn, 'ListDatasetGroups'),
        created: false,
        ...(found.status !== undefined && { status: found.status }),
        ...(found.failureReason !== undefined && { failureReason: found.failureReason }),
      };
    },
    create: async () => {
      const response = await client.send(
        new CreateDatasetGroupCommand({
          name: spec.name,
          domain: spec.domain as Domain | undefined,
          roleArn: spec.roleArn,
          kmsKeyArn: spec.kmsKeyArn,
          tags: toTagList(spec.tags),
        }),
      );
      return { arn: requireArn(response.datasetGroupArn, 'CreateDatasetGroup'), created: true, status: STATUS_CREATE_PENDING };
    },
  });
}

export { ensureDatasetGroup, findDatasetGroup };
export type { DatasetGroupSpec };
