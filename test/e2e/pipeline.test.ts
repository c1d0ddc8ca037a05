/**
 * Issue 6, done when: the seed example runs end to end on the local cloud, with nothing but an
 * upload, and the chain holds under duplicated, reordered events and rejects a broken file.
 */
import { GetObjectTaggingCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ListSchedulesCommand } from '@aws-sdk/client-scheduler';
import { afterEach, describe, expect, it } from 'vitest';
import { loadParameterFile, resolvePlan } from '@recops/core';
import { generateSeedData, seedBatchInput, seedBatchInputKey, seedExampleText } from './support/data';
import {
  personalizeInventory,
  personalizeTimes,
  startPipelineCloud,
  type BusEvent,
  type Inventory,
  type PipelineCloud,
} from './support/pipeline';

const RUN_TIMEOUT_MS = 90_000;
const CONFIG_KEY = 'train/dataset-group-name-1/config.json';

async function uploadSeedExample(pipeline: PipelineCloud): Promise<void> {
  const data = generateSeedData();
  await pipeline.upload('train/dataset-group-name-1/users.csv', data.usersCsv);
  await pipeline.upload('train/dataset-group-name-1/interactions.csv', data.interactionsCsv);
  await pipeline.upload(seedBatchInputKey(), seedBatchInput());
  await pipeline.upload(CONFIG_KEY, await seedExampleText());
}

/** Per-run names end in `_YYYY_MM_DD_HH_MM_SS`; two runs at different times differ only there. */
function withoutRunStamps(inventory: Inventory): Inventory {
  const strip = (list: string[]) => list.map((s) => s.replace(/_\d{4}(_\d{2}){5}/g, '_<run>')).sort();
  return Object.fromEntries(Object.entries(inventory).map(([k, v]) => [k, strip(v)])) as unknown as Inventory;
}

function indexOf(events: readonly BusEvent[], predicate: (e: BusEvent) => boolean): number {
  const i = events.findIndex(predicate);
  if (i < 0) throw new Error('expected event not found');
  return i;
}

describe('E2E: seed example on the local cloud', () => {
  let pipeline: PipelineCloud | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it(
    'trains three ACTIVE solution versions from one upload, with every chain event in causal order',
    async () => {
      // Arrange
      pipeline = await startPipelineCloud();
      // Act
      await uploadSeedExample(pipeline);
      const outcome = await pipeline.waitFor(['Pipeline Completed', 'Pipeline Failed'], RUN_TIMEOUT_MS);
      // Assess: the run completed, once.
      expect(outcome.detailType, JSON.stringify(outcome.detail)).toBe('Pipeline Completed');
      const events = pipeline.published();
      const count = (type: string) => events.filter((e) => e.detailType === type).length;
      expect(count('Pipeline Requested')).toBe(1);
      expect(count('Pipeline Completed')).toBe(1);
      expect(count('Pipeline Failed')).toBe(0);
      expect(events[0]?.detailType).toBe('Pipeline Requested');
      // Every event belongs to the one run.
      const runId = events[0]?.detail.runId;
      expect(new Set(events.map((e) => e.detail.runId))).toEqual(new Set([runId]));

      // Personalize holds three ACTIVE solution versions, one per solution.
      const inventory = await personalizeInventory(pipeline.clients.personalize);
      expect(inventory.solutionVersions).toEqual([
        'local-popularity-count-solution: ACTIVE',
        'local-sims-solution: ACTIVE',
        'local-user-personalization-solution: ACTIVE',
      ]);

      // Causal order: each Status Changed follows the Watch Requested for its resource…
      for (const [i, event] of events.entries()) {
        if (!event.detailType.endsWith('Status Changed')) continue;
        const watch = events.findIndex((e) => e.detailType === 'Watch Requested' && e.detail.resourceArn === event.detail.resourceArn);
        expect(watch, `${event.detailType} ${event.detail.resourceArn}`).toBeGreaterThanOrEqual(0);
        expect(watch).toBeLessThan(i);
      }
      // …datasets wait for an ACTIVE dataset group, imports for ACTIVE datasets…
      const groupActive = indexOf(events, (e) => e.detailType === 'Dataset Group Status Changed' && e.detail.status === 'ACTIVE');
      const firstDatasetWatch = indexOf(events, (e) => e.detailType === 'Watch Requested' && e.detail.resourceKind === 'dataset');
      expect(groupActive).toBeLessThan(firstDatasetWatch);
      const importsActive = events
        .map((e, i) => ({ e, i }))
        .filter(({ e }) => e.detailType === 'Dataset Import Job Status Changed' && e.detail.status === 'ACTIVE')
        .map(({ i }) => i);
      expect(importsActive).toHaveLength(2);
      // …training starts only after every import is ACTIVE (both import jobs complete the join, so a
      // version may be watched twice; it is still one version). The join asks Personalize, so the
      // second import may already be ACTIVE there before its Status Changed is on the bus: the
      // order is checked on the bus against the first import event, and on Personalize's clock
      // against the completion of every import.
      const versionWatches = events
        .map((e, i) => ({ e, i }))
        .filter(({ e }) => e.detailType === 'Watch Requested' && e.detail.resourceKind === 'solutionVersion');
      expect(new Set(versionWatches.map(({ e }) => e.detail.resourceArn)).size).toBe(3);
      for (const { i } of versionWatches) expect(i).toBeGreaterThan(Math.min(...importsActive));
      const times = await personalizeTimes(pipeline.clients.personalize);
      expect(times.importJobsCompletedAt).toHaveLength(2);
      const lastImportDone = Math.max(...times.importJobsCompletedAt);
      expect(times.solutionVersionsCreatedAt).toHaveLength(3);
      for (const createdAt of times.solutionVersionsCreatedAt) expect(createdAt).toBeGreaterThanOrEqual(lastImportDone);
      // …and the run completes after the three versions are ACTIVE.
      const versionsActive = events
        .map((e, i) => ({ e, i }))
        .filter(({ e }) => e.detailType === 'Solution Version Status Changed' && e.detail.status === 'ACTIVE');
      expect(new Set(versionsActive.map(({ e }) => e.detail.resourceArn)).size).toBe(3);
      const completed = indexOf(events, (e) => e.detailType === 'Pipeline Completed');
      expect(completed).toBeGreaterThan(Math.max(...versionsActive.map(({ i }) => i)));
      // …and after the deploy half: the campaign serves the promoted version, the batch output is ready.
      expect(completed).toBeGreaterThan(indexOf(events, (e) => e.detailType === 'Campaign Deployed'));
      expect(completed).toBeGreaterThan(indexOf(events, (e) => e.detailType === 'Batch Output Ready'));
      expect(outcome.detail.promoted).toHaveLength(3);
      expect(outcome.detail.rejected).toEqual([]);
      expect(outcome.detail.deployed).toEqual([
        expect.objectContaining({ solutionName: 'local-user-personalization-solution', operation: 'create' }),
      ]);
      expect(outcome.detail.batchOutputs).toEqual([
        expect.objectContaining({ solutionName: 'local-user-personalization-solution', jobKind: 'batchInferenceJob' }),
      ]);
      const completedVersions = (outcome.detail.resources as { kind: string; arn: string }[]).filter((r) => r.kind === 'solutionVersion');
      expect(completedVersions.map((r) => r.arn).sort()).toEqual(
        [...new Set(versionsActive.map(({ e }) => e.detail.resourceArn as string))].sort(),
      );

      // The file's workflowConfig schedules are in the stage's Scheduler group (schedule-manager).
      const plan = resolvePlan(loadParameterFile(await seedExampleText()).file, {
        bucket: pipeline.bucket,
        configKey: CONFIG_KEY,
        stage: pipeline.cloud.stage,
      });
      expect(plan.schedules.length).toBeGreaterThan(0);
      const listed = await pipeline.clients.scheduler.send(
        new ListSchedulesCommand({ GroupName: pipeline.cloud.runner!.names.schedulerGroupName }),
      );
      expect((listed.Schedules ?? []).map((s) => s.Name).sort()).toEqual(plan.schedules.map((s) => s.name).sort());

      // Every document of the finished run carries the tag the bucket's lifecycle rule expires; the
      // dataset group's schedules document, which must outlive the run, does not.
      const { s3 } = pipeline.clients;
      const tagsOf = async (key: string) => (await s3.send(new GetObjectTaggingCommand({ Bucket: pipeline!.bucket, Key: key }))).TagSet;
      const datasetGroup = String(outcome.detail.datasetGroupName);
      const prefix = `runs/${datasetGroup}/${String(runId)}/`;
      const documents = ((await s3.send(new ListObjectsV2Command({ Bucket: pipeline.bucket, Prefix: prefix }))).Contents ?? []).map(
        (o) => o.Key as string,
      );
      expect(documents).toEqual(expect.arrayContaining([`${prefix}plan.json`, `${prefix}state.json`]));
      for (const key of documents) expect(await tagsOf(key), key).toEqual([{ Key: 'recops-run', Value: 'finished' }]);
      expect(await tagsOf(`runs/${datasetGroup}/schedules.json`)).toEqual([]);
    },
    RUN_TIMEOUT_MS + 30_000,
  );

  it(
    'creates exactly the same resources when every event is delivered twice and shuffled',
    async () => {
      // Reference run.
      pipeline = await startPipelineCloud();
      await uploadSeedExample(pipeline);
      await pipeline.waitFor(['Pipeline Completed', 'Pipeline Failed'], RUN_TIMEOUT_MS);
      const reference = withoutRunStamps(await personalizeInventory(pipeline.clients.personalize));
      await pipeline.close();

      // Same upload, every event published a second time after a random delay of up to 400 ms.
      pipeline = await startPipelineCloud();
      pipeline.duplicateEvents(20261125, 400);
      await uploadSeedExample(pipeline);
      const outcome = await pipeline.waitFor(['Pipeline Completed', 'Pipeline Failed'], RUN_TIMEOUT_MS);
      expect(outcome.detailType, JSON.stringify(outcome.detail)).toBe('Pipeline Completed');
      // Let the last copies land before taking stock.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const duplicated = withoutRunStamps(await personalizeInventory(pipeline.clients.personalize));

      expect(duplicated).toEqual(reference);
      expect(duplicated.solutionVersions).toHaveLength(3);
      const outcomes = pipeline.published().filter((e) => e.detailType === 'Pipeline Completed' || e.detailType === 'Pipeline Failed');
      expect(outcomes.map((e) => e.detailType)).toEqual(['Pipeline Completed']);
      // The copies really were delivered: every type of event appears at least twice on the bus.
      expect(pipeline.events.filter((e) => e.detailType === 'Pipeline Requested')).toHaveLength(2);
    },
    2 * RUN_TIMEOUT_MS + 30_000,
  );

  it(
    "fails the run once, at the import step with Personalize's reason, when an import fails",
    async () => {
      pipeline = await startPipelineCloud();
      // 30 users × 10 interactions: under Personalize's minimum of 1,000 interactions.
      const data = generateSeedData({ users: 30, interactionsPerUser: 10 });
      await pipeline.upload('train/dataset-group-name-1/users.csv', data.usersCsv);
      await pipeline.upload('train/dataset-group-name-1/interactions.csv', data.interactionsCsv);
      await pipeline.upload(CONFIG_KEY, await seedExampleText());

      const outcome = await pipeline.waitFor(['Pipeline Completed', 'Pipeline Failed'], RUN_TIMEOUT_MS);
      expect(outcome.detailType).toBe('Pipeline Failed');
      expect(outcome.detail).toMatchObject({ step: 'import', resourceKind: 'datasetImportJob' });
      expect(outcome.detail.reason).toMatch(/^Dataset Import Job local-interactions-data_\S+ ended CREATE FAILED: .*1000 interactions/);
      // Nothing trains from a failed import, and the failure is reported once.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const published = pipeline.published();
      expect(published.filter((e) => e.detailType === 'Pipeline Failed')).toHaveLength(1);
      expect(published.filter((e) => e.detailType === 'Pipeline Completed')).toHaveLength(0);
      expect((await personalizeInventory(pipeline.clients.personalize)).solutionVersions).toEqual([]);
    },
    RUN_TIMEOUT_MS + 30_000,
  );

  it(
    'publishes one Pipeline Failed naming every error of a broken file and creates nothing',
    async () => {
      pipeline = await startPipelineCloud();
      const file = JSON.parse(await seedExampleText()) as Record<string, any>;
      file.solutions[0].serviceConfig.recipeArn = 'arn:aws:personalize:::recipe/aws-not-a-recipe';
      file.solutions[1].serviceConfig.name = 'bad name!';
      file.datasetGroup.workflowConfig.schedules.import = 'cron(0 */6 * * *)';
      file.filters[0].serviceConfig.unexpected = true;
      const data = generateSeedData();
      await pipeline.upload('train/dataset-group-name-1/users.csv', data.usersCsv);
      await pipeline.upload('train/dataset-group-name-1/interactions.csv', data.interactionsCsv);
      await pipeline.upload(CONFIG_KEY, JSON.stringify(file, null, 2));

      const failed = await pipeline.waitFor(['Pipeline Failed', 'Pipeline Requested'], RUN_TIMEOUT_MS);
      expect(failed.detailType).toBe('Pipeline Failed');
      expect(failed.detail.step).toBe('intake');
      const paths = (failed.detail.errors as { path: string }[]).map((e) => e.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          'solutions[0].serviceConfig.recipeArn',
          'solutions[1].serviceConfig.name',
          'datasetGroup.workflowConfig.schedules.import',
          expect.stringMatching(/^filters\[0\]\.serviceConfig/),
        ]),
      );
      // Give any (wrong) follow-up a moment to show, then check nothing happened.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(pipeline.published().map((e) => e.detailType)).toEqual(['Pipeline Failed']);
      const inventory = await personalizeInventory(pipeline.clients.personalize);
      expect(inventory.datasetGroups).toEqual([]);
    },
    RUN_TIMEOUT_MS + 30_000,
  );
});
