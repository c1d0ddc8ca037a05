/**
 * GetRecommendations / GetPersonalizedRanking over a trained model and the live dataset group.
 *
 * - The user's history is read from the group at request time, so events recorded with PutEvents
 *   after training are used (factor models refit the user vector from it; the latest events weigh
 *   more), and the next answer changes.
 * - Unknown users (and items of related-items requests) get popular items, never an error, scored
 *   by popularity relative to the most popular item (in [0, 1], like personalised scores).
 * - Like the service, previously interacted items are not removed unless a filter says so.
 * - Scores are the model's affinities (rounded), in descending order; unlike the service they are
 *   not normalised to sum to 1 over the catalogue.
 */
import type { DatasetGroup } from './data/group';
import { EngineInputError } from './errors';
import type { FilterCache } from './filter-view';
import { GroupFilterView } from './filter-view';
import type { FilterRef, ScoredItem } from './port';
import { recipeFor } from './recipes/catalog';
import type { RecipeType } from './recipes/catalog';
import { itemCounts, rowSelector, selectInteractions } from './recipes/interactions';
import { trainTrending } from './recipes/popularity';
import type { Model, ModelQuery } from './recipes/model';
import { topK } from './topk';

const MAX_NUM_RESULTS = 500;
/** How many of the newest events get extra weight when a user vector is refit. */
const RECENT_EVENTS = 10;
/** Extra weight of the newest event (decaying by 0.85 per older event): a session steers the answer. */
const RECENT_BOOST = 4;

export function recipeTypeOf(model: Model): RecipeType {
  return recipeFor(model.info.recipe).recipeType;
}

/** The user's current history under the model's event selection. */
export function userQuery(group: DatasetGroup, model: Model, userId: string | undefined, itemCode?: number): ModelQuery {
  const userCode = userId === undefined ? -1 : group.users.lookup(userId);
  const history = new Map<number, number>();
  let historyChanged = false;
  const t = group.table('INTERACTIONS');
  // Popularity models ignore the history; factor models use the stored vector while the user has
  // no interactions newer than the model, so neither needs the history read.
  const unchangedSinceTraining = (t?.length ?? 0) === model.info.tableRows && userCode < model.info.trainedUsers;
  const needsHistory =
    model.info.family === 'sims' || model.info.family === 'ease' || (model.info.family === 'factors' && !unchangedSinceTraining);
  const sequence: number[] = [];
  if (userCode >= 0 && t !== undefined && needsHistory) {
    const keep = rowSelector(group, model.info.selection);
    const items = t.codes('ITEM_ID');
    const rows = group.userRows(userCode).filter(keep);
    rows.forEach((row, p) => {
      const item = items[row] ?? -1;
      if (item < 0) return;
      const fromEnd = rows.length - 1 - p;
      const boost = fromEnd < RECENT_EVENTS ? RECENT_BOOST * 0.85 ** fromEnd : 0;
      history.set(item, (history.get(item) ?? 0) + 1 + boost);
      sequence.push(item);
      if (row >= model.info.tableRows) historyChanged = true;
    });
    if (userCode >= model.info.trainedUsers && history.size > 0) historyChanged = true;
  }
  return { userCode, history, historyChanged, sequence, ...(itemCode === undefined ? {} : { itemCode }) };
}

const liveTrends = new WeakMap<Model, { rows: number; model: Model }>();

/**
 * Trending-Now follows new events: once PutEvents has added interactions since training, the trend
 * is recomputed over the current data (cached until the next change).
 */
function liveTrendScores(group: DatasetGroup, model: Model): Float32Array | undefined {
  const rows = group.table('INTERACTIONS')?.length ?? 0;
  if (rows <= model.info.tableRows) return model.scores(NO_QUERY);
  let cached = liveTrends.get(model);
  if (cached === undefined || cached.rows !== rows) {
    const log = selectInteractions(group, model.info.selection);
    cached = { rows, model: trainTrending(model.info, itemCounts(log), log, () => true, model.info.params.trend_window_seconds) };
    liveTrends.set(model, cached);
  }
  return cached.model.scores(NO_QUERY);
}

const NO_QUERY: ModelQuery = { userCode: -1, history: new Map(), historyChanged: false };

export function validateNumResults(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_NUM_RESULTS) {
    throw new EngineInputError(`numResults must be between 1 and ${MAX_NUM_RESULTS}, got ${n}`);
  }
}

const round = (v: number): number => Math.round(v * 1e6) / 1e6;

export interface RecommendRequest {
  readonly userId?: string;
  readonly itemId?: string;
  readonly numResults: number;
  readonly filter?: FilterRef;
}

/** Item ids a filter allows for this request, or undefined when there is no filter. */
function itemFilter(
  group: DatasetGroup,
  filters: FilterCache,
  ref: FilterRef | undefined,
  userId: string | undefined,
  currentItemId: string | undefined,
): ((itemId: string) => boolean) | undefined {
  if (ref === undefined) return undefined;
  const compiled = filters.get(ref);
  if (compiled.target !== 'ItemID') {
    throw new EngineInputError(`Filter ${ref.filterArn} filters ${compiled.target}; recommendations need an ItemID filter`);
  }
  return compiled.bind({
    ...(userId === undefined ? {} : { userId }),
    ...(currentItemId === undefined ? {} : { currentItemId }),
    data: new GroupFilterView(group),
  });
}

export function recommend(group: DatasetGroup, model: Model, filters: FilterCache, req: RecommendRequest): ScoredItem[] {
  validateNumResults(req.numResults);
  const type = recipeTypeOf(model);
  let query: ModelQuery;
  if (type === 'RELATED_ITEMS') {
    if (req.itemId === undefined) throw new EngineInputError('itemId is required for a related-items recipe');
    query = { userCode: -1, history: new Map(), historyChanged: false, itemCode: group.items.lookup(req.itemId) };
  } else if (type === 'USER_SEGMENTATION') {
    throw new EngineInputError(`Recipe ${model.info.recipe} supports batch segment jobs only`);
  } else {
    if (req.userId === undefined && type !== 'POPULAR_ITEMS') throw new EngineInputError('userId is required for this recipe');
    query = userQuery(group, model, req.userId);
  }
  const scores = (model.info.family === 'trending' ? liveTrendScores(group, model) : model.scores(query)) ?? model.coldStartScores();
  const allowsId = itemFilter(group, filters, req.filter, req.userId, req.itemId);
  const allow = allowsId === undefined ? undefined : (code: number): boolean => allowsId(group.items.decode(code));
  const exclude = query.itemCode !== undefined && query.itemCode >= 0 ? new Set([query.itemCode]) : undefined;
  const best = topK(scores, req.numResults, {
    limit: model.nItems,
    ...(allow === undefined ? {} : { allow }),
    ...(exclude === undefined ? {} : { exclude }),
  });
  return best.codes.map((code, r) => ({ itemId: group.items.decode(code), score: round(best.scores[r]!) }));
}

export interface RankRequest {
  readonly userId: string;
  readonly inputList: readonly string[];
  readonly filter?: FilterRef;
}

/** Re-ranks `inputList` for the user; unknown items keep their order at the end (score 0). */
export function rank(group: DatasetGroup, model: Model, filters: FilterCache, req: RankRequest): ScoredItem[] {
  if (req.inputList.length === 0 || req.inputList.length > MAX_NUM_RESULTS) {
    throw new EngineInputError(`inputList must have between 1 and ${MAX_NUM_RESULTS} items, got ${req.inputList.length}`);
  }
  const scores = model.scores(userQuery(group, model, req.userId)) ?? model.coldStartScores();
  const allows = itemFilter(group, filters, req.filter, req.userId, undefined);
  const seen = new Set<string>();
  const known: { itemId: string; score: number; pos: number }[] = [];
  const unknown: ScoredItem[] = [];
  req.inputList.forEach((itemId, pos) => {
    if (seen.has(itemId)) return;
    seen.add(itemId);
    if (allows !== undefined && !allows(itemId)) return;
    const code = group.items.lookup(itemId);
    // Items the model has not learned (unknown, or added after training) keep their order at the end.
    if (code >= 0 && code < model.nItems) known.push({ itemId, score: scores[code]!, pos });
    else unknown.push({ itemId, score: 0 });
  });
  known.sort((a, b) => b.score - a.score || a.pos - b.pos);
  return [...known.map((k) => ({ itemId: k.itemId, score: round(k.score) })), ...unknown];
}
