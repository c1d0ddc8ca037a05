/** DatasetImportJob: Create / Describe / List. The import itself runs in the engine. */
import type { DatasetType, ImportMode } from '@recops/engine';
import { ResourceKind, resourceArn } from '../arns';
import {
  describe,
  ensureAbsent,
  findResource,
  isPending,
  pendingLimitMessage,
  requireBelow,
  requireStatus,
  type ServiceContext,
} from '../context';
import { clip, InvalidInputError } from '../errors';
import {
  optionalBoolean,
  optionalRoleArn,
  optionalEnum,
  readTags,
  requireArn,
  requireName,
  requireObject,
  requireString,
  type Json,
} from '../input';
import { Status } from '../lifecycle';
import type { Resource } from '../store';
import { byParent, listPage, type Operations, resumeCreate, startCreate, TIMES } from './common';

export function checkS3Url(value: string, member: string): void {
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(value)) {
    throw new InvalidInputError(`${member} "${clip(value)}" must be an S3 URL of the form s3://bucket/key or s3://bucket/prefix/.`);
  }
}

/** The engine call behind an import job; also used to resume one after a restart. */
function importWork(ctx: ServiceContext) {
  return async (job: Resource): Promise<void> => {
    const dataset = findResource(ctx, ResourceKind.dataset, job.fields['datasetArn'] as string);
    const schema = findResource(ctx, ResourceKind.schema, dataset.fields['schemaArn'] as string);
    await ctx.engine.importDataset({
      datasetGroupArn: dataset.fields['datasetGroupArn'] as string,
      datasetArn: dataset.arn,
      datasetType: dataset.fields['datasetType'] as DatasetType,
      schema: schema.fields['schema'] as string,
      dataLocation: (job.fields['dataSource'] as { dataLocation: string }).dataLocation,
      importMode: job.fields['importMode'] as ImportMode,
    });
  };
}

export function resumeImportJob(ctx: ServiceContext, job: Resource): void {
  resumeCreate(ctx, job.arn, { work: importWork(ctx) });
}

function createDatasetImportJob(ctx: ServiceContext, input: Json): Json {
  const jobName = requireName(input, 'jobName');
  const datasetArn = requireArn(input, 'datasetArn');
  const dataLocation = requireString(requireObject(input, 'dataSource'), 'dataLocation');
  const roleArn = optionalRoleArn(input);
  const importMode = optionalEnum(input, 'importMode', ['FULL', 'INCREMENTAL'] as const) ?? 'FULL';
  const publishAttributionMetricsToS3 = optionalBoolean(input, 'publishAttributionMetricsToS3');
  const tags = readTags(input);
  checkS3Url(dataLocation, 'dataSource.dataLocation');
  const arn = resourceArn(ResourceKind.datasetImportJob, jobName);
  ensureAbsent(ctx, ResourceKind.datasetImportJob, arn);
  const dataset = findResource(ctx, ResourceKind.dataset, datasetArn);
  requireStatus(dataset, [Status.active], 'importing into it');
  requireBelow(
    ctx.store.list(ResourceKind.datasetImportJob, isPending).length,
    ctx.quotas.pendingImportJobs,
    pendingLimitMessage(ctx.quotas.pendingImportJobs),
  );
  const fields: Record<string, unknown> = { datasetArn, dataSource: { dataLocation }, importMode };
  if (roleArn !== undefined) fields['roleArn'] = roleArn;
  if (publishAttributionMetricsToS3 !== undefined) fields['publishAttributionMetricsToS3'] = publishAttributionMetricsToS3;
  startCreate(ctx, { kind: ResourceKind.datasetImportJob, arn, name: jobName, fields, tags }, { work: importWork(ctx) });
  return { datasetImportJobArn: arn };
}

export const importJobOperations: Operations = {
  CreateDatasetImportJob: createDatasetImportJob,
  DescribeDatasetImportJob: (ctx, input) => ({
    datasetImportJob: describe(findResource(ctx, ResourceKind.datasetImportJob, requireArn(input, 'datasetImportJobArn'))),
  }),
  ListDatasetImportJobs: (ctx, input) =>
    listPage(ctx, input, {
      kind: ResourceKind.datasetImportJob,
      key: 'datasetImportJobs',
      members: ['datasetImportJobArn', 'jobName', 'status', ...TIMES, 'failureReason', 'importMode'],
      ...byParent(input, 'datasetArn', 'ListDatasetImportJobs'),
    }),
};
