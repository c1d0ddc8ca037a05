/**
 * Personalize Runtime (restJson1): GetRecommendations, GetPersonalizedRanking,
 * GetActionRecommendations. Resolves the campaign or recommender to the model the engine serves.
 */
import { randomUUID } from 'node:crypto';
import { EngineInputError, type FilterRef, type ScoredItem } from '@recops/engine';
import { ResourceKind } from './arns';
import type { ServiceContext } from './context';
import { InvalidInputError, ResourceNotFoundError } from './errors';
import { type Json, checkArn, optionalInteger, optionalString, optionalStringMap, requireString, requireStringList } from './input';
import { Status } from './lifecycle';
import { findRecipe, type RecipeType } from './recipes';

interface Served {
  /** What the engine keys the model by: the campaign's solution version, or the recommender's ARN. */
  readonly modelArn: string;
  readonly datasetGroupArn: string;
  readonly recipeType: RecipeType | undefined;
}

function servedByCampaign(ctx: ServiceContext, campaignArn: string): Served {
  const campaign = ctx.store.get(checkArn(campaignArn, 'campaignArn'));
  if (campaign === undefined || campaign.kind !== ResourceKind.campaign)
    throw new ResourceNotFoundError(`Campaign ${campaignArn} does not exist.`);
  if (campaign.status !== Status.active)
    throw new ResourceNotFoundError(`Campaign ${campaignArn} is not ACTIVE (status ${campaign.status ?? 'unknown'}).`);
  const modelArn = campaign.fields['solutionVersionArn'] as string;
  const version = ctx.store.get(modelArn);
  const recipeArn = version?.fields['recipeArn'] as string | undefined;
  return {
    modelArn,
    datasetGroupArn: campaign.hidden['datasetGroupArn'] as string,
    recipeType: recipeArn === undefined ? undefined : findRecipe(recipeArn)?.recipeType,
  };
}

function servedByRecommender(ctx: ServiceContext, recommenderArn: string): Served {
  const recommender = ctx.store.get(checkArn(recommenderArn, 'recommenderArn'));
  if (recommender === undefined || recommender.kind !== ResourceKind.recommender) {
    throw new ResourceNotFoundError(`Recommender ${recommenderArn} does not exist.`);
  }
  if (recommender.status !== Status.active) {
    throw new InvalidInputError(`Recommender ${recommenderArn} is not ACTIVE (status ${recommender.status ?? 'unknown'}); start it first.`);
  }
  return {
    modelArn: recommender.arn,
    datasetGroupArn: recommender.fields['datasetGroupArn'] as string,
    recipeType: findRecipe(recommender.fields['recipeArn'] as string)?.recipeType,
  };
}

function readFilter(ctx: ServiceContext, input: Json, served: Served): FilterRef | undefined {
  const filterArn = optionalString(input, 'filterArn');
  const filterValues = optionalStringMap(input, 'filterValues', 25);
  if (filterArn === undefined) {
    if (filterValues !== undefined) throw new InvalidInputError('filterValues were given without a filterArn.');
    return undefined;
  }
  const filter = ctx.store.get(checkArn(filterArn, 'filterArn'));
  if (filter === undefined || filter.kind !== ResourceKind.filter) throw new ResourceNotFoundError(`Filter ${filterArn} does not exist.`);
  if (filter.status !== Status.active)
    throw new InvalidInputError(`Filter ${filterArn} is not ACTIVE (status ${filter.status ?? 'unknown'}).`);
  if (filter.fields['datasetGroupArn'] !== served.datasetGroupArn) {
    throw new InvalidInputError(`Filter ${filterArn} belongs to another dataset group than the campaign or recommender.`);
  }
  return {
    filterArn,
    filterExpression: filter.fields['filterExpression'] as string,
    ...(filterValues === undefined ? {} : { filterValues }),
  };
}

function recommendationId(): string {
  return `RID-${randomUUID()}`;
}

/** Engine input errors are the client's fault: InvalidInputException. */
async function callEngine<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof EngineInputError) throw new InvalidInputError(error.message, { cause: error });
    throw error;
  }
}

function predicted(items: readonly ScoredItem[]): Json[] {
  return items.map((item) => ({ itemId: item.itemId, score: item.score }));
}

async function getRecommendations(ctx: ServiceContext, input: Json): Promise<Json> {
  const campaignArn = optionalString(input, 'campaignArn');
  const recommenderArn = optionalString(input, 'recommenderArn');
  if ((campaignArn === undefined) === (recommenderArn === undefined)) {
    throw new InvalidInputError('Provide exactly one of campaignArn or recommenderArn.');
  }
  const served = campaignArn !== undefined ? servedByCampaign(ctx, campaignArn) : servedByRecommender(ctx, recommenderArn as string);
  const userId = optionalString(input, 'userId');
  const itemId = optionalString(input, 'itemId');
  const numResults = optionalInteger(input, 'numResults', 1, 500) ?? 25;
  const context = optionalStringMap(input, 'context', 150);
  if (served.recipeType === 'PERSONALIZED_RANKING')
    throw new InvalidInputError('This campaign ranks items: call GetPersonalizedRanking instead.');
  if (served.recipeType === 'USER_SEGMENTATION') throw new InvalidInputError('User segmentation recipes serve batch segment jobs only.');
  if (served.recipeType === 'RELATED_ITEMS' && itemId === undefined)
    throw new InvalidInputError('itemId is required for a RELATED_ITEMS recipe.');
  if (served.recipeType === 'USER_PERSONALIZATION' && userId === undefined)
    throw new InvalidInputError('userId is required for a USER_PERSONALIZATION recipe.');
  const filter = readFilter(ctx, input, served);
  const items = await callEngine(() =>
    ctx.engine.getRecommendations({
      solutionVersionArn: served.modelArn,
      numResults,
      ...(userId === undefined ? {} : { userId }),
      ...(itemId === undefined ? {} : { itemId }),
      ...(filter === undefined ? {} : { filter }),
      ...(context === undefined ? {} : { context }),
    }),
  );
  return { itemList: predicted(items), recommendationId: recommendationId() };
}

async function getPersonalizedRanking(ctx: ServiceContext, input: Json): Promise<Json> {
  const served = servedByCampaign(ctx, requireString(input, 'campaignArn'));
  const userId = requireString(input, 'userId');
  const inputList = requireStringList(input, 'inputList', 1, 500);
  const context = optionalStringMap(input, 'context', 150);
  if (served.recipeType !== 'PERSONALIZED_RANKING') {
    throw new InvalidInputError('This campaign does not use a PERSONALIZED_RANKING recipe: call GetRecommendations instead.');
  }
  const filter = readFilter(ctx, input, served);
  const items = await callEngine(() =>
    ctx.engine.getPersonalizedRanking({
      solutionVersionArn: served.modelArn,
      userId,
      inputList,
      ...(filter === undefined ? {} : { filter }),
      ...(context === undefined ? {} : { context }),
    }),
  );
  return { personalizedRanking: predicted(items), recommendationId: recommendationId() };
}

/** Only PERSONALIZED_ACTIONS campaigns answer; the local engine has no such recipe yet. */
function getActionRecommendations(ctx: ServiceContext, input: Json): Json {
  const served = servedByCampaign(ctx, requireString(input, 'campaignArn'));
  optionalInteger(input, 'numResults', 1, 100);
  if (served.recipeType !== 'PERSONALIZED_ACTIONS') {
    throw new InvalidInputError('This campaign does not use a PERSONALIZED_ACTIONS recipe (aws-next-best-action).');
  }
  throw new InvalidInputError('The aws-next-best-action recipe is not available in the local engine.');
}

export type RuntimeOperation = (ctx: ServiceContext, input: Json) => Promise<Json> | Json;

/** REST path → operation. */
export const RUNTIME_ROUTES: Readonly<Record<string, RuntimeOperation>> = {
  '/recommendations': getRecommendations,
  '/personalize-ranking': getPersonalizedRanking,
  '/action-recommendations': getActionRecommendations,
};
