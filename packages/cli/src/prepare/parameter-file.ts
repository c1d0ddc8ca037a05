/**
 * The parameter file `recops prepare` writes beside its CSVs: interactions and items datasets with
 * the schemas of the CSVs, user personalization with a campaign and a batch inference job over the
 * users file, SIMS, popularity count, and two filters. MPE format, ready for `recops run`. Every
 * name is derived from the dataset group's (`groupScopedName`): Personalize names are account-wide.
 */

import { datasetEntry, groupScopedName, recipeArn } from '../parameter-file';

/** The solution with the batch job, whose input is `batch/<dsg>/<solution>/job_config.json` (the MPE default). */
export function preparedBatchSolutionName(datasetGroupName: string): string {
  return groupScopedName(datasetGroupName, 'user-personalization');
}

export const INTERACTIONS_HEADER = 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE';
export const ITEMS_HEADER = 'ITEM_ID,GENRES,YEAR';
/** The EVENT_TYPE of every prepared interaction. */
export const RATING_EVENT_TYPE = 'rating';

export function preparedParameterFile(datasetGroupName: string): Record<string, unknown> {
  const named = (suffix: string) => groupScopedName(datasetGroupName, suffix);
  return {
    datasetGroup: { serviceConfig: { name: datasetGroupName } },
    datasets: {
      interactions: datasetEntry(
        datasetGroupName,
        'interactions',
        'Interactions',
        [
          { name: 'USER_ID', type: 'string' },
          { name: 'ITEM_ID', type: 'string' },
          { name: 'TIMESTAMP', type: 'long' },
          { name: 'EVENT_TYPE', type: 'string' },
          { name: 'EVENT_VALUE', type: 'float' },
        ],
        '1.0',
      ),
      items: datasetEntry(
        datasetGroupName,
        'items',
        'Items',
        [
          { name: 'ITEM_ID', type: 'string' },
          { name: 'GENRES', type: ['null', 'string'], categorical: true },
          { name: 'YEAR', type: ['null', 'int'] },
        ],
        '1.0',
      ),
    },
    solutions: [
      {
        serviceConfig: { name: preparedBatchSolutionName(datasetGroupName), recipeArn: recipeArn('aws-user-personalization') },
        campaigns: [{ serviceConfig: { name: named('personalization'), minProvisionedTPS: 1 } }],
        batchInferenceJobs: [{ serviceConfig: { numResults: 25 } }],
      },
      { serviceConfig: { name: named('similar-items'), recipeArn: recipeArn('aws-sims') } },
      { serviceConfig: { name: named('popularity-count'), recipeArn: recipeArn('aws-popularity-count') } },
    ],
    filters: [
      { serviceConfig: { name: named('genre'), filterExpression: 'INCLUDE ItemID WHERE Items.GENRES IN ($GENRES)' } },
      {
        serviceConfig: {
          name: named('unrated'),
          filterExpression: `EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("${RATING_EVENT_TYPE}")`,
        },
      },
    ],
  };
}

/** Where `recops run --data DIR` finds a batch job's input: `DIR/batch/<solution>/<file>`. */
export function localBatchInputPath(solutionName: string, fileName = 'job_config.json'): string {
  return `batch/${solutionName}/${fileName}`;
}
