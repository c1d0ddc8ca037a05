/**
 * Files that add to an existing dataset group: one naming only the group completes; one with
 * solutions but no datasets trains on the group's data; and with no interactions data in the group
 * the run fails with the reason.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateSeedData, seedBatchInput, seedBatchInputKey, seedExampleText } from './support/data';
import { personalizeInventory, startPipelineCloud, type BusEvent, type PipelineCloud } from './support/pipeline';

const RUN_TIMEOUT_MS = 90_000;
const OUTCOMES = ['Pipeline Completed', 'Pipeline Failed'];

async function outcomes(pipeline: PipelineCloud, runs: number, timeoutMs = RUN_TIMEOUT_MS): Promise<BusEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ended = pipeline.published().filter((e) => OUTCOMES.includes(e.detailType));
    if (ended.length >= runs) return ended;
    if (Date.now() > deadline)
      throw new Error(
        `${ended.length} of ${runs} runs ended within ${timeoutMs} ms; bus: ${pipeline
          .published()
          .map((e) => e.detailType)
          .join(', ')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function uploadSeed(pipeline: PipelineCloud): Promise<Record<string, any>> {
  const data = generateSeedData();
  await pipeline.upload('train/dataset-group-name-1/users.csv', data.usersCsv);
  await pipeline.upload('train/dataset-group-name-1/interactions.csv', data.interactionsCsv);
  await pipeline.upload(seedBatchInputKey(), seedBatchInput());
  const text = await seedExampleText();
  await pipeline.upload('train/dataset-group-name-1/config.json', text);
  return JSON.parse(text) as Record<string, any>;
}

describe('E2E: files that add to an existing dataset group', () => {
  let pipeline: PipelineCloud | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it(
    "completes a file naming only the dataset group, and trains a file with solutions but no datasets on the group's data",
    async () => {
      // Arrange: the group exists with its data.
      pipeline = await startPipelineCloud();
      const seed = await uploadSeed(pipeline);
      expect((await outcomes(pipeline, 1))[0]?.detailType).toBe('Pipeline Completed');

      // Act 1: a file that names only the group.
      await pipeline.upload('train/dataset-group-name-1/group-only.json', JSON.stringify({ datasetGroup: seed.datasetGroup }));
      const [, groupOnly] = await outcomes(pipeline, 2);
      // Assess 1
      expect(groupOnly?.detailType, JSON.stringify(groupOnly?.detail)).toBe('Pipeline Completed');
      expect(groupOnly?.detail.resources.map((r: { kind: string }) => r.kind)).toEqual(['datasetGroup']);

      // Act 2: one more solution, no datasets section.
      const extra = {
        datasetGroup: seed.datasetGroup,
        solutions: [{ serviceConfig: { name: 'added-sims', recipeArn: 'arn:aws:personalize:::recipe/aws-sims' } }],
      };
      await pipeline.upload('train/dataset-group-name-1/added.json', JSON.stringify(extra));
      const [, , added] = await outcomes(pipeline, 3);
      // Assess 2
      expect(added?.detailType, JSON.stringify(added?.detail)).toBe('Pipeline Completed');
      const inventory = await personalizeInventory(pipeline.clients.personalize);
      expect(inventory.solutionVersions).toContain('local-added-sims: ACTIVE');
    },
    RUN_TIMEOUT_MS * 2,
  );

  it(
    "deploys a campaign pinned to an existing version of a solution the file does not train, and counts it in the run's outcome",
    async () => {
      // Arrange: the group, its solutions and a first version of user-personalization.
      pipeline = await startPipelineCloud();
      const seed = await uploadSeed(pipeline);
      const [first] = await outcomes(pipeline, 1);
      expect(first?.detailType).toBe('Pipeline Completed');
      const v1 = (first!.detail.promoted as { solutionName: string; solutionVersionArn: string }[]).find(
        (p) => p.solutionName === 'local-user-personalization-solution',
      )?.solutionVersionArn;
      expect(v1).toBeDefined();

      // Act: a CDK-style file that trains nothing and pins a new campaign to that version.
      const pinned = {
        datasetGroup: { serviceConfig: seed.datasetGroup.serviceConfig },
        solutions: [
          {
            serviceConfig: seed.solutions[2].serviceConfig,
            solutionVersion: { createNewSolutionVersion: false },
            campaigns: [{ serviceConfig: { name: 'pinned-campaign' }, solutionversion: v1 }],
          },
        ],
      };
      await pipeline.upload('train/dataset-group-name-1/pinned.json', JSON.stringify(pinned));
      const [, outcome] = await outcomes(pipeline, 2);

      // Assess: deployed on the pinned version, and the run completed only after it (a goal of the run).
      expect(outcome?.detailType, JSON.stringify(outcome?.detail)).toBe('Pipeline Completed');
      const deployed = pipeline
        .published()
        .find((e) => e.detailType === 'Campaign Deployed' && e.detail.campaignName === 'local-pinned-campaign');
      expect(deployed?.detail).toMatchObject({ runId: outcome?.detail.runId, pinned: true, solutionVersionArn: v1, operation: 'create' });
      expect(outcome?.detail.deployed).toEqual([
        expect.objectContaining({ campaignName: 'local-pinned-campaign', solutionVersionArn: v1 }),
      ]);
      expect(outcome!.seq).toBeGreaterThan(deployed!.seq);
      const inventory = await personalizeInventory(pipeline.clients.personalize);
      expect(inventory.solutionVersions.filter((v) => v.startsWith('local-user-personalization-solution'))).toHaveLength(1);
    },
    RUN_TIMEOUT_MS * 2,
  );

  it(
    'fails the run of a file without datasets, naming the group, when the group has no interactions data',
    async () => {
      pipeline = await startPipelineCloud();
      const file = {
        datasetGroup: { serviceConfig: { name: 'empty-group' } },
        solutions: [{ serviceConfig: { name: 'lonely-sims', recipeArn: 'arn:aws:personalize:::recipe/aws-sims' } }],
      };
      await pipeline.upload('train/empty-group/config.json', JSON.stringify(file));
      const [outcome] = await outcomes(pipeline, 1);
      expect(outcome?.detailType).toBe('Pipeline Failed');
      expect(outcome?.detail).toMatchObject({ step: 'training', datasetGroupName: 'local-empty-group' });
      expect(outcome?.detail.reason).toMatch(
        /^dataset group "local-empty-group" has no INTERACTIONS dataset: the parameter file declares no datasets/,
      );
      expect((await personalizeInventory(pipeline.clients.personalize)).solutions).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );
  it(
    'runs a CDK file whose datasets import nothing (createNewJob: false) to its end: the run fails naming the switched-off import when the group holds no data',
    async () => {
      pipeline = await startPipelineCloud();
      const file = {
        datasetGroup: {
          serviceConfig: { name: 'no-imports' },
          datasets: [
            {
              type: 'INTERACTIONS',
              schema: {
                serviceConfig: {
                  name: 'interactions',
                  schema: {
                    type: 'record',
                    name: 'Interactions',
                    namespace: 'com.amazonaws.personalize.schema',
                    fields: [
                      { name: 'USER_ID', type: 'string' },
                      { name: 'ITEM_ID', type: 'string' },
                      { name: 'TIMESTAMP', type: 'long' },
                    ],
                    version: '1.0',
                  },
                },
              },
              dataset: { serviceConfig: { name: 'no-imports-interactions' } },
              datasetImportJob: {
                serviceConfig: { jobName: 'interactions-import', dataSource: { dataLocation: 's3://elsewhere/interactions.csv' } },
                createNewJob: false,
              },
            },
          ],
        },
        solutions: [{ serviceConfig: { name: 'no-imports-popularity', recipeArn: 'arn:aws:personalize:::recipe/aws-popularity-count' } }],
      };
      await pipeline.upload('train/no-imports/config.json', JSON.stringify(file));
      const [outcome] = await outcomes(pipeline, 1);
      expect(outcome?.detailType, JSON.stringify(outcome?.detail)).toBe('Pipeline Failed');
      expect(outcome?.detail).toMatchObject({ step: 'training', datasetGroupName: 'local-no-imports' });
      expect(outcome?.detail.reason).toMatch(
        /^dataset group "local-no-imports" has an INTERACTIONS dataset but no finished import into it: the parameter file imports nothing into it \(datasetGroup\.datasets\[0\]\.datasetImportJob is absent or createNewJob is false\)/,
      );
      const inventory = await personalizeInventory(pipeline.clients.personalize);
      expect(inventory.datasets).toEqual(['local-no-imports-interactions']);
      expect(inventory.solutions).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );
});
