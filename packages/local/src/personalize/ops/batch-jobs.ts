/** BatchInferenceJob and BatchSegmentJob: Create / Describe / List. The work runs in the engine. */
import type { BatchJobInput, FilterRef } from '@recops/engine';
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
import { InvalidInputError } from '../errors';
import {
  optionalArn,
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalString,
  readTags,
  requireArn,
  requireName,
  requireObject,
  requireRoleArn,
  requireString,
  type Json,
} from '../input';
import { type ChainWork, Status } from '../lifecycle';
import { findRecipe } from '../recipes';
import type { Resource } from '../store';
import { byParent, listPage, type Operations, resumeCreate, startCreate, TIMES } from './common';
import { checkS3Url } from './import-jobs';

type BatchKind = typeof ResourceKind.batchInferenceJob | typeof ResourceKind.batchSegmentJob;

function filterRef(ctx: ServiceContext, filterArn: string | undefined): FilterRef | undefined {
  if (filterArn === undefined) return undefined;
  const filter = findResource(ctx, ResourceKind.filter, filterArn);
  return { filterArn, filterExpression: filter.fields['filterExpression'] as string };
}

/** The only recipe Content Generator adds themes to (Personalize guide, "Batch recommendations with themes"). */
const THEME_RECIPE = 'aws-similar-items';

/**
 * A theme job checks the Items data themes are made of, as Personalize does when the job runs; the
 * local engine has no Content Generator, so a job that passes still fails, saying so, rather than
 * writing recommendations without themes.
 */
function themeFailure(ctx: ServiceContext, job: Resource): string {
  const version = ctx.store.get(job.fields['solutionVersionArn'] as string);
  const datasetGroupArn = version?.fields['datasetGroupArn'] as string | undefined;
  const items = ctx.store.list(
    ResourceKind.dataset,
    (r) => r.fields['datasetGroupArn'] === datasetGroupArn && r.fields['datasetType'] === 'ITEMS',
  )[0];
  const itemName = (job.fields['themeGenerationConfig'] as { fieldsForThemeGeneration?: { itemName?: string } } | undefined)
    ?.fieldsForThemeGeneration?.itemName;
  if (items === undefined) return `Theme generation needs an Items dataset in ${String(datasetGroupArn)} with item names and descriptions.`;
  const schemaText = ctx.store.get(items.fields['schemaArn'] as string)?.fields['schema'];
  const fields =
    (typeof schemaText === 'string' ? (JSON.parse(schemaText) as { fields?: { name: string; textual?: boolean }[] }).fields : undefined) ??
    [];
  if (!fields.some((f) => f.name === itemName))
    return `The Items dataset has no column ${String(itemName)} (themeGenerationConfig.fieldsForThemeGeneration.itemName).`;
  if (!fields.some((f) => f.textual === true)) return 'Theme generation needs a textual field (such as DESCRIPTION) in the Items dataset.';
  return 'Theme generation (Amazon Personalize Content Generator) is not available in the local cloud: the job ran no inference. Run it in an AWS Region that offers Content Generator, or use batchInferenceJobMode BATCH_INFERENCE.';
}

function batchWork(ctx: ServiceContext, kind: BatchKind): ChainWork {
  return async (job) => {
    const fields = job.fields;
    if (fields['batchInferenceJobMode'] === 'THEME_GENERATION') throw new Error(themeFailure(ctx, job));
    const filter = filterRef(ctx, fields['filterArn'] as string | undefined);
    const input: BatchJobInput = {
      jobArn: job.arn,
      solutionVersionArn: fields['solutionVersionArn'] as string,
      inputPath: (fields['jobInput'] as { s3DataSource: { path: string } }).s3DataSource.path,
      outputPath: (fields['jobOutput'] as { s3DataDestination: { path: string } }).s3DataDestination.path,
      ...(typeof fields['numResults'] === 'number' ? { numResults: fields['numResults'] } : {}),
      ...(filter === undefined ? {} : { filter }),
    };
    if (kind === ResourceKind.batchInferenceJob) await ctx.engine.runBatchInference(input);
    else await ctx.engine.runBatchSegment(input);
  };
}

export function resumeBatchJob(ctx: ServiceContext, job: Resource): void {
  resumeCreate(ctx, job.arn, { work: batchWork(ctx, job.kind as BatchKind) });
}

function readS3Path(input: Json, member: string, inner: string): string {
  const path = requireString(requireObject(requireObject(input, member), inner), 'path');
  checkS3Url(path, `${member}.${inner}.path`);
  return path;
}

/** `{ path, kmsKeyArn? }` as the job keeps it (the local cloud encrypts nothing; Describe reports the key). */
function s3Config(input: Json, member: string, inner: string, path: string): Json {
  const config = requireObject(requireObject(input, member), inner);
  const key = optionalString(config, 'kmsKeyArn');
  if (key === undefined) return { path };
  if (!/^arn:aws[a-z-]*:kms:[a-z0-9-]*:\d*:(key|alias)\/.+$/.test(key) || key.length > 2048) {
    throw new InvalidInputError(`${member}.${inner}.kmsKeyArn must be a KMS key ARN.`);
  }
  return { path, kmsKeyArn: key };
}

function createBatchJob(ctx: ServiceContext, input: Json, kind: BatchKind): Json {
  const jobName = requireName(input, 'jobName');
  const solutionVersionArn = requireArn(input, 'solutionVersionArn');
  const filterArn = optionalArn(input, 'filterArn');
  const segment = kind === ResourceKind.batchSegmentJob;
  const numResults = optionalInteger(input, 'numResults', 1, segment ? 5_000_000 : 500);
  const inputPath = readS3Path(input, 'jobInput', 's3DataSource');
  const outputPath = readS3Path(input, 'jobOutput', 's3DataDestination');
  const roleArn = requireRoleArn(input);
  const tags = readTags(input);
  if (inputPath === outputPath)
    throw new InvalidInputError('jobOutput.s3DataDestination.path must differ from jobInput.s3DataSource.path.');
  const arn = resourceArn(kind, jobName);
  ensureAbsent(ctx, kind, arn);
  const version = findResource(ctx, ResourceKind.solutionVersion, solutionVersionArn);
  requireStatus(version, [Status.active], 'running a batch job with it');
  const recipeType = findRecipe(version.fields['recipeArn'] as string)?.recipeType;
  if (segment && recipeType !== 'USER_SEGMENTATION') {
    throw new InvalidInputError(
      `Batch segment jobs need a USER_SEGMENTATION recipe (aws-item-affinity, aws-item-attribute-affinity); ${solutionVersionArn} uses ${String(version.fields['recipeArn'])}.`,
    );
  }
  if (!segment && (recipeType === 'USER_SEGMENTATION' || recipeType === 'POPULAR_ITEMS' || recipeType === 'PERSONALIZED_ACTIONS')) {
    throw new InvalidInputError(`Recipe ${String(version.fields['recipeArn'])} does not support batch inference jobs.`);
  }
  if (filterArn !== undefined) {
    const filter = findResource(ctx, ResourceKind.filter, filterArn);
    requireStatus(filter, [Status.active], 'using it in a batch job');
  }
  const limit = segment ? ctx.quotas.pendingBatchSegmentJobs : ctx.quotas.pendingBatchInferenceJobs;
  requireBelow(ctx.store.list(kind, isPending).length, limit, pendingLimitMessage(limit));
  const fields: Record<string, unknown> = {
    solutionVersionArn,
    numResults: numResults ?? 25,
    jobInput: { s3DataSource: s3Config(input, 'jobInput', 's3DataSource', inputPath) },
    jobOutput: { s3DataDestination: s3Config(input, 'jobOutput', 's3DataDestination', outputPath) },
    roleArn,
  };
  if (filterArn !== undefined) fields['filterArn'] = filterArn;
  if (!segment) {
    const config = optionalObject(input, 'batchInferenceJobConfig');
    if (config !== undefined) fields['batchInferenceJobConfig'] = config;
    const mode = optionalEnum(input, 'batchInferenceJobMode', ['BATCH_INFERENCE', 'THEME_GENERATION'] as const) ?? 'BATCH_INFERENCE';
    fields['batchInferenceJobMode'] = mode;
    const themes = optionalObject(input, 'themeGenerationConfig');
    if (mode === 'THEME_GENERATION') {
      const itemName = optionalObject(themes ?? {}, 'fieldsForThemeGeneration')?.['itemName'];
      if (typeof itemName !== 'string' || itemName === '') {
        throw new InvalidInputError(
          'themeGenerationConfig.fieldsForThemeGeneration.itemName is required when batchInferenceJobMode is THEME_GENERATION.',
        );
      }
      if (findRecipe(version.fields['recipeArn'] as string)?.name !== THEME_RECIPE) {
        throw new InvalidInputError(
          `Batch recommendations with themes need a solution version of the ${THEME_RECIPE} recipe; ${solutionVersionArn} uses ${String(version.fields['recipeArn'])}.`,
        );
      }
      fields['themeGenerationConfig'] = { fieldsForThemeGeneration: { itemName } };
    } else if (themes !== undefined) {
      throw new InvalidInputError('themeGenerationConfig is only valid with batchInferenceJobMode THEME_GENERATION.');
    }
  }
  startCreate(ctx, { kind, arn, name: jobName, fields, tags }, { work: batchWork(ctx, kind) });
  return segment ? { batchSegmentJobArn: arn } : { batchInferenceJobArn: arn };
}

const SUMMARY = ['jobName', 'status', ...TIMES, 'failureReason', 'solutionVersionArn'] as const;

export const batchJobOperations: Operations = {
  CreateBatchInferenceJob: (ctx, input) => createBatchJob(ctx, input, ResourceKind.batchInferenceJob),
  DescribeBatchInferenceJob: (ctx, input) => ({
    batchInferenceJob: describe(findResource(ctx, ResourceKind.batchInferenceJob, requireArn(input, 'batchInferenceJobArn'))),
  }),
  ListBatchInferenceJobs: (ctx, input) =>
    listPage(ctx, input, {
      kind: ResourceKind.batchInferenceJob,
      key: 'batchInferenceJobs',
      members: ['batchInferenceJobArn', ...SUMMARY, 'batchInferenceJobMode'],
      ...byParent(input, 'solutionVersionArn', 'ListBatchInferenceJobs'),
    }),
  CreateBatchSegmentJob: (ctx, input) => createBatchJob(ctx, input, ResourceKind.batchSegmentJob),
  DescribeBatchSegmentJob: (ctx, input) => ({
    batchSegmentJob: describe(findResource(ctx, ResourceKind.batchSegmentJob, requireArn(input, 'batchSegmentJobArn'))),
  }),
  ListBatchSegmentJobs: (ctx, input) =>
    listPage(ctx, input, {
      kind: ResourceKind.batchSegmentJob,
      key: 'batchSegmentJobs',
      members: ['batchSegmentJobArn', ...SUMMARY],
      ...byParent(input, 'solutionVersionArn', 'ListBatchSegmentJobs'),
    }),
};
