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
import {
  defaultEaseParams,
  EASE_MAX_ITEMS,
  EaseTrainer,
  easeParamsFrom,
  easeParamsReport,
  recentPopularity,
  SEARCH_NEIGHBOURS,
} from './recipes/ease';
import type { EaseParams, ItemWeights } from './recipes/ease';
import { EaseModel } from './recipes/model';
import { alsParamsFrom, refitOnAllData, trainFactorModel, updateFactorModel } from './recipes/user-personalization';
import type { DatasetGroup } from './data/group';
import { hpoSettings, matchRanges, rangeValues } from './hpo-ranges';
import type { HyperParameterRange } from './hpo-ranges';
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
  /** Settings the job accepted but did not carry out, with the reason. */
  readonly warnings?: readonly string[];
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

/** Hyperparameters of the factor model a range may name (first name as reported). */
const ALS_RANGE_NAMES = {
  factors: ['hidden_dimension', 'factors'],
  regularization: ['regularization', 'lambda'],
  alpha: ['alpha'],
  iterations: ['iterations', 'training_epochs'],
} as const;

/**
 * The factor model's HPO candidates: with ranges, the base and then each ranged hyperparameter's
 * values one at a time (spread over its range); without, a fixed grid around the base.
 */
function hpoCandidates(base: AlsParams, maxJobs: number, ranges: ReadonlyMap<string, HyperParameterRange> = new Map()): AlsParams[] {
  const budget = Math.max(1, Math.min(maxJobs, MAX_HPO_JOBS));
  if (ranges.size > 0) {
    // Every candidate stays inside the ranges: the start has each ranged value at its range's middle,
    // the others move one ranged hyperparameter over its range.
    const named = (key: string, v: number): Record<string, string> => ({
      [ALS_RANGE_NAMES[key as keyof typeof ALS_RANGE_NAMES][0]]: String(v),
    });
    const geometric = (key: string): boolean => key === 'regularization' || key === 'alpha';
    let start = base;
    for (const [key, range] of ranges) start = alsParamsFrom(named(key, rangeValues(range, 1, geometric(key))[0]!), start);
    const out: AlsParams[] = [start];
    const per = Math.max(2, Math.ceil((budget - 1) / ranges.size));
    for (const [key, range] of ranges) {
      for (const v of rangeValues(range, per, geometric(key))) {
        const candidate = alsParamsFrom(named(key, v), start);
        if (!out.some((c) => JSON.stringify(c) === JSON.stringify(candidate))) out.push(candidate);
      }
    }
    return out.slice(0, budget);
  }
  const grid: AlsParams[] = [
    base,
    { ...base, alpha: base.alpha * 2.5 },
    { ...base, alpha: base.alpha / 2.5 },
    { ...base, regularization: base.regularization * 10 },
    { ...base, factors: Math.max(8, Math.round(base.factors / 2)) },
    { ...base, factors: Math.min(128, base.factors * 2) },
  ];
  return grid.slice(0, budget);
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
  // Popularity, trending and sims have nothing to search: any range is reported.
  const rangeWarnings = matchRanges(hpoSettings(input.solutionConfig), input.performHPO, {}, recipe.name).warnings;
  const noSearch = rangeWarnings.length === 0 ? {} : { warnings: rangeWarnings };

  switch (recipe.family) {
    case 'popularity': {
      const metrics = evaluate(trainPopularity(info({}, {}), popularityTrain), split, catalogSize);
      return { model: trainPopularity(info({}, metrics), popularityAll), metrics, ...noSearch };
    }
    case 'trending': {
      const window = numberParam(hyper, 'trend_window_seconds');
      const metrics = evaluate(trainTrending(info({}, {}), popularityTrain, log, notTarget, window), split, catalogSize);
      const params: Record<string, number> = window === undefined ? {} : { trend_window_seconds: window };
      return { model: trainTrending(info(params, metrics), popularityAll, log, () => true, window), metrics, ...noSearch };
    }
    case 'sims': {
      const trainMatrix = buildMatrix(log, notTarget);
      const metrics = evaluate(await trainSims(info({}, {}), popularityTrain, trainMatrix), split, catalogSize);
      await yieldToEventLoop();
      return { model: await trainSims(info({}, metrics), popularityAll, buildMatrix(log)), metrics, ...noSearch };
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
      const settings = hpoSettings(input.solutionConfig);
      const { byName, warnings } = matchRanges(settings, input.performHPO, ALS_RANGE_NAMES, 'factor (ALS)');
      if (input.performHPO) {
        const maxJobs = settings.maxJobs;
        // Candidates are compared on a validation split of the training part, never on the held-out data.
        const validation = holdoutSplit(log, seed ^ 0x7a11, 0.1, { userFraction: 0.2, maxUsers: 1000, include: (k) => !heldOut(k) });
        const fitMatrix = buildMatrix(log, (k) => !heldOut(k) && validation.isTarget[k] === 0);
        let best = { score: -1, params };
        for (const candidate of hpoCandidates(params, maxJobs, byName)) {
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
      return {
        model: served,
        metrics,
        ...(input.performHPO ? { tunedHyperParameters: tuned } : {}),
        ...(warnings.length === 0 ? {} : { warnings }),
      };
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
  prior: Float32Array,
): EaseModel {
  return new EaseModel({ ...info, family: 'ease' }, popularity, w.ptr, w.targets, w.weights, p, prior);
}

const easeInfoParams = (p: EaseParams): Record<string, number> => ({
  regularization: p.lambda,
  neighbours: p.neighbours,
  recency_decay: p.decay,
  popularity_blend: p.blend,
});

const priorOf = (log: InteractionLog, include: (k: number) => boolean): Float32Array =>
  recentPopularity(log.timestamps, log.items, log.nItems, include);

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
  const grid = candidateGrid(base, hyper, input);
  const trainer = new EaseTrainer(fit.byUser, fit.byItem, { maxNeighbours: Math.max(base.neighbours, ...(grid.neighbours ?? [])) });
  try {
    const fitRows = (k: number): boolean => notTarget(k) && validation.isTarget[k] === 0;
    const search = await searchEaseParams(
      trainer,
      validation,
      base,
      grid,
      popularityTrain,
      info,
      (model, v) => evaluateRecipe(recipe, model, v, catalogSize, seed),
      priorOf(log, fitRows),
    );
    const params = search.best;
    await trainer.replaceUsers(
      validation.testUsers.map((t) => t.user),
      fit.byUser,
      trainMatrix.byUser,
    );
    const metrics = evaluateRecipe(
      recipe,
      easeModel(info({}, {}), popularityTrain, await trainer.solve(params.lambda, params.neighbours), params, priorOf(log, notTarget)),
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
      priorOf(log, () => true),
    );
    return {
      model: served,
      metrics,
      ...(input.performHPO ? { tunedHyperParameters: easeParamsReport(params) } : {}),
      ...(grid.warnings.length === 0 ? {} : { warnings: grid.warnings }),
    };
  } finally {
    await trainer.close();
  }
}

export interface EaseCandidates {
  readonly lambdas: readonly number[];
  readonly decays: readonly number[];
  /** Recent-popularity blends, tried on the best λ and decay (scoring only). */
  readonly blends: readonly number[];
  /** Neighbourhood sizes to search (a range given); none: the search solves SEARCH_NEIGHBOURS and the base size is served. */
  readonly neighbours?: readonly number[];
  /** hpoConfig ranges accepted but not searched, with the reason. */
  readonly warnings: readonly string[];
}

/** Hyperparameters of neighbourhood EASE a range may name (first name as reported). */
const EASE_RANGE_NAMES = {
  lambda: ['regularization', 'lambda'],
  decay: ['recency_decay'],
  blend: ['popularity_blend'],
  neighbours: ['neighbours'],
} as const;

/** The values of the fixed list inside a range (at least two), else `count` values spread over it. */
function within(range: HyperParameterRange, fixed: readonly number[], count: number, lo: number, hi: number): number[] {
  const clamp = (v: number): number => Math.min(hi, Math.max(lo, v));
  if (range.bounds !== undefined) {
    const [a, b] = range.bounds;
    const inside = fixed.filter((v) => v >= a && v <= b);
    if (inside.length >= 2) return inside;
  }
  return [...new Set(rangeValues(range, count).map(clamp))];
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
/** Recent-popularity blends tried for the best λ and decay (0: EASE alone). */
const BLENDS = [0, 0.01, 0.03, 0.1, 0.3];

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
  const blends = hyper?.['popularity_blend'] !== undefined ? [base.blend] : BLENDS;
  const lambdaGiven = hyper?.['regularization'] !== undefined || hyper?.['lambda'] !== undefined;
  const settings = hpoSettings(input.solutionConfig);
  const { byName, warnings } = matchRanges(settings, input.performHPO, EASE_RANGE_NAMES, 'neighbourhood EASE');
  if (!input.performHPO) {
    return {
      lambdas: lambdaGiven ? [base.lambda] : DEFAULT_LAMBDA_FACTORS.map((f) => base.lambda * f),
      decays: decayGiven ? [base.decay] : DECAYS,
      blends,
      warnings,
    };
  }
  // Every λ and neighbourhood size is a solve: together they fit the job budget.
  const budget = Math.max(1, Math.min(LAMBDA_FACTORS.length, settings.maxJobs));
  const nRange = byName.get('neighbours');
  const neighbours =
    nRange === undefined
      ? undefined
      : [...new Set(rangeValues(nRange, Math.min(2, budget)).map((v) => easeParamsFrom({ neighbours: v }, base).neighbours))];
  const lambdaCount = Math.max(1, Math.floor(budget / (neighbours?.length ?? 1)));
  const lRange = byName.get('lambda');
  const dRange = byName.get('decay');
  const bRange = byName.get('blend');
  return {
    lambdas:
      lRange === undefined
        ? LAMBDA_FACTORS.slice(0, lambdaCount).map((f) => base.lambda * f)
        : rangeValues(lRange, lambdaCount, true).map((v) => easeParamsFrom({ regularization: v }, base).lambda),
    decays: dRange === undefined ? DECAYS : within(dRange, DECAYS, 4, 0.05, 1),
    blends: bRange === undefined ? BLENDS : within(bRange, BLENDS, 4, 0, 10),
    ...(neighbours === undefined ? {} : { neighbours }),
    warnings,
  };
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
  /** Recent popularity on the trainer's data (see recentPopularity); none: the blends are not tried. */
  prior: Float32Array = new Float32Array(popularity.length),
): Promise<EaseSearch> {
  const blend = grid.blends[0] ?? base.blend;
  const sizes = grid.neighbours ?? [Math.min(base.neighbours, SEARCH_NEIGHBOURS)];
  const one = { ...base, lambda: grid.lambdas[0]!, decay: grid.decays[0]!, blend, neighbours: grid.neighbours?.[0] ?? base.neighbours };
  if (grid.lambdas.length * grid.decays.length * grid.blends.length * sizes.length <= 1) return { best: one, tried: [] };
  const tried: { params: EaseParams; score: number }[] = [];
  const ndcg = (weights: ItemWeights, params: EaseParams): number =>
    judge(easeModel(info({}, {}), popularity, weights, params, prior), validation).normalized_discounted_cumulative_gain_at_10 ?? 0;
  let best: { params: EaseParams; score: number; weights?: ItemWeights } = { params: { ...base, blend }, score: -1 };
  for (const size of sizes)
    for (const lambda of grid.lambdas) {
      const weights = await trainer.solve(lambda, size);
      // Searched sizes are served as chosen; otherwise the search's smaller size stands in for the base's.
      const neighbours = grid.neighbours === undefined ? base.neighbours : size;
      for (const decay of grid.decays) {
        const params = { ...base, lambda, decay, blend, neighbours };
        const score = ndcg(weights, params);
        tried.push({ params, score });
        if (score > best.score) best = { params, score, weights };
      }
      await yieldToEventLoop();
    }
  // The blend moves every score by the same prior, so it is tried once λ and decay are chosen.
  const chosen = best;
  for (const b of grid.blends.slice(1)) {
    if (chosen.weights === undefined) break;
    const params = { ...chosen.params, blend: b };
    const score = ndcg(chosen.weights, params);
    tried.push({ params, score });
    if (score > best.score) best = { params, score };
  }
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
        model: easeModel(
          info(base.info.params, base.info.metrics),
          itemCounts(log),
          weights,
          base.easeParams,
          priorOf(log, () => true),
        ),
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
