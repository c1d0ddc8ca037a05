/** Solution: Create / Describe / List / Update / Delete. */
import { ResourceKind, recipeArn, resourceArn } from '../arns';
import {
  DELETING_STATUSES,
  describe,
  ensureAbsent,
  findResource,
  isPending,
  requireRoomInDatasetGroup,
  requireStatus,
  summarize,
  type ServiceContext,
} from '../context';
import { clip, InvalidInputError, ResourceInUseError, ResourceNotFoundError } from '../errors';
import { optionalArn, optionalBoolean, optionalObject, optionalString, readTags, requireArn, requireName, type Json } from '../input';
import { CREATE_CHAIN, Status, subStatus } from '../lifecycle';
import { findRecipe, type RecipeInfo } from '../recipes';
import { nowSeconds, type Resource } from '../store';
import { byParent, listPage, type Operations, startCreate, startDelete, TIMES } from './common';

export const VERSION_SUMMARY_MEMBERS = ['solutionVersionArn', 'status', 'trainingMode', 'trainingType', ...TIMES, 'failureReason'] as const;

/** AutoML picks from its recipe list; the first custom recipe listed wins here. */
function chooseRecipe(input: Json, performAutoML: boolean): RecipeInfo {
  const arn = optionalArn(input, 'recipeArn');
  if (arn === undefined) {
    if (!performAutoML) throw new InvalidInputError('recipeArn is required unless performAutoML is true.');
    const autoML = optionalObject(optionalObject(input, 'solutionConfig') ?? {}, 'autoMLConfig');
    const candidates = Array.isArray(autoML?.['recipeList'])
      ? (autoML['recipeList'] as unknown[])
      : [recipeArn('aws-user-personalization')];
    const chosen = candidates
      .map((candidate) => (typeof candidate === 'string' ? findRecipe(candidate) : undefined))
      .find((recipe) => recipe !== undefined);
    if (chosen === undefined) throw new InvalidInputError('solutionConfig.autoMLConfig.recipeList names no known recipe.');
    return chosen;
  }
  const recipe = findRecipe(arn);
  if (recipe === undefined) throw new ResourceNotFoundError(`Recipe ${clip(arn)} does not exist.`);
  if (recipe.domain !== undefined) {
    throw new InvalidInputError(
      `Recipe ${clip(arn)} is a ${recipe.domain} domain recipe; use it with CreateRecommender, not CreateSolution.`,
    );
  }
  return recipe;
}

function createSolution(ctx: ServiceContext, input: Json): Json {
  const name = requireName(input);
  const datasetGroupArn = requireArn(input, 'datasetGroupArn');
  const performAutoML = optionalBoolean(input, 'performAutoML') ?? false;
  const recipe = chooseRecipe(input, performAutoML);
  const performHPO = optionalBoolean(input, 'performHPO') ?? false;
  const performAutoTraining = optionalBoolean(input, 'performAutoTraining') ?? true;
  const performIncrementalUpdate = optionalBoolean(input, 'performIncrementalUpdate') ?? false;
  const eventType = optionalString(input, 'eventType');
  const solutionConfig = optionalObject(input, 'solutionConfig');
  const tags = readTags(input);
  const arn = resourceArn(ResourceKind.solution, name);
  ensureAbsent(ctx, ResourceKind.solution, arn);
  const group = findResource(ctx, ResourceKind.datasetGroup, datasetGroupArn);
  requireStatus(group, [Status.active], 'creating a solution');
  requireRoomInDatasetGroup(ctx, ResourceKind.solution, datasetGroupArn, ctx.quotas.solutionsPerDatasetGroup, 'solution');
  const fields: Record<string, unknown> = {
    performHPO,
    performAutoML,
    performAutoTraining,
    performIncrementalUpdate,
    recipeArn: recipeArn(recipe.name),
    datasetGroupArn,
  };
  if (eventType !== undefined) fields['eventType'] = eventType;
  if (solutionConfig !== undefined) fields['solutionConfig'] = solutionConfig;
  if (performAutoML) fields['autoMLResult'] = { bestRecipeArn: recipeArn(recipe.name) };
  startCreate(ctx, { kind: ResourceKind.solution, arn, name, fields, tags });
  return { solutionArn: arn };
}

/** Describe adds the newest version's summary, as the service does. */
function describeSolution(ctx: ServiceContext, input: Json): Json {
  const solution = findResource(ctx, ResourceKind.solution, requireArn(input, 'solutionArn'));
  const out = describe(solution);
  const latest = ctx.store.list(ResourceKind.solutionVersion, (version) => version.fields['solutionArn'] === solution.arn).pop();
  if (latest !== undefined) out['latestSolutionVersion'] = summarize(latest, VERSION_SUMMARY_MEMBERS);
  return { solution: out };
}

function updateSolution(ctx: ServiceContext, input: Json): Json {
  const solution = findResource(ctx, ResourceKind.solution, requireArn(input, 'solutionArn'));
  const performAutoTraining = optionalBoolean(input, 'performAutoTraining');
  const performIncrementalUpdate = optionalBoolean(input, 'performIncrementalUpdate');
  const solutionUpdateConfig = optionalObject(input, 'solutionUpdateConfig');
  requireStatus(solution, [Status.active], 'updating it');
  const current = (solution.fields['latestSolutionUpdate'] as { status?: string } | undefined)?.status;
  if (current === Status.createPending || current === Status.createInProgress) {
    throw new ResourceInUseError(`Solution ${solution.arn} has an update in progress.`);
  }
  const now = nowSeconds();
  const summary: Record<string, unknown> = { status: Status.createPending, creationDateTime: now, lastUpdatedDateTime: now };
  if (performAutoTraining !== undefined) summary['performAutoTraining'] = performAutoTraining;
  if (performIncrementalUpdate !== undefined) summary['performIncrementalUpdate'] = performIncrementalUpdate;
  if (solutionUpdateConfig !== undefined) summary['solutionUpdateConfig'] = solutionUpdateConfig;
  ctx.store.update(solution.arn, (target) => {
    target.fields['latestSolutionUpdate'] = summary;
  });
  resumeSolutionUpdate(ctx, solution.arn);
  return { solutionArn: solution.arn };
}

export function resumeSolutionUpdate(ctx: ServiceContext, arn: string): void {
  ctx.lifecycle.chain(arn, {
    states: CREATE_CHAIN,
    slot: subStatus('latestSolutionUpdate'),
    work: async (resource) => {
      const update = resource.fields['latestSolutionUpdate'] as Record<string, unknown>;
      return (target) => {
        if (update['performAutoTraining'] !== undefined) target.fields['performAutoTraining'] = update['performAutoTraining'];
        if (update['performIncrementalUpdate'] !== undefined)
          target.fields['performIncrementalUpdate'] = update['performIncrementalUpdate'];
        const config = update['solutionUpdateConfig'] as Record<string, unknown> | undefined;
        if (config !== undefined) {
          target.fields['solutionConfig'] = {
            ...((target.fields['solutionConfig'] as Record<string, unknown> | undefined) ?? {}),
            ...config,
          };
        }
      };
    },
  });
}

function deleteSolution(ctx: ServiceContext, input: Json): Json {
  const solution = findResource(ctx, ResourceKind.solution, requireArn(input, 'solutionArn'));
  const versions = ctx.store.list(ResourceKind.solutionVersion, (version) => version.fields['solutionArn'] === solution.arn);
  const pending = versions.find(isPending);
  if (pending !== undefined)
    throw new ResourceInUseError(`Solution ${solution.arn} has a solution version in ${pending.status}: ${pending.arn}.`);
  const versionArns = new Set(versions.map((version) => version.arn));
  const campaign = ctx.store.list(
    ResourceKind.campaign,
    (candidate) => versionArns.has(candidate.fields['solutionVersionArn'] as string) && !DELETING_STATUSES.has(candidate.status ?? ''),
  )[0];
  if (campaign !== undefined)
    throw new ResourceInUseError(`Solution ${solution.arn} is deployed by campaign ${campaign.arn}; delete the campaign first.`);
  startDelete(ctx, solution, removeSolution(ctx));
  return {};
}

/** A solution takes its versions with it. */
export function removeSolution(ctx: ServiceContext) {
  return (resource: Resource): void => {
    const children = ctx.store.list(ResourceKind.solutionVersion, (version) => version.fields['solutionArn'] === resource.arn);
    ctx.store.remove([resource.arn, ...children.map((version) => version.arn)]);
  };
}

export const solutionOperations: Operations = {
  CreateSolution: createSolution,
  DescribeSolution: describeSolution,
  ListSolutions: (ctx, input) =>
    listPage(ctx, input, {
      kind: ResourceKind.solution,
      key: 'solutions',
      members: ['name', 'solutionArn', 'status', ...TIMES, 'recipeArn'],
      ...byParent(input, 'datasetGroupArn', 'ListSolutions'),
    }),
  UpdateSolution: updateSolution,
  DeleteSolution: deleteSolution,
};
