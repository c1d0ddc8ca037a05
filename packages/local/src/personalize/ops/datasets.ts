/** Dataset: Create / Describe / List / Update / Delete. */
import { datasetArn, ResourceKind } from '../arns';
import { describe, ensureAbsent, findResource, isPending, requireStatus, type ServiceContext } from '../context';
import { InvalidInputError, ResourceInUseError } from '../errors';
import { readTags, requireArn, requireName, requireString, type Json } from '../input';
import { CREATE_CHAIN, Status, subStatus } from '../lifecycle';
import { checkSchemaForDatasetType, normalizeDatasetType, type DatasetTypeName } from '../schema';
import { nowSeconds, type Resource } from '../store';
import { byParent, listPage, type Operations, startCreate, startDelete, TIMES } from './common';

function schemaText(ctx: ServiceContext, schemaArn: string): { text: string; domain?: string } {
  const schema = findResource(ctx, ResourceKind.schema, schemaArn);
  const domain = schema.fields['domain'] as string | undefined;
  return domain === undefined ? { text: schema.fields['schema'] as string } : { text: schema.fields['schema'] as string, domain };
}

function checkDomain(group: Resource, schemaDomain: string | undefined, schemaArn: string): void {
  const groupDomain = group.fields['domain'] as string | undefined;
  if (groupDomain !== schemaDomain) {
    throw new InvalidInputError(
      `Schema ${schemaArn} has domain ${schemaDomain ?? 'none'} but dataset group ${group.arn} has domain ${groupDomain ?? 'none'}; they must match.`,
    );
  }
}

function createDataset(ctx: ServiceContext, input: Json): Json {
  const name = requireName(input);
  const schemaArn = requireArn(input, 'schemaArn');
  const datasetGroupArn = requireArn(input, 'datasetGroupArn');
  const datasetType: DatasetTypeName = normalizeDatasetType(requireString(input, 'datasetType'));
  const tags = readTags(input);
  const group = findResource(ctx, ResourceKind.datasetGroup, datasetGroupArn);
  requireStatus(group, [Status.active], 'creating a dataset');
  const schema = schemaText(ctx, schemaArn);
  checkDomain(group, schema.domain, schemaArn);
  checkSchemaForDatasetType(schema.text, datasetType);
  const arn = datasetArn(group.name, datasetType);
  ensureAbsent(ctx, ResourceKind.dataset, arn);
  const fields: Record<string, unknown> = { datasetGroupArn, datasetType, schemaArn };
  const tracker = ctx.store.list(ResourceKind.eventTracker, (resource) => resource.fields['datasetGroupArn'] === datasetGroupArn)[0];
  if (tracker !== undefined && datasetType === 'INTERACTIONS') fields['trackingId'] = tracker.fields['trackingId'];
  startCreate(ctx, { kind: ResourceKind.dataset, arn, name, fields, tags });
  return { datasetArn: arn };
}

/** UpdateDataset replaces the schema; latestDatasetUpdate follows the create chain. */
function updateDataset(ctx: ServiceContext, input: Json): Json {
  const dataset = findResource(ctx, ResourceKind.dataset, requireArn(input, 'datasetArn'));
  const schemaArn = requireArn(input, 'schemaArn');
  requireStatus(dataset, [Status.active], 'updating it');
  const pendingUpdate = (dataset.fields['latestDatasetUpdate'] as { status?: string } | undefined)?.status;
  if (pendingUpdate === Status.createPending || pendingUpdate === Status.createInProgress) {
    throw new ResourceInUseError(`Dataset ${dataset.arn} has an update in progress.`);
  }
  const schema = schemaText(ctx, schemaArn);
  checkSchemaForDatasetType(schema.text, dataset.fields['datasetType'] as DatasetTypeName);
  const now = nowSeconds();
  ctx.store.update(dataset.arn, (target) => {
    target.fields['latestDatasetUpdate'] = { schemaArn, status: Status.createPending, creationDateTime: now, lastUpdatedDateTime: now };
  });
  resumeDatasetUpdate(ctx, dataset.arn);
  return { datasetArn: dataset.arn };
}

export function resumeDatasetUpdate(ctx: ServiceContext, arn: string): void {
  ctx.lifecycle.chain(arn, {
    states: CREATE_CHAIN,
    slot: subStatus('latestDatasetUpdate'),
    work: async (resource) => {
      const schemaArn = (resource.fields['latestDatasetUpdate'] as { schemaArn: string }).schemaArn;
      return (target) => {
        target.fields['schemaArn'] = schemaArn;
      };
    },
  });
}

function deleteDataset(ctx: ServiceContext, input: Json): Json {
  const dataset = findResource(ctx, ResourceKind.dataset, requireArn(input, 'datasetArn'));
  const pendingImport = ctx.store.list(
    ResourceKind.datasetImportJob,
    (job) => job.fields['datasetArn'] === dataset.arn && isPending(job),
  )[0];
  if (pendingImport !== undefined) throw new ResourceInUseError(`Dataset ${dataset.arn} has a pending import job ${pendingImport.arn}.`);
  const groupArn = dataset.fields['datasetGroupArn'];
  const pendingVersion = ctx.store.list(
    ResourceKind.solutionVersion,
    (version) => version.fields['datasetGroupArn'] === groupArn && isPending(version),
  )[0];
  if (pendingVersion !== undefined)
    throw new ResourceInUseError(`Solution version ${pendingVersion.arn} is training on dataset ${dataset.arn}.`);
  startDelete(ctx, dataset, removeDataset(ctx));
  return {};
}

/** A dataset takes its import jobs with it. */
export function removeDataset(ctx: ServiceContext) {
  return (resource: Resource): void => {
    const jobs = ctx.store.list(ResourceKind.datasetImportJob, (job) => job.fields['datasetArn'] === resource.arn);
    ctx.store.remove([resource.arn, ...jobs.map((job) => job.arn)]);
  };
}

export const datasetOperations: Operations = {
  CreateDataset: createDataset,
  DescribeDataset: (ctx, input) => ({ dataset: describe(findResource(ctx, ResourceKind.dataset, requireArn(input, 'datasetArn'))) }),
  ListDatasets: (ctx, input) =>
    listPage(ctx, input, {
      kind: ResourceKind.dataset,
      key: 'datasets',
      members: ['name', 'datasetArn', 'datasetType', 'status', ...TIMES],
      ...byParent(input, 'datasetGroupArn', 'ListDatasets'),
    }),
  UpdateDataset: updateDataset,
  DeleteDataset: deleteDataset,
};
