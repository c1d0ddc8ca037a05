/** ListRecipes / DescribeRecipe over the service-owned catalog. */
import { recipeArn } from '../arns';
import { type ServiceContext } from '../context';
import { ResourceNotFoundError } from '../errors';
import { optionalEnum, requireArn, type Json } from '../input';
import { paginate } from '../pagination';
import { CATALOG_TIME, findRecipe, RECIPES, type RecipeInfo } from '../recipes';
import type { Operations } from './common';

function describeRecipe(recipe: RecipeInfo): Json {
  const out: Json = {
    name: recipe.name,
    recipeArn: recipeArn(recipe.name),
    algorithmArn: `arn:aws:personalize:::algorithm/${recipe.name}`,
    featureTransformationArn: `arn:aws:personalize:::feature-transformation/${recipe.name}`,
    status: 'ACTIVE',
    description: recipe.description,
    creationDateTime: CATALOG_TIME,
    recipeType: recipe.recipeType,
    lastUpdatedDateTime: CATALOG_TIME,
  };
  return out;
}

function listRecipes(_ctx: ServiceContext, input: Json): Json {
  optionalEnum(input, 'recipeProvider', ['SERVICE'] as const);
  const domain = optionalEnum(input, 'domain', ['ECOMMERCE', 'VIDEO_ON_DEMAND'] as const);
  const recipes = RECIPES.filter((recipe) => domain === undefined || recipe.domain === domain);
  const { page, nextToken } = paginate(recipes, input, `ListRecipes:${domain ?? ''}`);
  const out: Json = {
    recipes: page.map((recipe) => ({
      name: recipe.name,
      recipeArn: recipeArn(recipe.name),
      status: 'ACTIVE',
      creationDateTime: CATALOG_TIME,
      lastUpdatedDateTime: CATALOG_TIME,
      ...(recipe.domain === undefined ? {} : { domain: recipe.domain }),
    })),
  };
  if (nextToken !== undefined) out['nextToken'] = nextToken;
  return out;
}

export const recipeOperations: Operations = {
  ListRecipes: listRecipes,
  DescribeRecipe: (_ctx, input) => {
    const arn = requireArn(input, 'recipeArn');
    const recipe = findRecipe(arn);
    if (recipe === undefined) throw new ResourceNotFoundError(`Recipe ${arn} does not exist.`);
    return { recipe: describeRecipe(recipe) };
  },
};
