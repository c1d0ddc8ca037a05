/**
 * The parameter file `recops prepare` writes beside its CSVs: interactions and items datasets with
 * the schemas of the CSVs, user personalization with a campaign and a batch inference job over the
 * users file, SIMS, popularity count, and two filters. MPE format, ready for `recops run`.
 */

import { datasetEntry, recipeArn } from '../parameter-file';

/** Solution names; the batch job's input is `batch/<dsg>/<solution>/job_config.json` (the MPE default). */
export const PREPARED_SOLUTIONS = {
  personalization: 'user-personalization',
  sims: 'similar-items',
  popularity: 'popularity-count',
} as const;

export const INTERACTIONS_HEADER = 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE';
export const ITEMS_HEADER = 'ITEM_ID,GENRES,YEAR';
/** The EVENT_TYPE of every prepared interaction. */
export const RATING_EVENT_TYPE = 'rating';

export function preparedParameterFile(datasetGroupName: string): Record<string, unknown> {
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
        serviceConfig: { name: PREPARED_SOLUTIONS.personalization, recipeArn: recipeArn('aws-user-personalization') },
        campaigns: [{ serviceConfig: { name: `${datasetGroupName}-personalization`, minProvisionedTPS: 1 } }],
        batchInferenceJobs: [{ serviceConfig: { numResults: 25 } }],
      },
      { serviceConfig: { name: PREPARED_SOLUTIONS.sims, recipeArn: recipeArn('aws-sims') } },
      { serviceConfig: { name: PREPARED_SOLUTIONS.popularity, recipeArn: recipeArn('aws-popularity-count') } },
    ],
    filters: [
      { serviceConfig: { name: 'genre', filterExpression: 'INCLUDE ItemID WHERE Items.GENRES IN ($GENRES)' } },
      { serviceConfig: { name: 'unrated', filterExpression: `EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("${RATING_EVENT_TYPE}")` } },
    ],
  };
}

/** Where `recops run --data DIR` finds a batch job's input: `DIR/batch/<solution>/<file>`. */
export function localBatchInputPath(solutionName: string, fileName = 'job_config.json'): string {
  return `batch/${solutionName}/${fileName}`;
}
