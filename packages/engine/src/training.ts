/**
 * A solution version's training job: select the interactions (event type, value threshold),
 * enforce the service's minimums, hold out the evaluation split, train the recipe (optionally
 * after a bounded hyperparameter search), compute the reported metrics, refit on all data.
 */
import { TrainingError } from './errors';
import { segmentMetrics, solutionMetrics } from './metrics';
import type { RankedCase } from './metrics';
import type { TrainInput } from './port';
import { DEFAULT_ALS_PARAMS, yieldToEventLoop } from './recipes/als';
import type { AlsParams } from './recipes/als';
import { recipeFor } from './recipes/catalog';
import type { RecipeSpec } from './recipes/catalog';
import { buildMatrix, itemCounts, selectInteractions } from './recipes/interactions';
import type { Csr, EventSelection, InteractionLog } from './recipes/interactions';
import { assignColdItemFactors } from './recipes/cold-items';
import { FactorModel } from './recipes/model';
import type { Model, ModelInfo } from './recipes/model';
import { trainPopularity, trainTrending } from './recipes/popularity';
import { trainSims } from './recipes/sims';
import { defaultEaseParams, EASE_MAX_ITEMS, EaseTrainer, easeParamsFrom, easeParamsReport } from './recipes/ease';
import type { EaseParams } from './recipes/ease';
import { EaseModel } from './recipes/model';
import { alsParamsFrom, refitOnAllData, trainFactorModel, updateFactorModel } from './recipes/user-personalization';
import type { DatasetGroup } from './data/group';
import { createRng } from './rng';
import { holdoutSplit, segmentSplit, validationSplit } from './split';
import type { SegmentSplit } from './split';
import type { HoldoutSplit } from './split';
import { topK } from './topk';

const MIN_INTERACTIONS = 1000;
const MIN_USERS_WITH_TWO = 25;
/** The share (percent) of users that must have 2 or more interactions (limits page). */
const MIN_PERCENT_USERS_WITH_TWO = 1;
const DEFAULT_SEED = 42;
/** HPO evaluates at most this many configurations, whatever hpoConfig asks. */
const MAX_HPO_JOBS = 6;

export interface TrainOutcome {
  readonly model: Model;
  readonly metrics: Record<string, number>;
  /** With performHPO: the hyperparameters the search chose (DescribeSolutionVersion's tunedHPOParams). */
  readonly tunedHyperParameters?: Record<string, string>;
}

function numberParam(config: Record<string, unknown> | undefined, key: string): number | undefined {
  const v = config?.[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

function eventSelectionFor(input: Pick<TrainInput, 'eventType' | 'solutionConfig'>, recipe: RecipeSpec): EventSelection {
  const eventType = input.eventType ?? recipe.defaultEventType;
  const threshold = numberParam(input.solutionConfig, 'eventValueThreshold');
  return { ...(eventType === undefined ? {} : { eventType }), ...(threshold === undefined ? {} : { eventValueThreshold: threshold }) };
}

/** The service's training minimums (PERSONALIZE.md §3, §5), with its messages. */
function checkMinimums(log: InteractionLog, sel: EventSelection): void {
  if (log.length < MIN_INTERACTIONS) {
    throw new TrainingError(
      sel.eventType === undefined
        ? `Create failed. Dataset has fewer than ${MIN_INTERACTIONS} interactions.`
        : `Create failed. Dataset has fewer than ${MIN_INTERACTIONS} interactions after filtering by event type: ${sel.eventType}`,
    );
  }
  const perUser = new Map<number, number>();
  for (let k = 0; k < log.length; k++) perUser.set(log.users[k]!, (perUser.get(log.users[k]!) ?? 0) + 1);
  let withTwo = 0;
  for (const n of perUser.values()) if (n >= 2) withTwo++;
  if (withTwo < MIN_USERS_WITH_TWO) {
    throw new TrainingError(`Create failed. Dataset has fewer than ${MIN_USERS_WITH_TWO} users with at least 2 interactions each.`);
  }
  // Counted over the users of the (filtered) interactions, like the other minimums.
  if (withTwo * 100 < perUser.size * MIN_PERCENT_USERS_WITH_TWO) {
    throw new TrainingError(
      `Create failed. Fewer than ${MIN_PERCENT_USERS_WITH_TWO}% of users have at least 2 interactions each: ${withTwo} of ${perUser.size} users.`,
    );
  }
}

/** Top-25 per test user, excluding their input items, as the metrics see it. */
function evaluate(model: Model, split: HoldoutSplit, catalogSize: number): Record<string, number> {
  const cases: RankedCase[] = [];
  for (const t of split.testUsers) {
    const scores =
      model.scores({ userCode: t.user, history: t.input, sequence: t.sequence, historyChanged: false }) ?? model.coldStartScores();
    const recommended = topK(scores, 25, { exclude: t.input, limit: model.nItems }).codes;
    cases.push({ recommended, relevant: t.targets });
  }
  return solutionMetrics(cases, catalogSize);
}

/** Other items mixed into each test user's candidate list for personalized ranking. */
const RANKING_DISTRACTORS = 100;

/**
 * Personalized ranking is asked to order a list, not the catalogue: each test user's list is their
 * held-out items plus 100 other items not in their input (seeded, in item order so position says
 * nothing), and the metrics are computed on the model's order of that list.
 */
function evaluateRanking(model: Model, split: HoldoutSplit, catalogSize: number, seed: number): Record<string, number> {
  const rng = createRng(seed ^ 0x4a11);
  const cases: RankedCase[] = [];
  for (const t of split.testUsers) {
    const scores =
      model.scores({ userCode: t.user, history: t.input, sequence: t.sequence, historyChanged: false }) ?? model.coldStartScores();
    const list = new Set(t.targets);
    const wanted = Math.min(model.nItems - t.input.size, t.targets.size + RANKING_DISTRACTORS);
    for (let tries = 0; list.size < wanted && tries < 20 * RANKING_DISTRACTORS; tries++) {
      const item = Math.floor(rng.next() * model.nItems);
      if (!t.input.has(item)) list.add(item);
    }
    const ranked = [...list].sort((a, b) => a - b).sort((a, b) => scores[b]! - scores[a]!);
    cases.push({ recommended: ranked.slice(0, 25), relevant: t.targets });
  }
  return solutionMetrics(cases, catalogSize);
}

/** The held-out evaluation of a recipe's own model, the way that recipe is queried. */
function evaluateRecipe(recipe: RecipeSpec, model: Model, split: HoldoutSplit, catalogSize: number, seed: number): Record<string, number> {
  return recipe.recipeType === 'PERSONALIZED_RANKING'
    ? evaluateRanking(model, split, catalogSize, seed)
    : evaluate(model, split, catalogSize);
}

function hpoCandidates(base: AlsParams, maxJobs: number): AlsParams[] {
  const grid: AlsParams[] = [
    base,
    { ...base, alpha: base.alpha * 2.5 },
    { ...base, alpha: base.alpha / 2.5 },
    { ...base, regularization: base.regularization * 10 },
    { ...base, factors: Math.max(8, Math.round(base.factors / 2)) },
    { ...base, factors: Math.min(128, base.factors * 2) },
  ];
  return grid.slice(0, Math.max(1, Math.min(maxJobs, MAX_HPO_JOBS)));
}

export async function trainSolutionVersion(group: DatasetGroup, input: TrainInput, base?: Model): Promise<TrainOutcome> {
  const recipe = recipeFor(input.recipeArn);
  const selection = eventSelectionFor(input, recipe);
  const log = selectInteractions(group, selection);
  checkMinimums(log, selection);
  const hyper = input.solutionConfig?.algorithmHyperParameters as Record<string, unknown> | undefined;
  const seed = numberParam(hyper, 'seed') ?? numberParam(hyper, 'random_seed') ?? DEFAULT_SEED;
  const catalogSize = group.catalogItemCodes().size;
  const info = (params: Record<string, number>, metrics: Record<string, number>): ModelInfo => ({
    family: recipe.family,
    recipe: recipe.name,
    datasetGroupArn: group.datasetGroupArn,
    selection,
    trainedRows: log.length,
    trainedItems: group.items.size,
    trainedUsers: group.users.size,
    tableRows: group.table('INTERACTIONS')?.length ?? 0,
    itemsRows: group.table('ITEMS')?.length ?? 0,
    revision: group.revision,
    params,
    metrics,
  });

  if (input.trainingMode === 'UPDATE') return updateVersion(group, recipe, log, base, info);

  const split = holdoutSplit(log, seed);
  const notTarget = (k: number): boolean => split.isTarget[k] === 0;
  const popularityTrain = itemCounts(log, notTarget);
  const popularityAll = itemCounts(log);

  switch (recipe.family) {
    case 'popularity': {
      const metrics = evaluate(trainPopularity(info({}, {}), popularityTrain), split, catalogSize);
      return { model: trainPopularity(info({}, metrics), popularityAll), metrics };
    }
    case 'trending': {
      const window = numberParam(hyper, 'trend_window_seconds');
      const metrics = evaluate(trainTrending(info({}, {}), popularityTrain, log, notTarget, window), split, catalogSize);
      const params: Record<string, number> = window === undefined ? {} : { trend_window_seconds: window };
      return { model: trainTrending(info(params, metrics), popularityAll, log, () => true, window), metrics };
    }
    case 'sims': {
      const trainMatrix = buildMatrix(log, notTarget);
      const metrics = evaluate(await trainSims(info({}, {}), popularityTrain, trainMatrix), split, catalogSize);
      await yieldToEventLoop();
      return { model: await trainSims(info({}, metrics), popularityAll, buildMatrix(log)), metrics };
    }
    case 'ease':
    case 'factors': {
      if (usesEase(recipe, log.nItems))
        return trainEaseVersion(recipe, log, split, catalogSize, hyper, input, seed, popularityTrain, popularityAll, info);
      // Item affinity is judged as Personalize splits USER_SEGMENTATION data: 80/20 within each user.
      const segments = recipe.recipeType === 'USER_SEGMENTATION' ? segmentSplit(log) : undefined;
      const heldOut = (k: number): boolean => (segments ?? split).isTarget[k] === 1;
      const trainMatrix = buildMatrix(log, (k) => !heldOut(k));
      const popularityFit = itemCounts(log, (k) => !heldOut(k));
      let params = alsParamsFrom(hyper, DEFAULT_ALS_PARAMS);
      if (input.performHPO) {
        const hpo = input.solutionConfig?.hpoConfig as { hpoResourceConfig?: { maxNumberOfTrainingJobs?: string } } | undefined;
        const maxJobs = Number(hpo?.hpoResourceConfig?.maxNumberOfTrainingJobs ?? 4) || 4;
        // Candidates are compared on a validation split of the training part, never on the held-out data.
        const validation = holdoutSplit(log, seed ^ 0x7a11, 0.1, { userFraction: 0.2, maxUsers: 1000, include: (k) => !heldOut(k) });
        const fitMatrix = buildMatrix(log, (k) => !heldOut(k) && validation.isTarget[k] === 0);
        let best = { score: -1, params };
        for (const candidate of hpoCandidates(params, maxJobs)) {
          // Searches use fewer sweeps; the winner is then trained in full.
          const quick = { ...candidate, iterations: Math.max(3, Math.ceil(candidate.iterations / 2)) };
          const m = await trainFactorModel(info({}, {}), popularityFit, fitMatrix, quick, createRng(seed));
          const score = evaluate(m, validation, catalogSize).normalized_discounted_cumulative_gain_at_10 ?? 0;
          if (score > best.score) best = { score, params: candidate };
          await yieldToEventLoop();
        }
        params = best.params;
      }
      const model = await trainFactorModel(info({}, {}), popularityFit, trainMatrix, params, createRng(seed));
      const metrics =
        segments === undefined ? evaluateRecipe(recipe, model, split, catalogSize, seed) : evaluateSegments(model, segments, seed);
      const full = buildMatrix(log);
      refitOnAllData(model, full);
      giveColdItemsFactors(group, model, full.byItem);
      const served = new FactorModel(info({ ...params }, metrics), popularityAll, model.k, model.userFactors, model.itemFactors, params);
      const tuned = {
        hidden_dimension: String(params.factors),
        regularization: String(params.regularization),
        alpha: String(params.alpha),
        iterations: String(params.iterations),
      };
      return { model: served, metrics, ...(input.performHPO ? { tunedHyperParameters: tuned } : {}) };
    }
  }
}

/** Items whose segments are scored at most (each ranks every user). */
const MAX_SEGMENT_ITEMS = 500;

/** Segments of the top 1 % of users by affinity for held-out items (a seeded sample of at most 500). */
function evaluateSegments(model: FactorModel, split: SegmentSplit, seed: number): Record<string, number> {
  const items = [...split.usersByItem.keys()].filter((i) => i < model.nItems).sort((a, b) => a - b);
  const rng = createRng(seed ^ 0x5e9);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  const size = Math.max(1, Math.round(model.nUsers * 0.01));
  const segments = items.slice(0, MAX_SEGMENT_ITEMS).map((item) => ({
    segment: topK(model.userScores(model.itemFactors.subarray(item * model.k, (item + 1) * model.k)), size).codes,
    relevant: split.usersByItem.get(item)!,
  }));
  return segmentMetrics(segments);
}

/** User personalization and personalized ranking train EASE where its item×item matrix fits. */
function usesEase(recipe: RecipeSpec, nItems: number): boolean {
  return (recipe.recipeType === 'USER_PERSONALIZATION' || recipe.recipeType === 'PERSONALIZED_RANKING') && nItems <= EASE_MAX_ITEMS;
}

type InfoFor = (params: Record<string, number>, metrics: Record<string, number>) => ModelInfo;

function easeModel(
  info: ModelInfo,
  popularity: Float32Array,
  w: { ptr: Int32Array; targets: Int32Array; weights: Float32Array },
  p: EaseParams,
): EaseModel {
  return new EaseModel({ ...info, family: 'ease' }, popularity, w.ptr, w.targets, w.weights, p);
}

const easeInfoParams = (p: EaseParams): Record<string, number> => ({
  regularization: p.lambda,
  neighbours: p.neighbours,
  recency_decay: p.decay,
});

async function trainEaseVersion(
  recipe: RecipeSpec,
  log: InteractionLog,
  split: HoldoutSplit,
  catalogSize: number,
  hyper: Record<string, unknown> | undefined,
  input: TrainInput,
  seed: number,
  popularityTrain: Float32Array,
  popularityAll: Float32Array,
  info: InfoFor,
): Promise<TrainOutcome> {
  const notTarget = (k: number): boolean => split.isTarget[k] === 0;
  const base = easeParamsFrom(hyper, defaultEaseParams(log.length, log.nItems));
  const validation = validationSplit(log, split, seed);
  // One co-occurrence matrix moves through three fits: without the validation rows (choosing),
  // without the evaluation targets (metrics), with everything (served).
  const fit = buildMatrix(log, (k) => notTarget(k) && validation.isTarget[k] === 0);
  const trainMatrix = buildMatrix(log, notTarget);
  const full = buildMatrix(log);
  const trainer = new EaseTrainer(fit.byUser, fit.byItem, { maxNeighbours: base.neighbours });
  try {
    const search = await searchEaseParams(trainer, validation, base, candidateGrid(base, hyper, input), popularityTrain, info, (model, v) =>
      evaluateRecipe(recipe, model, v, catalogSize, seed),
    );
    const params = search.best;
    await trainer.replaceUsers(
      validation.testUsers.map((t) => t.user),
      fit.byUser,
      trainMatrix.byUser,
    );
    const metrics = evaluateRecipe(
      recipe,
      easeModel(info({}, {}), popularityTrain, await trainer.solve(params.lambda, params.neighbours), params),
      split,
      catalogSize,
      seed,
    );
    await trainer.replaceUsers(
      split.testUsers.map((t) => t.user),
      trainMatrix.byUser,
      full.byUser,
    );
    const served = easeModel(
      info(easeInfoParams(params), metrics),
      popularityAll,
      await trainer.solve(params.lambda, params.neighbours),
      params,
    );
    return { model: served, metrics, ...(input.performHPO ? { tunedHyperParameters: easeParamsReport(params) } : {}) };
  } finally {
    await trainer.close();
  }
}

export interface EaseCandidates {
  readonly lambdas: readonly number[];
  readonly decays: readonly number[];
}

/** Candidate penalties with performHPO: multiples of the base λ, nearest first, as many as the job budget allows. */
const LAMBDA_FACTORS = [1, 0.25, 4, 0.0625, 16, 64];
/**
 * Without performHPO two penalties are compared: the base and a strong one. Sparse or noisy data
 * (short histories, many new items) wants λ an order of magnitude above the mean count per item,
 * dense co-occurrence the mean itself; one extra solve decides.
 */
const DEFAULT_LAMBDA_FACTORS = [1, 16];
/** Recency decays tried for every λ (scoring only, no retraining). */
const DECAYS = [1, 0.95, 0.85, 0.7, 0.5, 0.3, 0.15];

/**
 * What training compares on the validation split. Without performHPO: the given λ or two default
 * ones, and — unless recency_decay is given — every recency decay, since whether recency matters
 * depends on the data (a drifting taste wants it, a stable one loses by it) and trying one costs
 * only a scoring pass. With performHPO λ over a wider range, up to maxNumberOfTrainingJobs values.
 */
export function candidateGrid(
  base: EaseParams,
  hyper: Record<string, unknown> | undefined,
  input: Pick<TrainInput, 'performHPO' | 'solutionConfig'>,
): EaseCandidates {
  const decayGiven = hyper?.['recency_decay'] !== undefined;
  const lambdaGiven = hyper?.['regularization'] !== undefined || hyper?.['lambda'] !== undefined;
  if (!input.performHPO) {
    return {
      lambdas: lambdaGiven ? [base.lambda] : DEFAULT_LAMBDA_FACTORS.map((f) => base.lambda * f),
      decays: decayGiven ? [base.decay] : DECAYS,
    };
  }
  const hpo = input.solutionConfig?.hpoConfig as { hpoResourceConfig?: { maxNumberOfTrainingJobs?: string } } | undefined;
  const maxJobs = Math.max(1, Math.min(LAMBDA_FACTORS.length, Number(hpo?.hpoResourceConfig?.maxNumberOfTrainingJobs ?? 4) || 4));
  return { lambdas: LAMBDA_FACTORS.slice(0, maxJobs).map((f) => base.lambda * f), decays: DECAYS };
}

export interface EaseSearch {
  readonly best: EaseParams;
  /** NDCG@10 on the validation split of every candidate tried, in order. */
  readonly tried: readonly { readonly params: EaseParams; readonly score: number }[];
}

/**
 * Scores every candidate on the validation split (the newest 10 % of the interactions of up to
 * 1,000 users, taken out of the trainer's matrix) by NDCG@10 and returns the best. Each λ costs a
 * solve of the neighbourhoods; each recency decay only a scoring pass. A single candidate is not
 * scored.
 */
export async function searchEaseParams(
  trainer: EaseTrainer,
  validation: HoldoutSplit,
  base: EaseParams,
  grid: EaseCandidates,
  popularity: Float32Array,
  info: InfoFor,
  /** The recipe's own evaluation (personalized ranking orders candidate lists); default: the catalogue top 25. */
  judge: (model: Model, validation: HoldoutSplit) => Record<string, number> = (model, v) => evaluate(model, v, popularity.length),
): Promise<EaseSearch> {
  if (grid.lambdas.length * grid.decays.length === 1)
    return { best: { ...base, lambda: grid.lambdas[0]!, decay: grid.decays[0]! }, tried: [] };
  const tried: { params: EaseParams; score: number }[] = [];
  for (const lambda of grid.lambdas) {
    const weights = await trainer.solve(lambda, base.neighbours);
    for (const decay of grid.decays) {
      const params = { ...base, lambda, decay };
      const score =
        judge(easeModel(info({}, {}), popularity, weights, params), validation).normalized_discounted_cumulative_gain_at_10 ?? 0;
      tried.push({ params, score });
    }
    await yieldToEventLoop();
  }
  const best = tried.reduce((a, b) => (b.score > a.score ? b : a));
  return { best: best.params, tried };
}

/** Items of the catalogue without interactions get vectors from similar items (see cold-items). */
function giveColdItemsFactors(group: DatasetGroup, model: FactorModel, byItem: Csr): void {
  const hasInteractions = (code: number): boolean => byItem.ptr[code + 1]! > byItem.ptr[code]!;
  const cold: number[] = [];
  for (let code = 0; code < model.nItems; code++) if (!hasInteractions(code)) cold.push(code);
  assignColdItemFactors(group, model.itemFactors, model.k, hasInteractions, cold);
}

/**
 * Service text for an UPDATE with nothing new, as the replaced solution documents it
 * (shared/fixtures/seed-examples/README.md).
 */
const NOTHING_TO_UPDATE =
  'There should be updates to at least one dataset after last active solution version with training mode set to FULL';

async function updateVersion(
  group: DatasetGroup,
  recipe: RecipeSpec,
  log: InteractionLog,
  base: Model | undefined,
  info: (params: Record<string, number>, metrics: Record<string, number>) => ModelInfo,
): Promise<TrainOutcome> {
  if (!recipe.supportsUpdate) {
    throw new TrainingError(`Create failed. trainingMode UPDATE is only supported for User-Personalization recipes, not ${recipe.name}.`);
  }
  if (!(base instanceof FactorModel) && !(base instanceof EaseModel)) {
    throw new TrainingError('Create failed. trainingMode UPDATE requires an ACTIVE solution version trained with trainingMode FULL.');
  }
  const itemsRows = group.table('ITEMS')?.length ?? 0;
  const baseItems = base.info.trainedItems;
  if (log.length === base.info.trainedRows && group.items.size === baseItems && itemsRows <= (base.info.itemsRows ?? itemsRows)) {
    throw new TrainingError(NOTHING_TO_UPDATE);
  }
  if (base instanceof EaseModel) {
    // EASE has no per-user state to keep: an update solves the neighbourhoods again over all data
    // with the base version's hyperparameters (new items included).
    const matrix = buildMatrix(log);
    const trainer = new EaseTrainer(matrix.byUser, matrix.byItem, { maxNeighbours: base.easeParams.neighbours });
    try {
      const weights = await trainer.solve(base.easeParams.lambda, base.easeParams.neighbours);
      return {
        model: easeModel(info(base.info.params, base.info.metrics), itemCounts(log), weights, base.easeParams),
        metrics: base.info.metrics,
      };
    } finally {
      await trainer.close();
    }
  }
  // Rows are appended (imports INCREMENTAL, PutEvents), so log entries past trainedRows are new.
  const changedUsers = new Set<number>();
  const changedItems = new Set<number>();
  for (let k = Math.min(base.info.trainedRows, log.length); k < log.length; k++) {
    changedUsers.add(log.users[k]!);
    changedItems.add(log.items[k]!);
  }
  for (let i = baseItems; i < group.items.size; i++) changedItems.add(i);
  const popularity = itemCounts(log);
  const matrix = buildMatrix(log);
  const model = updateFactorModel(base, info(base.info.params, base.info.metrics), popularity, matrix, changedUsers, changedItems);
  giveColdItemsFactors(group, model, matrix.byItem);
  return { model, metrics: base.info.metrics };
}
