/**
 * Recommender: Create / Describe / List / Update / Start / Stop / Delete.
 *
 * A recommender trains like a solution version with its domain recipe; the engine keeps the model
 * under the recommender's ARN, which is what the runtime passes as `solutionVersionArn`.
 */
import { ResourceKind, resourceArn } from '../arns';
import { describe, ensureAbsent, findResource, requireRoomInDatasetGroup, requireStatus, type ServiceContext } from '../context';
import { InvalidInputError, ResourceInUseError, ResourceNotFoundError } from '../errors';
import { optionalObject, readTags, requireArn, requireName, requireObject, type Json } from '../input';
import { CREATE_CHAIN, type ChainWork, Status, subStatus } from '../lifecycle';
import { findRecipe } from '../recipes';
import { nowSeconds, type Resource } from '../store';
import { byParent, listPage, type Operations, resumeCreate, startCreate, startDelete, TIMES } from './common';

function trainWork(ctx: ServiceContext): ChainWork {
  return async (recommender) => {
    const config = recommender.fields['recommenderConfig'] as Record<string, unknown> | undefined;
    const result = await ctx.engine.trainSolutionVersion({
      datasetGroupArn: recommender.fields['datasetGroupArn'] as string,
      solutionVersionArn: recommender.arn,
      recipeArn: recommender.fields['recipeArn'] as string,
      trainingMode: 'FULL',
      performHPO: false,
      ...(config === undefined ? {} : { solutionConfig: config }),
    });
    return (target) => {
      target.fields['modelMetrics'] = result.metrics;
    };
  };
}

export function resumeRecommender(ctx: ServiceContext, recommender: Resource): void {
  const status = recommender.status ?? '';
  if (status === Status.createPending || status === Status.createInProgress) resumeCreate(ctx, recommender.arn, { work: trainWork(ctx) });
  else if (status === Status.stopPending || status === Status.stopInProgress) ctx.lifecycle.chain(recommender.arn, { states: STOP_CHAIN });
  else if (status === Status.startPending || status === Status.startInProgress)
    ctx.lifecycle.chain(recommender.arn, { states: START_CHAIN });
  const update = (recommender.fields['latestRecommenderUpdate'] as { status?: string } | undefined)?.status;
  if (update === Status.createPending || update === Status.createInProgress) resumeRecommenderUpdate(ctx, recommender.arn);
}

const STOP_CHAIN = [Status.stopPending, Status.stopInProgress, Status.inactive] as const;
const START_CHAIN = [Status.startPending, Status.startInProgress, Status.active] as const;

function createRecommender(ctx: ServiceContext, input: Json): Json {
  const name = requireName(input);
  const datasetGroupArn = requireArn(input, 'datasetGroupArn');
  const recipeArn = requireArn(input, 'recipeArn');
  const recommenderConfig = optionalObject(input, 'recommenderConfig') ?? { minRecommendationRequestsPerSecond: 1 };
  const tags = readTags(input);
  const arn = resourceArn(ResourceKind.recommender, name);
  ensureAbsent(ctx, ResourceKind.recommender, arn);
  const group = findResource(ctx, ResourceKind.datasetGroup, datasetGroupArn);
  requireStatus(group, [Status.active], 'creating a recommender');
  const recipe = findRecipe(recipeArn);
  if (recipe === undefined) throw new ResourceNotFoundError(`Recipe ${recipeArn} does not exist.`);
  const domain = group.fields['domain'] as string | undefined;
  if (domain === undefined)
    throw new InvalidInputError(`Dataset group ${datasetGroupArn} has no domain; recommenders need a domain dataset group.`);
  if (recipe.domain !== domain) {
    throw new InvalidInputError(`Recipe ${recipeArn} is not a ${domain} use case; choose a recipe of the dataset group's domain.`);
  }
  requireRoomInDatasetGroup(ctx, ResourceKind.recommender, datasetGroupArn, ctx.quotas.recommendersPerDatasetGroup, 'recommender');
  startCreate(
    ctx,
    { kind: ResourceKind.recommender, arn, name, fields: { datasetGroupArn, recipeArn, recommenderConfig }, tags },
    { work: trainWork(ctx) },
  );
  return { recommenderArn: arn };
}

function updateRecommender(ctx: ServiceContext, input: Json): Json {
  const recommender = findResource(ctx, ResourceKind.recommender, requireArn(input, 'recommenderArn'));
  const recommenderConfig = requireObject(input, 'recommenderConfig');
  requireStatus(recommender, [Status.active], 'updating it');
  const running = (recommender.fields['latestRecommenderUpdate'] as { status?: string } | undefined)?.status;
  if (running === Status.createPending || running === Status.createInProgress) {
    throw new ResourceInUseError(`Recommender ${recommender.arn} has an update in progress.`);
  }
  const now = nowSeconds();
  ctx.store.update(recommender.arn, (target) => {
    target.fields['latestRecommenderUpdate'] = {
      recommenderConfig,
      status: Status.createPending,
      creationDateTime: now,
      lastUpdatedDateTime: now,
    };
  });
  resumeRecommenderUpdate(ctx, recommender.arn);
  return { recommenderArn: recommender.arn };
}

function resumeRecommenderUpdate(ctx: ServiceContext, arn: string): void {
  ctx.lifecycle.chain(arn, {
    states: CREATE_CHAIN,
    slot: subStatus('latestRecommenderUpdate'),
    work: async (resource) => {
      const config = (resource.fields['latestRecommenderUpdate'] as { recommenderConfig: unknown }).recommenderConfig;
      return (target) => {
        target.fields['recommenderConfig'] = config;
      };
    },
  });
}

function moveRecommender(ctx: ServiceContext, input: Json, from: string, chain: readonly string[], action: string): Json {
  const recommender = findResource(ctx, ResourceKind.recommender, requireArn(input, 'recommenderArn'));
  requireStatus(recommender, [from], action);
  ctx.store.update(recommender.arn, (target) => {
    target.status = chain[0];
  });
  ctx.lifecycle.chain(recommender.arn, { states: chain });
  return { recommenderArn: recommender.arn };
}

export const recommenderOperations: Operations = {
  CreateRecommender: createRecommender,
  DescribeRecommender: (ctx, input) => ({
    recommender: describe(findResource(ctx, ResourceKind.recommender, requireArn(input, 'recommenderArn'))),
  }),
  ListRecommenders: (ctx, input) =>
    listPage(ctx, input, {
      kind: ResourceKind.recommender,
      key: 'recommenders',
      members: ['name', 'recommenderArn', 'datasetGroupArn', 'recipeArn', 'recommenderConfig', 'status', ...TIMES],
      ...byParent(input, 'datasetGroupArn', 'ListRecommenders'),
    }),
  UpdateRecommender: updateRecommender,
  StopRecommender: (ctx, input) => moveRecommender(ctx, input, Status.active, STOP_CHAIN, 'stopping it'),
  StartRecommender: (ctx, input) => moveRecommender(ctx, input, Status.inactive, START_CHAIN, 'starting it'),
  DeleteRecommender: (ctx, input) => {
    const recommender = findResource(ctx, ResourceKind.recommender, requireArn(input, 'recommenderArn'));
    startDelete(ctx, recommender, (resource) => ctx.store.remove([resource.arn]));
    return {};
  },
};
