import {
  CreateRecommenderCommand,
  type PersonalizeClient,
  type RecommenderConfig,
  type RecommenderSummary,
  paginateListRecommenders,
} from '@aws-sdk/client-personalize';
import { ResourceConflictError } from './errors';
import { STATUS_CREATE_PENDING, findInPages, findOrCreate, requireArn, toTagList } from './shared';
import type { EnsureResult, TagMap } from './shared';

interface RecommenderSpec {
  readonly datasetGroupArn: string;
  readonly name: string;
  /** A domain recipe, e.g. `arn:aws:personalize:::recipe/aws-vod-top-picks`. */
  readonly recipeArn: string;
  readonly recommenderConfig?: RecommenderConfig;
  readonly tags?: TagMap;
}

/** The recipe is a recommender's purpose: the same name with another recipe is a conflict. */
async function ensureRecommender(client: PersonalizeClient, spec: RecommenderSpec): Promise<EnsureResult> {
  return findOrCreate<RecommenderSummary>({
    attempted: `CreateRecommender ${spec.name}`,
    find: () =>
      findInPages<RecommenderSummary>(
        paginateListRecommenders({ client }, { datasetGroupArn: spec.datasetGroupArn }),
        'recommenders',
        (r) => r.name === spec.name,
      ),
    findInOtherGroup: async () => {
      const found = await findInPages<RecommenderSummary>(
        paginateListRecommenders({ client }, {}),
        'recommenders',
        (r) => r.name === spec.name,
      );
      const group = found?.datasetGroupArn;
      return group !== undefined && group !== spec.datasetGroupArn ? group : undefined;
    },
    reuse: (found) => {
      if (found.recipeArn !== undefined && found.recipeArn !== spec.recipeArn) {
        throw new ResourceConflictError('recommender', spec.name, [
          `recipeArn ${JSON.stringify(found.recipeArn)} differs from ${JSON.stringify(spec.recipeArn)}`,
        ]);
      }
      return {
        arn: requireArn(found.recommenderArn, 'ListRecommenders'),
        created: false,
        ...(found.status !== undefined && { status: found.status }),
      };
    },
    create: async () => {
      const response = await client.send(
        new CreateRecommenderCommand({
          name: spec.name,
          datasetGroupArn: spec.datasetGroupArn,
          recipeArn: spec.recipeArn,
          recommenderConfig: spec.recommenderConfig,
          tags: toTagList(spec.tags),
        }),
      );
      return {
        arn: requireArn(response.recommenderArn, 'CreateRecommender'),
        created: true,
        status: STATUS_CREATE_PENDING,
      };
    },
  });
}

export { ensureRecommender };
export type { RecommenderSpec };
