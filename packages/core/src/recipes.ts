/**
 * Recipes Amazon Personalize offers (PERSONALIZE.md §4), with what each can do. One table, so the
 * parameter-file rules, the trainer and the local engine agree on what a recipe is.
 */

export const RECIPE_ARN_PREFIX = 'arn:aws:personalize:::recipe/';

export const RECIPE_TYPES = {
  USER_PERSONALIZATION: 'USER_PERSONALIZATION',
  POPULAR_ITEMS: 'POPULAR_ITEMS',
  PERSONALIZED_RANKING: 'PERSONALIZED_RANKING',
  RELATED_ITEMS: 'RELATED_ITEMS',
  PERSONALIZED_ACTIONS: 'PERSONALIZED_ACTIONS',
  USER_SEGMENTATION: 'USER_SEGMENTATION',
  /** Domain recipes, used by recommenders only. */
  DOMAIN: 'DOMAIN',
} as const;
export type RecipeType = (typeof RECIPE_TYPES)[keyof typeof RECIPE_TYPES];

export interface RecipeInfo {
  readonly name: string;
  readonly arn: string;
  readonly type: RecipeType;
  /** Whether a solution (custom resources) can use it; domain recipes are for recommenders only. */
  readonly forSolutions: boolean;
  /** Whether CreateBatchInferenceJob works with versions of it. */
  readonly batchInference: boolean;
  /** Whether CreateBatchSegmentJob works with versions of it. */
  readonly batchSegment: boolean;
  /** Whether trainingMode UPDATE is allowed (User-Personalization and HRNN-Coldstart only). */
  readonly updateTraining: boolean;
  /** Domain of a domain recipe. */
  readonly domain?: 'ECOMMERCE' | 'VIDEO_ON_DEMAND';
}

type RecipeSpec = Omit<RecipeInfo, 'name' | 'arn' | 'forSolutions'> & { forSolutions?: boolean };

const custom = (type: RecipeType, extra: Partial<RecipeSpec> = {}): RecipeSpec => ({
  type,
  batchInference: type !== RECIPE_TYPES.USER_SEGMENTATION,
  batchSegment: type === RECIPE_TYPES.USER_SEGMENTATION,
  updateTraining: false,
  ...extra,
});
const domainRecipe = (domain: 'ECOMMERCE' | 'VIDEO_ON_DEMAND'): RecipeSpec => ({
  type: RECIPE_TYPES.DOMAIN,
  forSolutions: false,
  batchInference: false,
  batchSegment: false,
  updateTraining: false,
  domain,
});

const RECIPE_SPECS: Record<string, RecipeSpec> = {
  'aws-user-personalization': custom(RECIPE_TYPES.USER_PERSONALIZATION, { updateTraining: true }),
  'aws-user-personalization-v2': custom(RECIPE_TYPES.USER_PERSONALIZATION),
  'aws-hrnn': custom(RECIPE_TYPES.USER_PERSONALIZATION),
  'aws-hrnn-metadata': custom(RECIPE_TYPES.USER_PERSONALIZATION),
  'aws-hrnn-coldstart': custom(RECIPE_TYPES.USER_PERSONALIZATION, { updateTraining: true }),
  // Its recipe page says USER_PERSONALIZATION; the overview table says POPULAR_ITEMS.
  'aws-popularity-count': custom(RECIPE_TYPES.USER_PERSONALIZATION),
  'aws-trending-now': custom(RECIPE_TYPES.POPULAR_ITEMS, { batchInference: false }),
  'aws-personalized-ranking': custom(RECIPE_TYPES.PERSONALIZED_RANKING),
  'aws-personalized-ranking-v2': custom(RECIPE_TYPES.PERSONALIZED_RANKING),
  'aws-sims': custom(RECIPE_TYPES.RELATED_ITEMS),
  'aws-similar-items': custom(RECIPE_TYPES.RELATED_ITEMS),
  'aws-semantic-similarity': custom(RECIPE_TYPES.RELATED_ITEMS),
  'aws-next-best-action': custom(RECIPE_TYPES.PERSONALIZED_ACTIONS, { batchInference: false }),
  'aws-item-affinity': custom(RECIPE_TYPES.USER_SEGMENTATION),
  'aws-item-attribute-affinity': custom(RECIPE_TYPES.USER_SEGMENTATION),
  'aws-ecomm-popular-items-by-views': domainRecipe('ECOMMERCE'),
  'aws-ecomm-popular-items-by-purchases': domainRecipe('ECOMMERCE'),
  'aws-ecomm-frequently-bought-together': domainRecipe('ECOMMERCE'),
  'aws-ecomm-customers-who-viewed-x-also-viewed': domainRecipe('ECOMMERCE'),
  'aws-ecomm-recommended-for-you': domainRecipe('ECOMMERCE'),
  'aws-vod-because-you-watched-x': domainRecipe('VIDEO_ON_DEMAND'),
  'aws-vod-more-like-x': domainRecipe('VIDEO_ON_DEMAND'),
  'aws-vod-most-popular': domainRecipe('VIDEO_ON_DEMAND'),
  'aws-vod-trending-now': domainRecipe('VIDEO_ON_DEMAND'),
  'aws-vod-top-picks': domainRecipe('VIDEO_ON_DEMAND'),
};

export const RECIPES: readonly RecipeInfo[] = Object.entries(RECIPE_SPECS).map(([name, spec]) => ({
  name,
  arn: `${RECIPE_ARN_PREFIX}${name}`,
  forSolutions: spec.forSolutions ?? true,
  ...spec,
}));

const BY_ARN = new Map(RECIPES.map((recipe) => [recipe.arn, recipe]));

/** The recipe with this ARN, or undefined if Personalize has no such recipe. */
export function findRecipe(recipeArn: string): RecipeInfo | undefined {
  return BY_ARN.get(recipeArn);
}

export const SOLUTION_RECIPE_ARNS: readonly string[] = RECIPES.filter((r) => r.forSolutions).map((r) => r.arn);
export const RECOMMENDER_RECIPE_ARNS: readonly string[] = RECIPES.filter((r) => !r.forSolutions).map((r) => r.arn);
