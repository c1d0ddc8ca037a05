import {
  CreateSolutionCommand,
  DescribeSolutionCommand,
  type PersonalizeClient,
  type SolutionConfig,
  type SolutionSummary,
  paginateListSolutions,
} from '@aws-sdk/client-personalize';
import { ResourceConflictError } from './errors';
import { STATUS_CREATE_PENDING, call, findInPages, findOrCreate, requireArn, toTagList } from './shared';
import type { EnsureResult, TagMap } from './shared';

interface SolutionSpec {
  readonly datasetGroupArn: string;
  readonly name: string;
  readonly recipeArn: string;
  readonly eventType?: string;
  readonly performHPO?: boolean;
  readonly performAutoTraining?: boolean;
  readonly performIncrementalUpdate?: boolean;
  readonly solutionConfig?: SolutionConfig;
  readonly tags?: TagMap;
}

/** The solution named `name` in the dataset group, if Personalize lists it. */
function findSolution(client: PersonalizeClient, datasetGroupArn: string, name: string): Promise<SolutionSummary | undefined> {
  return findInPages<SolutionSummary>(paginateListSolutions({ client }, { datasetGroupArn }), 'solutions', (s) => s.name === name);
}

/**
 * Solutions are immutable in what they train (recipe, event type, HPO): the same name with another
 * of these is a conflict. `performAutoML` is not accepted here: recops requires an explicit recipe.
 */
async function ensureSolution(client: PersonalizeClient, spec: SolutionSpec): Promise<EnsureResult> {
  return findOrCreate<SolutionSummary>({
    attempted: `CreateSolution ${spec.name}`,
    find: () => findSolution(client, spec.datasetGroupArn, spec.name),
    findInOtherGroup: async () => {
      const found = await findInPages<SolutionSummary>(paginateListSolutions({ client }, {}), 'solutions', (s) => s.name === spec.name);
      if (found?.solutionArn === undefined) return undefined;
      const { solution } = await client.send(new DescribeSolutionCommand({ solutionArn: found.solutionArn }));
      const group = solution?.datasetGroupArn;
      return group !== undefined && group !== spec.datasetGroupArn ? group : undefined;
    },
    reuse: async (found) => {
      const solutionArn = requireArn(found.solutionArn, 'ListSolutions');
      const { solution } = await call(`DescribeSolution ${solutionArn}`, () => client.send(new DescribeSolutionCommand({ solutionArn })));
      const differences: string[] = [];
      const recipeArn = solution?.recipeArn ?? found.recipeArn;
      if (recipeArn !== undefined && recipeArn !== spec.recipeArn) {
        differences.push(`recipeArn ${JSON.stringify(recipeArn)} differs from ${JSON.stringify(spec.recipeArn)}`);
      }
      if ((solution?.eventType ?? undefined) !== (spec.eventType ?? undefined) && solution !== undefined) {
        differences.push(`eventType ${JSON.stringify(solution.eventType ?? null)} differs from ${JSON.stringify(spec.eventType ?? null)}`);
      }
      if (solution?.performHPO !== undefined && solution.performHPO !== (spec.performHPO ?? false)) {
        differences.push(`performHPO ${solution.performHPO} differs from ${spec.performHPO ?? false}`);
      }
      if (differences.length > 0) throw new ResourceConflictError('solution', spec.name, differences);
      const status = solution?.status ?? found.status;
      return { arn: solutionArn, created: false, ...(status !== undefined && { status }) };
    },
    create: async () => {
      const response = await client.send(
        new CreateSolutionCommand({
          name: spec.name,
          datasetGroupArn: spec.datasetGroupArn,
          recipeArn: spec.recipeArn,
          eventType: spec.eventType,
          performHPO: spec.performHPO,
          performAutoTraining: spec.performAutoTraining,
          performIncrementalUpdate: spec.performIncrementalUpdate,
          solutionConfig: spec.solutionConfig,
          tags: toTagList(spec.tags),
        }),
      );
      return { arn: requireArn(response.solutionArn, 'CreateSolution'), created: true, status: STATUS_CREATE_PENDING };
    },
  });
}

export { ensureSolution, findSolution };
export type { SolutionSpec };
