import {
  CreateDatasetCommand,
  DescribeDatasetCommand,
  type DatasetSummary,
  type PersonalizeClient,
  UpdateDatasetCommand,
  paginateListDatasets,
} from '@aws-sdk/client-personalize';
import { ResourceConflictError, ResourceNotReadyError } from './errors';
import { compareSchemas } from './schema-compat';
import { describeSchemaText } from './schema';
import { STATUS_ACTIVE, STATUS_CREATE_PENDING, call, findInPages, findOrCreate, requireArn, toTagList } from './shared';
import type { EnsureResult, TagMap } from './shared';

interface DatasetSpec {
  readonly datasetGroupArn: string;
  /** Interactions | Items | Users | Actions | Action_Interactions (case-insensitive). */
  readonly datasetType: string;
  readonly name: string;
  readonly schemaArn: string;
  readonly tags?: TagMap;
}

interface DatasetResult extends EnsureResult {
  /** Present when the dataset was moved (or is moving) to a schema that only adds optional columns. */
  readonly schemaUpdate?: { readonly fromSchemaArn: string; readonly toSchemaArn: string; readonly addedFields: readonly string[] };
}

function findDataset(client: PersonalizeClient, datasetGroupArn: string, datasetType: string): Promise<DatasetSummary | undefined> {
  const wanted = datasetType.toLowerCase();
  return findInPages<DatasetSummary>(
    paginateListDatasets({ client }, { datasetGroupArn }),
    'datasets',
    (d) => d.datasetType?.toLowerCase() === wanted,
  );
}

/**
 * A dataset group holds at most one dataset per type, so the type is the dataset's identity. When
 * the existing dataset uses another schema, it moves to `schemaArn` with `UpdateDataset` if that
 * schema only adds optional columns; anything else is a conflict.
 */
async function ensureDataset(client: PersonalizeClient, spec: DatasetSpec): Promise<DatasetResult> {
  const attempted = `CreateDataset ${spec.name} (${spec.datasetType})`;
  let schemaUpdate: DatasetResult['schemaUpdate'];
  const result = await findOrCreate<DatasetSummary>({
    attempted,
    find: () => findDataset(client, spec.datasetGroupArn, spec.datasetType),
    reuse: async (found) => {
      const datasetArn = requireArn(found.datasetArn, 'ListDatasets');
      const { dataset } = await call(`DescribeDataset ${datasetArn}`, () => client.send(new DescribeDatasetCommand({ datasetArn })));
      const current = dataset?.schemaArn;
      const status = dataset?.status ?? found.status;
      if (current !== undefined && current !== spec.schemaArn) {
        schemaUpdate = await moveToSchema(client, datasetArn, status, current, spec, dataset?.latestDatasetUpdate?.schemaArn);
      }
      return { arn: datasetArn, created: false, ...(status !== undefined && { status }) };
    },
    create: async () => {
      const response = await client.send(
        new CreateDatasetCommand({
          name: spec.name,
          datasetGroupArn: spec.datasetGroupArn,
          datasetType: spec.datasetType,
          schemaArn: spec.schemaArn,
          tags: toTagList(spec.tags),
        }),
      );
      return { arn: requireArn(response.datasetArn, 'CreateDataset'), created: true, status: STATUS_CREATE_PENDING };
    },
  });
  return { ...result, ...(schemaUpdate !== undefined && { schemaUpdate }) };
}

async function moveToSchema(
  client: PersonalizeClient,
  datasetArn: string,
  status: string | undefined,
  currentSchemaArn: string,
  spec: DatasetSpec,
  pendingSchemaArn: string | undefined,
): Promise<NonNullable<DatasetResult['schemaUpdate']>> {
  const [currentText, desiredText] = await Promise.all([
    describeSchemaText(client, currentSchemaArn),
    describeSchemaText(client, spec.schemaArn),
  ]);
  const comparison = compareSchemas(currentText, desiredText);
  if (comparison.kind === 'incompatible') {
    throw new ResourceConflictError(`dataset ${spec.name} (${spec.datasetType})`, spec.name, [
      `its schema ${currentSchemaArn} cannot be replaced by ${spec.schemaArn}`,
      ...comparison.differences,
    ]);
  }
  const update = {
    fromSchemaArn: currentSchemaArn,
    toSchemaArn: spec.schemaArn,
    addedFields: comparison.kind === 'added-optional' ? comparison.addedFields : [],
  };
  // A repeated delivery finds the update already requested: do not ask twice.
  if (pendingSchemaArn === spec.schemaArn) return update;
  if (status !== STATUS_ACTIVE) throw new ResourceNotReadyError(datasetArn, status ?? 'UNKNOWN');
  await call(`UpdateDataset ${datasetArn}`, () => client.send(new UpdateDatasetCommand({ datasetArn, schemaArn: spec.schemaArn })));
  return update;
}

export { ensureDataset, findDataset };
export type { DatasetResult, DatasetSpec };
