/**
 * Recipe names → what trains them and how they are queried. Domain recipes (recommenders of
 * ECOMMERCE / VIDEO_ON_DEMAND dataset groups) map onto the same families, some with the event type
 * their use case implies (PERSONALIZE.md §4).
 */
import { TrainingError } from '../errors';
import type { ModelFamily } from './model';

const RecipeTypes = {
  USER_PERSONALIZATION: 'USER_PERSONALIZATION',
  RELATED_ITEMS: 'RELATED_ITEMS',
  PERSONALIZED_RANKING: 'PERSONALIZED_RANKING',
  POPULAR_ITEMS: 'POPULAR_ITEMS',
  USER_SEGMENTATION: 'USER_SEGMENTATION',
} as const;
export type RecipeType = (typeof RecipeTypes)[keyof typeof RecipeTypes];

export interface RecipeSpec {
  readonly name: string;
  readonly family: ModelFamily;
  readonly recipeType: RecipeType;
  /** Event type implied by a domain use case when the request gives none. */
  readonly defaultEventType?: string;
  /** UPDATE training is supported (User-Personalization only, per the service). */
  readonly supportsUpdate: boolean;
}

const spec = (
  name: string,
  family: ModelFamily,
  recipeType: RecipeType,
  extra: Partial<Pick<RecipeSpec, 'defaultEventType' | 'supportsUpdate'>> = {},
): RecipeSpec => ({ name, family, recipeType, supportsUpdate: false, ...extra });

const RECIPES: readonly RecipeSpec[] = [
  spec('aws-user-personalization', 'factors', 'USER_PERSONALIZATION', { supportsUpdate: true }),
  spec('aws-user-personalization-v2', 'factors', 'USER_PERSONALIZATION', { supportsUpdate: true }),
  spec('aws-hrnn', 'factors', 'USER_PERSONALIZATION'),
  spec('aws-hrnn-metadata', 'factors', 'USER_PERSONALIZATION'),
  spec('aws-hrnn-coldstart', 'factors', 'USER_PERSONALIZATION', { supportsUpdate: true }),
  spec('aws-popularity-count', 'popularity', 'USER_PERSONALIZATION'),
  spec('aws-trending-now', 'trending', 'POPULAR_ITEMS'),
  spec('aws-personalized-ranking', 'factors', 'PERSONALIZED_RANKING'),
  spec('aws-personalized-ranking-v2', 'factors', 'PERSONALIZED_RANKING'),
  spec('aws-sims', 'sims', 'RELATED_ITEMS'),
  spec('aws-similar-items', 'sims', 'RELATED_ITEMS'),
  spec('aws-item-affinity', 'factors', 'USER_SEGMENTATION'),
  spec('aws-item-attribute-affinity', 'factors', 'USER_SEGMENTATION'),
  // VIDEO_ON_DEMAND
  spec('aws-vod-top-picks', 'factors', 'USER_PERSONALIZATION'),
  spec('aws-vod-because-you-watched-x', 'sims', 'RELATED_ITEMS'),
  spec('aws-vod-more-like-x', 'sims', 'RELATED_ITEMS'),
  spec('aws-vod-most-popular', 'popularity', 'POPULAR_ITEMS'),
  spec('aws-vod-trending-now', 'trending', 'POPULAR_ITEMS'),
  // ECOMMERCE
  spec('aws-ecomm-recommended-for-you', 'factors', 'USER_PERSONALIZATION'),
  spec('aws-ecomm-customers-who-viewed-x-also-viewed', 'sims', 'RELATED_ITEMS', { defaultEventType: 'View' }),
  spec('aws-ecomm-frequently-bought-together', 'sims', 'RELATED_ITEMS', { defaultEventType: 'Purchase' }),
  spec('aws-ecomm-popular-items-by-views', 'popularity', 'POPULAR_ITEMS', { defaultEventType: 'View' }),
  spec('aws-ecomm-popular-items-by-purchases', 'popularity', 'POPULAR_ITEMS', { defaultEventType: 'Purchase' }),
];

/** The recipe behind `arn:aws:personalize:::recipe/<name>` (or a bare name). */
export function recipeFor(recipeArn: string): RecipeSpec {
  const name = recipeArn.slice(recipeArn.lastIndexOf('/') + 1);
  const found = RECIPES.find((r) => r.name === name);
  if (found === undefined) throw new TrainingError(`Create failed. Recipe ${name} is not supported by the local engine.`);
  return found;
}

export const SUPPORTED_RECIPES: readonly string[] = RECIPES.map((r) => r.name);
