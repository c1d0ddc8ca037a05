/**
 * A batch inference job with themes (batchInferenceJobMode THEME_GENERATION) is carried to
 * Personalize as the file says; the local cloud has no Content Generator, so the run ends in
 * Pipeline Failed at the batch step with that reason instead of writing output without themes.
 */
import { DescribeBatchInferenceJobCommand, ListBatchInferenceJobsCommand } from '@aws-sdk/client-personalize';
import { afterEach, describe, expect, it } from 'vitest';
import { generateSeedData, seedExampleText } from './support/data';
import { startPipelineCloud, type PipelineCloud } from './support/pipeline';

const RUN_TIMEOUT_MS = 90_000;
const DSG = 'dataset-group-name-1';

/** The seed example with an Items dataset themes can use and a themed batch job on a Similar-Items solution. */
async function themedSeed(): Promise<string> {
  const file = JSON.parse(await seedExampleText()) as Record<string, any>;
  file.datasets.items = {
    dataset: { serviceConfig: { name: 'items-data' } },
    schema: {
      serviceConfig: {
        name: 'items-schema',
        schema: {
          type: 'record',
          name: 'Items',
          namespace: 'com.amazonaws.personalize.schema',
          fields: [
            { name: 'ITEM_ID', type: 'string' },
            { name: 'TITLE', type: 'string' },
            { name: 'DESCRIPTION', type: ['null', 'string'], textual: true },
          ],
          version: '1.0',
        },
      },
    },
  };
  file.solutions = [
    {
      serviceConfig: { name: 'similar-items-solution', recipeArn: 'arn:aws:personalize:::recipe/aws-similar-items' },
      batchInferenceJobs: [
        {
          serviceConfig: {
            batchInferenceJobMode: 'THEME_GENERATION',
            themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } },
          },
        },
      ],
    },
  ];
  return JSON.stringify(file, null, 2);
}

describe('E2E: batch recommendations with themes on the local cloud', () => {
  let pipeline: PipelineCloud | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it(
    'starts the job in THEME_GENERATION mode with its item name column, and fails the run at the batch step saying why',
    async () => {
      pipeline = await startPipelineCloud();
      const data = generateSeedData();
      const items = ['ITEM_ID,TITLE,DESCRIPTION', ...Array.from({ length: 40 }, (_, i) => `i${i},Item ${i},A thing numbered ${i}`)];
      await pipeline.upload(`train/${DSG}/users.csv`, data.usersCsv);
      await pipeline.upload(`train/${DSG}/interactions.csv`, data.interactionsCsv);
      await pipeline.upload(`train/${DSG}/items.csv`, `${items.join('\n')}\n`);
      await pipeline.upload(
        `batch/${DSG}/similar-items-solution/job_config.json`,
        ['i1', 'i2'].map((itemId) => JSON.stringify({ itemId })).join('\n'),
      );
      await pipeline.upload(`train/${DSG}/config.json`, await themedSeed());

      const outcome = await pipeline.waitFor(['Pipeline Failed', 'Pipeline Completed'], RUN_TIMEOUT_MS);
      expect(outcome.detailType, JSON.stringify(outcome.detail)).toBe('Pipeline Failed');
      expect(outcome.detail).toMatchObject({ step: 'batch', resourceKind: 'batchInferenceJob' });
      expect(outcome.detail.reason).toContain('Content Generator) is not available in the local cloud');
      const [job] = (await pipeline.clients.personalize.send(new ListBatchInferenceJobsCommand({}))).batchInferenceJobs ?? [];
      const described = (
        await pipeline.clients.personalize.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: job?.batchInferenceJobArn }))
      ).batchInferenceJob;
      expect(described).toMatchObject({
        status: 'CREATE FAILED',
        batchInferenceJobMode: 'THEME_GENERATION',
        themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } },
      });
      expect(pipeline.published().filter((e) => e.detailType === 'Batch Output Ready')).toHaveLength(0);
    },
    RUN_TIMEOUT_MS + 30_000,
  );
});
