/** SolutionVersion: Create / Describe / List / Stop, and GetSolutionMetrics. Training runs in the engine. */
import type { TrainingMode } from '@recops/engine';
import { ResourceKind, solutionVersionArn } from '../arns';
import {
  describe,
  findResource,
  latestActiveVersion,
  isPending,
  pendingLimitMessage,
  requireBelow,
  requireStatus,
  type ServiceContext,
} from '../context';
import { clip, InvalidInputError, ResourceAlreadyExistsError } from '../errors';
import { optionalEnum, optionalString, readTags, requireArn, type Json } from '../input';
import { type ChainWork, Status } from '../lifecycle';
import { findRecipe } from '../recipes';
import type { Resource } from '../store';
import { byParent, type CreateOptions, listPage, type Operations, resumeCreate, startCreate } from './common';
import { syncCampaigns } from './campaigns';
import { VERSION_SUMMARY_MEMBERS } from './solutions';

const STOPPED = { from: Status.createStopping, to: Status.createStopped } as const;
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/;

function trainWork(ctx: ServiceContext): ChainWork {
  return async (version) => {
    const started = Date.now();
    const fields = version.fields;
    const solutionConfig = fields['solutionConfig'] as Record<string, unknown> | undefined;
    const eventType = fields['eventType'] as string | undefined;
    const base = fields['trainingMode'] === 'UPDATE' ? latestActiveVersion(ctx, fields['solutionArn'] as string) : undefined;
    const result = await ctx.engine.trainSolutionVersion({
      datasetGroupArn: fields['datasetGroupArn'] as string,
      solutionVersionArn: version.arn,
      recipeArn: fields['recipeArn'] as string,
      trainingMode: fields['trainingMode'] as TrainingMode,
      performHPO: fields['performHPO'] === true,
      ...(eventType === undefined ? {} : { eventType }),
      ...(solutionConfig === undefined ? {} : { solutionConfig }),
      ...(base === undefined ? {} : { baseSolutionVersionArn: base.arn }),
    });
    // Personalize has no field for them: what the local engine accepted but did not carry out is logged.
    for (const warning of result.warnings ?? []) process.stderr.write(`local personalize: ${version.arn}: ${warning}\n`);
    return (target) => {
      target.hidden['metrics'] = result.metrics;
      if (result.tunedHyperParameters !== undefined)
        target.fields['tunedHPOParams'] = { algorithmHyperParameters: result.tunedHyperParameters };
      target.fields['trainingHours'] = (Date.now() - started) / 3_600_000;
    };
  };
}

function versionChain(ctx: ServiceContext): CreateOptions {
  return {
    work: trainWork(ctx),
    interrupted: STOPPED,
    onDone: (version) => version.status === Status.active && syncCampaigns(ctx, version),
  };
}

export function resumeSolutionVersion(ctx: ServiceContext, version: Resource): void {
  if (version.status === Status.createStopping) {
    ctx.lifecycle.chain(version.arn, { states: [Status.createStopping, Status.createStopped] });
    return;
  }
  resumeCreate(ctx, version.arn, versionChain(ctx));
}

function createSolutionVersion(ctx: ServiceContext, input: Json): Json {
  const solution = findResource(ctx, ResourceKind.solution, requireArn(input, 'solutionArn'));
  const name = optionalString(input, 'name');
  if (name !== undefined && (name.length > 63 || !NAME_PATTERN.test(name))) {
    throw new InvalidInputError(`name "${clip(name)}" must be 1-63 characters matching ^[a-zA-Z0-9][a-zA-Z0-9\\-_]*`);
  }
  const trainingMode = optionalEnum(input, 'trainingMode', ['FULL', 'UPDATE', 'AUTOTRAIN'] as const) ?? 'FULL';
  const tags = readTags(input);
  if (trainingMode === 'AUTOTRAIN') {
    throw new InvalidInputError('trainingMode AUTOTRAIN is reserved for versions the service creates on its automatic training schedule.');
  }
  requireStatus(solution, [Status.active], 'creating a solution version');
  const named =
    name === undefined
      ? undefined
      : ctx.store.list(ResourceKind.solutionVersion, (v) => v.fields['solutionArn'] === solution.arn && v.name === name)[0];
  if (named !== undefined) {
    throw new ResourceAlreadyExistsError(`Solution version ${named.arn} of solution ${solution.arn} is already named ${clip(name ?? '')}.`);
  }
  const recipe = findRecipe(solution.fields['recipeArn'] as string);
  if (trainingMode === 'UPDATE') {
    if (recipe?.supportsUpdate !== true) {
      throw new InvalidInputError(
        `trainingMode UPDATE is not supported for recipe ${String(solution.fields['recipeArn'])}; only User-Personalization recipes support it.`,
      );
    }
    if (latestActiveVersion(ctx, solution.arn) === undefined) {
      throw new InvalidInputError(
        `Solution ${solution.arn} has no ACTIVE solution version to update; create one with trainingMode FULL first.`,
      );
    }
  }
  requireBelow(
    ctx.store.list(ResourceKind.solutionVersion, isPending).length,
    ctx.quotas.pendingSolutionVersions,
    pendingLimitMessage(ctx.quotas.pendingSolutionVersions),
  );
  const arn = solutionVersionArn(solution.arn);
  const copied = ['recipeArn', 'eventType', 'datasetGroupArn', 'solutionConfig', 'performHPO', 'performAutoML', 'performIncrementalUpdate'];
  const fields: Record<string, unknown> = { solutionArn: solution.arn };
  for (const member of copied) if (solution.fields[member] !== undefined) fields[member] = solution.fields[member];
  fields['trainingMode'] = trainingMode;
  fields['trainingType'] = 'MANUAL';
  startCreate(ctx, { kind: ResourceKind.solutionVersion, arn, name: name ?? '', fields, tags }, versionChain(ctx));
  return { solutionVersionArn: arn };
}

/** PENDING stops at once; IN_PROGRESS shows CREATE STOPPING for a step, then CREATE STOPPED. */
function stopSolutionVersionCreation(ctx: ServiceContext, input: Json): Json {
  const version = findResource(ctx, ResourceKind.solutionVersion, requireArn(input, 'solutionVersionArn'));
  requireStatus(version, [Status.createPending, Status.createInProgress], 'stopping its creation');
  const next = version.status === Status.createPending ? Status.createStopped : Status.createStopping;
  ctx.store.update(version.arn, (target) => {
    target.status = next;
  });
  if (next === Status.createStopping) resumeSolutionVersion(ctx, version);
  return {};
}

function getSolutionMetrics(ctx: ServiceContext, input: Json): Json {
  const version = findResource(ctx, ResourceKind.solutionVersion, requireArn(input, 'solutionVersionArn'));
  requireStatus(version, [Status.active], 'reading its metrics');
  return { solutionVersionArn: version.arn, metrics: (version.hidden['metrics'] as Record<string, number> | undefined) ?? {} };
}

export const solutionVersionOperations: Operations = {
  CreateSolutionVersion: createSolutionVersion,
  DescribeSolutionVersion: (ctx, input) => ({
    solutionVersion: describe(findResource(ctx, ResourceKind.solutionVersion, requireArn(input, 'solutionVersionArn'))),
  }),
  ListSolutionVersions: (ctx, input) =>
    listPage(ctx, input, {
      kind: ResourceKind.solutionVersion,
      key: 'solutionVersions',
      members: VERSION_SUMMARY_MEMBERS,
      ...byParent(input, 'solutionArn', 'ListSolutionVersions'),
    }),
  StopSolutionVersionCreation: stopSolutionVersionCreation,
  GetSolutionMetrics: getSolutionMetrics,
};
