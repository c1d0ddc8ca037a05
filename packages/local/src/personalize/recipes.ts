/**
 * The service-owned recipe catalog (ListRecipes / DescribeRecipe) and how each recipe is served.
 * recipeType values follow PERSONALIZE.md §4; domain recipes map onto the type their runtime call
 * needs (a userId, an itemId, or neither).
 */
import { recipeArn } from './arns';

export const RecipeType = {
  userPersonalization: 'USER_PERSONALIZATION',
  personalizedRanking: 'PERSONALIZED_RANKING',
  relatedItems: 'RELATED_ITEMS',
  popularItems: 'POPULAR_ITEMS',
  userSegmentation: 'USER_SEGMENTATION',
  personalizedActions: 'PERSONALIZED_ACTIONS',
} as const;
export type RecipeType = (typeof RecipeType)[keyof typeof RecipeType];

type Domain = 'ECOMMERCE' | 'VIDEO_ON_DEMAND';

export interface RecipeInfo {
  readonly name: string;
  readonly recipeType: RecipeType;
  readonly description: string;
  readonly domain?: Domain;
  /** Whether CreateSolutionVersion accepts trainingMode UPDATE for it. */
  readonly supportsUpdate?: boolean;
}

const CUSTOM: readonly RecipeInfo[] = [
  {
    name: 'aws-user-personalization',
    recipeType: 'USER_PERSONALIZATION',
    supportsUpdate: true,
    description: 'Predicts the items a user will interact with, using their latest events.',
  },
  {
    name: 'aws-user-personalization-v2',
    recipeType: 'USER_PERSONALIZATION',
    supportsUpdate: true,
    description: 'User-Personalization for large catalogs.',
  },
  {
    name: 'aws-popularity-count',
    recipeType: 'USER_PERSONALIZATION',
    description: 'Recommends the most popular items by interaction count.',
  },
  { name: 'aws-trending-now', recipeType: 'POPULAR_ITEMS', description: 'Recommends the items whose popularity grows fastest.' },
  { name: 'aws-personalized-ranking', recipeType: 'PERSONALIZED_RANKING', description: 'Ranks a given list of items for a user.' },
  { name: 'aws-personalized-ranking-v2', recipeType: 'PERSONALIZED_RANKING', description: 'Personalized-Ranking for large catalogs.' },
  { name: 'aws-sims', recipeType: 'RELATED_ITEMS', description: 'Items similar to a given item, from co-occurrence in interactions.' },
  { name: 'aws-similar-items', recipeType: 'RELATED_ITEMS', description: 'Items similar to a given item, from interactions and metadata.' },
  {
    name: 'aws-item-affinity',
    recipeType: 'USER_SEGMENTATION',
    description: 'Users most likely to interact with an item (batch segments).',
  },
  {
    name: 'aws-item-attribute-affinity',
    recipeType: 'USER_SEGMENTATION',
    description: 'Users most likely to interact with items having an attribute (batch segments).',
  },
];

const DOMAIN: readonly RecipeInfo[] = [
  { name: 'aws-ecomm-popular-items-by-views', recipeType: 'POPULAR_ITEMS', domain: 'ECOMMERCE', description: 'Best sellers by views.' },
  {
    name: 'aws-ecomm-popular-items-by-purchases',
    recipeType: 'POPULAR_ITEMS',
    domain: 'ECOMMERCE',
    description: 'Best sellers by purchases.',
  },
  {
    name: 'aws-ecomm-frequently-bought-together',
    recipeType: 'RELATED_ITEMS',
    domain: 'ECOMMERCE',
    description: 'Frequently bought together.',
  },
  {
    name: 'aws-ecomm-customers-who-viewed-x-also-viewed',
    recipeType: 'RELATED_ITEMS',
    domain: 'ECOMMERCE',
    description: 'Customers who viewed X also viewed.',
  },
  { name: 'aws-ecomm-recommended-for-you', recipeType: 'USER_PERSONALIZATION', domain: 'ECOMMERCE', description: 'Recommended for you.' },
  { name: 'aws-vod-because-you-watched-x', recipeType: 'RELATED_ITEMS', domain: 'VIDEO_ON_DEMAND', description: 'Because you watched X.' },
  { name: 'aws-vod-more-like-x', recipeType: 'RELATED_ITEMS', domain: 'VIDEO_ON_DEMAND', description: 'More like X.' },
  { name: 'aws-vod-most-popular', recipeType: 'POPULAR_ITEMS', domain: 'VIDEO_ON_DEMAND', description: 'Most popular.' },
  { name: 'aws-vod-trending-now', recipeType: 'POPULAR_ITEMS', domain: 'VIDEO_ON_DEMAND', description: 'Trending now.' },
  { name: 'aws-vod-top-picks', recipeType: 'USER_PERSONALIZATION', domain: 'VIDEO_ON_DEMAND', description: 'Top picks for you.' },
];

export const RECIPES: readonly RecipeInfo[] = [...CUSTOM, ...DOMAIN];

const BY_ARN = new Map(RECIPES.map((recipe) => [recipeArn(recipe.name), recipe]));

export function findRecipe(arn: string): RecipeInfo | undefined {
  return BY_ARN.get(arn);
}

/** Fixed catalog time, so repeated DescribeRecipe calls agree. */
export const CATALOG_TIME = 1_546_300_800;
