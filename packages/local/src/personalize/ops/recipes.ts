/** ListRecipes / DescribeRecipe over the service-owned catalog. */
import { recipeArn } from '../arns';
import type { ServiceContext } from '../context';
import { clip, ResourceNotFoundError } from '../errors';
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

/** The recipe named by a service-owned algorithm or feature-transformation ARN. */
function recipeBehind(arn: string, kind: 'algorithm' | 'feature-transformation'): RecipeInfo {
  const prefix = `arn:aws:personalize:::${kind}/`;
  const recipe = arn.startsWith(prefix) ? findRecipe(recipeArn(arn.slice(prefix.length))) : undefined;
  if (recipe === undefined)
    throw new ResourceNotFoundError(`${kind === 'algorithm' ? 'Algorithm' : 'Feature transformation'} ${clip(arn)} does not exist.`);
  return recipe;
}

export const recipeOperations: Operations = {
  DescribeAlgorithm: (_ctx, input) => {
    const arn = requireArn(input, 'algorithmArn');
    const recipe = recipeBehind(arn, 'algorithm');
    return {
      algorithm: {
        name: recipe.name,
        algorithmArn: arn,
        algorithmImage: { name: recipe.name, dockerURI: `local/recops-engine:${recipe.name}` },
        defaultHyperParameters: {},
        trainingInputMode: 'File',
        creationDateTime: CATALOG_TIME,
        lastUpdatedDateTime: CATALOG_TIME,
      },
    };
  },
  DescribeFeatureTransformation: (_ctx, input) => {
    const arn = requireArn(input, 'featureTransformationArn');
    const recipe = recipeBehind(arn, 'feature-transformation');
    return {
      featureTransformation: {
        name: recipe.name,
        featureTransformationArn: arn,
        defaultParameters: {},
        status: 'ACTIVE',
        creationDateTime: CATALOG_TIME,
        lastUpdatedDateTime: CATALOG_TIME,
      },
    };
  },
  ListRecipes: listRecipes,
  DescribeRecipe: (_ctx, input) => {
    const arn = requireArn(input, 'recipeArn');
    const recipe = findRecipe(arn);
    if (recipe === undefined) throw new ResourceNotFoundError(`Recipe ${clip(arn)} does not exist.`);
    return { recipe: describeRecipe(recipe) };
  },
};
