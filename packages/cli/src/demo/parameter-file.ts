/**
 * The demo's parameter file: the published seed example `mpe-sample-full.json` (users and
 * interactions datasets, SIMS, popularity-count and user-personalization solutions with weekly
 * retraining, a campaign and a nightly batch inference job, an event tracker, two filters), with
 * the dataset group named for the demo, an Items dataset (movie genres and year) so the movies carry
 * metadata, and a genre filter on it. The CSVs of `data.ts` match these schemas. Every name is
 * derived from the dataset group's (`groupScopedName`: solutions `<dsg>-sims`, `<dsg>-popularity-count`
 * and `<dsg>-personalization` with campaign `<dsg>-personalization`, filters `<dsg>-genre` &c.), so
 * two demo or sample groups live side by side in one account; the suffixes are short so the per-run
 * names (`<solution>_<stamp>`, `batch_<solution>_<stamp>`) stay readable within 63 characters.
 */
import { datasetEntry, groupScopedName, recipeArn } from '../parameter-file';

/** Where a parameter file and its CSVs go in the data bucket: `train/<dataset group>/`. */
export function trainingPrefix(datasetGroupName: string): string {
  return `train/${datasetGroupName}/`;
}

export const DEMO_DATASET_GROUP = 'movies-demo';

/** The solution whose batch inference job reads `batch/<dsg>/<solution>/job_config.json`. */
export function batchSolutionName(datasetGroupName: string): string {
  return groupScopedName(datasetGroupName, 'personalization');
}

/** The filter the demo applies to recommendations: `$GENRES` takes quoted genre names. */
export function genreFilterName(datasetGroupName: string): string {
  return groupScopedName(datasetGroupName, 'genre');
}

export function demoParameterFile(datasetGroupName: string = DEMO_DATASET_GROUP): Record<string, unknown> {
  const named = (suffix: string) => groupScopedName(datasetGroupName, suffix);
  return {
    datasetGroup: {
      serviceConfig: { name: datasetGroupName },
      workflowConfig: { schedules: { import: 'cron(0 */6 * * ? *)' } },
    },
    datasets: {
      users: datasetEntry(datasetGroupName, 'users', 'users', [
        { name: 'USER_ID', type: 'string' },
        { name: 'AGE', type: 'int' },
        { name: 'GENDER', type: 'string', categorical: true },
      ]),
      items: datasetEntry(datasetGroupName, 'items', 'items', [
        { name: 'ITEM_ID', type: 'string' },
        { name: 'GENRES', type: 'string', categorical: true },
        { name: 'YEAR', type: 'int' },
      ]),
      interactions: datasetEntry(datasetGroupName, 'interactions', 'interactions', [
        { name: 'ITEM_ID', type: 'string' },
        { name: 'USER_ID', type: 'string' },
        { name: 'TIMESTAMP', type: 'long' },
        { name: 'EVENT_TYPE', type: 'string' },
        { name: 'EVENT_VALUE', type: 'float' },
      ]),
    },
    solutions: [
      {
        serviceConfig: { name: named('sims'), recipeArn: recipeArn('aws-sims') },
        workflowConfig: { schedules: { full: 'cron(0 0 ? * 1 *)' } },
      },
      {
        serviceConfig: { name: named('popularity-count'), recipeArn: recipeArn('aws-popularity-count') },
        workflowConfig: { schedules: { full: 'cron(0 1 ? * 1 *)' } },
      },
      {
        serviceConfig: { name: batchSolutionName(datasetGroupName), recipeArn: recipeArn('aws-user-personalization') },
        workflowConfig: { schedules: { full: 'cron(0 2 ? * 1 *)' } },
        campaigns: [{ serviceConfig: { name: named('personalization'), minProvisionedTPS: 1 } }],
        batchInferenceJobs: [{ serviceConfig: {}, workflowConfig: { schedule: 'cron(0 3 * * ? *)' } }],
      },
    ],
    eventTracker: { serviceConfig: { name: named('event-tracker') } },
    filters: [
      {
        serviceConfig: {
          name: named('clicked-or-streamed'),
          filterExpression: 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE in ("click", "stream")',
        },
      },
      { serviceConfig: { name: named('interacted'), filterExpression: 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE in ("*")' } },
      { serviceConfig: { name: genreFilterName(datasetGroupName), filterExpression: 'INCLUDE ItemID WHERE Items.GENRES IN ($GENRES)' } },
    ],
  };
}
