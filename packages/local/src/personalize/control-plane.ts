/** The control plane's operation table (`X-Amz-Target: AmazonPersonalize.<Op>`). */
import { batchJobOperations } from './ops/batch-jobs';
import { campaignOperations } from './ops/campaigns';
import type { Operations } from './ops/common';
import { datasetGroupOperations } from './ops/dataset-groups';
import { datasetOperations } from './ops/datasets';
import { eventTrackerOperations } from './ops/event-trackers';
import { filterOperations } from './ops/filters';
import { importJobOperations } from './ops/import-jobs';
import { recipeOperations } from './ops/recipes';
import { recommenderOperations } from './ops/recommenders';
import { schemaOperations } from './ops/schemas';
import { solutionVersionOperations } from './ops/solution-versions';
import { solutionOperations } from './ops/solutions';
import { tagOperations } from './ops/tags';

export const TARGET_PREFIX = 'AmazonPersonalize.';

export const CONTROL_PLANE_OPERATIONS: Operations = {
  ...datasetGroupOperations,
  ...schemaOperations,
  ...datasetOperations,
  ...importJobOperations,
  ...solutionOperations,
  ...solutionVersionOperations,
  ...campaignOperations,
  ...batchJobOperations,
  ...filterOperations,
  ...eventTrackerOperations,
  ...recommenderOperations,
  ...recipeOperations,
  ...tagOperations,
};
