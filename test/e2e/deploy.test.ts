/**
 * Issue 11, the deploy half: from one upload of the seed example (with its batch input), the gate
 * promotes each first version, the campaign is deployed and answers GetRecommendations, and the
 * daily batch inference job's output gets manifest.json, _CHECK and Batch Output Ready; all of it
 * once, even when every event is delivered twice and shuffled.
 */
import {
  DescribeBatchInferenceJobCommand,
  DescribeCampaignCommand,
  ListBatchInferenceJobsCommand,
  ListCampaignsCommand,
} from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand } from '@aws-sdk/client-personalize-runtime';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { onOutputObject } from '../../services/batch-output-notifier/notify';
import { generateSeedData, seedExampleText } from './support/data';
import { startPipelineCloud, type BusEvent, type PipelineCloud } from './support/pipeline';

const RUN_TIMEOUT_MS = 120_000;
const DSG = 'dataset-group-name-1';
const BATCH_INPUT_KEY = `batch/${DSG}/user-personalization-solution/job_config.json`;

async function uploadSeedExample(pipeline: PipelineCloud, options: { batchInput?: boolean } = {}): Promise<void> {
  const data = generateSeedData();
  await pipeline.upload(`train/${DSG}/users.csv`, data.usersCsv);
  await pipeline.upload(`train/${DSG}/interactions.csv`, data.interactionsCsv);
  if (options.batchInput !== false) {
    await pipeline.upload(BATCH_INPUT_KEY, ['u1', 'u7', 'u33'].map((userId) => JSON.stringify({ userId })).join('\n'));
  }
  await pipeline.upload(`train/${DSG}/config.json`, await seedExampleText());
}

/** Waits until every one of `detailTypes` has been published at least once. */
async function waitForAll(pipeline: PipelineCloud, detailTypes: readonly string[]): Promise<BusEvent[]> {
  const found: BusEvent[] = [];
  for (const type of detailTypes) found.push(await pipeline.waitFor([type, 'Step Failed', 'Pipeline Failed'], RUN_TIMEOUT_MS));
  for (const event of found) expect(event.detailType, JSON.stringify(event.detail)).not.toMatch(/Failed$/);
  return found;
}

/** Polls until an event of `detailType` matching `where` is on the bus (any run). */
async function waitForEvent(pipeline: PipelineCloud, detailType: string, where: (e: BusEvent) => boolean): Promise<BusEvent> {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  for (;;) {
    const found = pipeline.events.find((e) => e.detailType === detailType && where(e));
    if (found) return found;
    const failed = pipeline.events.find((e) => e.detailType === 'Step Failed' || e.detailType === 'Pipeline Failed');
    if (failed) throw new Error(`${failed.detailType}: ${JSON.stringify(failed.detail)}`);
    if (Date.now() > deadline) throw new Error(`no ${detailType} within ${RUN_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The seed example with the user-personalization solution's gate margin set, and its batch job
 * filtered by a filter of the file named by name.
 */
async function seedWithMargin(margin: number): Promise<string> {
  const file = JSON.parse(await seedExampleText()) as { solutions: Record<string, any>[] };
  const solution = file.solutions[2] as Record<string, any>;
  solution.workflowConfig = { ...solution.workflowConfig, promotionGate: { margin } };
  solution.batchInferenceJobs[0].serviceConfig.filterArn = 'clicked-or-streamed';
  return JSON.stringify(file, null, 2);
}

async function objectText(pipeline: PipelineCloud, key: string): Promise<string> {
  const response = await pipeline.clients.s3.send(new GetObjectCommand({ Bucket: pipeline.bucket, Key: key }));
  return (await response.Body?.transformToString('utf8')) ?? '';
}

describe('E2E: promotion, campaign and batch output on the local cloud', () => {
  let pipeline: PipelineCloud | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it(
    'promotes every first version, deploys the campaign that then answers, and announces the batch output beside its _CHECK and manifest',
    async () => {
      pipeline = await startPipelineCloud();
      await uploadSeedExample(pipeline);
      const [deployed, ready] = await waitForAll(pipeline, ['Campaign Deployed', 'Batch Output Ready']);
      // The run completes once, after its campaign and batch output (its goals include both).
      const outcome = await pipeline.waitFor(['Pipeline Completed', 'Pipeline Failed'], RUN_TIMEOUT_MS);
      expect(outcome.detailType, JSON.stringify(outcome.detail)).toBe('Pipeline Completed');
      expect(outcome.seq).toBeGreaterThan(Math.max(deployed?.seq ?? Infinity, ready?.seq ?? Infinity));

      // The gate: metrics for each of the three versions, each promoted as a first version.
      const events = pipeline.published();
      const metrics = events.filter((e) => e.detailType === 'Solution Metrics Published');
      expect(metrics.map((e) => e.detail.solutionName).sort()).toEqual([
        'local-popularity-count-solution',
        'local-sims-solution',
        'local-user-personalization-solution',
      ]);
      expect(metrics.every((e) => typeof e.detail.metrics.normalized_discounted_cumulative_gain_at_10 === 'number')).toBe(true);
      const promoted = events.filter((e) => e.detailType === 'Solution Version Promoted');
      expect(promoted).toHaveLength(3);
      expect(promoted[0]?.detail.gate).toMatchObject({ metric: 'normalized_discounted_cumulative_gain_at_10', margin: 0, enabled: true });
      expect(promoted[0]?.detail.gate.rule).toMatch(/first version/);

      // The campaign serves the promoted user-personalization version and answers.
      const upPromoted = promoted.find((e) => e.detail.solutionName === 'local-user-personalization-solution');
      expect(deployed?.detail).toMatchObject({
        campaignName: 'local-user-personalization-campaign',
        operation: 'create',
        pinned: false,
        solutionVersionArn: upPromoted?.detail.resourceArn,
      });
      const campaign = (await pipeline.clients.personalize.send(new DescribeCampaignCommand({ campaignArn: deployed?.detail.resourceArn })))
        .campaign;
      expect(campaign).toMatchObject({ status: 'ACTIVE', solutionVersionArn: upPromoted?.detail.resourceArn });
      const answer = await pipeline.clients.personalizeRuntime.send(
        new GetRecommendationsCommand({ campaignArn: deployed?.detail.resourceArn, userId: 'u1', numResults: 10 }),
      );
      expect(answer.itemList).toHaveLength(10);

      // The batch output: under batch/<dsg>/<solution>/<solution>_<stamp>/, with manifest.json and _CHECK.
      const prefix = ready?.detail.output.prefix as string;
      expect(prefix).toMatch(new RegExp(`^batch/${DSG}/user-personalization-solution/user-personalization-solution_\\d{4}(_\\d{2}){5}/$`));
      const listed = await pipeline.clients.s3.send(new ListObjectsV2Command({ Bucket: pipeline.bucket, Prefix: prefix }));
      expect((listed.Contents ?? []).map((o) => o.Key?.slice(prefix.length)).sort()).toEqual([
        '_CHECK',
        'job_config.json.out',
        'manifest.json',
      ]);
      const manifest = JSON.parse(await objectText(pipeline, `${prefix}manifest.json`)) as Record<string, any>;
      expect(manifest).toMatchObject({
        jobArn: ready?.detail.resourceArn,
        solutionVersionArn: upPromoted?.detail.resourceArn,
        input: { url: `s3://${pipeline.bucket}/${BATCH_INPUT_KEY}`, keys: [BATCH_INPUT_KEY] },
        output: { keys: [`${prefix}job_config.json.out`] },
        lineCount: 3,
        errorLineCount: 0,
      });
      expect(ready?.detail).toMatchObject({
        jobKind: 'batchInferenceJob',
        lineCount: 3,
        errorLineCount: 0,
        check: { key: `${prefix}_CHECK` },
      });
      const lines = (await objectText(pipeline, `${prefix}job_config.json.out`)).trim().split('\n');
      expect(lines.map((l) => JSON.parse(l).input.userId)).toEqual(['u1', 'u7', 'u33']);

      // The S3 door: an ObjectCreated for the .out finds the job by its folder, and announces nothing twice.
      const notifierDeps = {
        ...pipeline.clients,
        busName: pipeline.busName,
        bucketName: pipeline.bucket,
        deliveryId: 's3:late-copy',
        now: () => new Date(),
      };
      expect(await onOutputObject(pipeline.bucket, `${prefix}job_config.json.out`, notifierDeps)).toMatchObject({ outcome: 'already' });
      expect(await onOutputObject(pipeline.bucket, `batch/${DSG}/elsewhere/x.out`, notifierDeps)).toMatchObject({ outcome: 'unknown' });
    },
    RUN_TIMEOUT_MS + 30_000,
  );

  it(
    'starts no second campaign update, batch job, _CHECK or Batch Output Ready when every event is delivered twice and shuffled',
    async () => {
      pipeline = await startPipelineCloud();
      const created: string[] = [];
      pipeline.cloud.eventLog.subscribe((entry) => {
        if (entry.kind !== 's3.object-created') return;
        for (const record of (entry.data as { Records?: { s3: { object: { key: string } } }[] }).Records ?? [])
          created.push(record.s3.object.key);
      });
      pipeline.duplicateEvents(20261203, 400);
      await uploadSeedExample(pipeline);
      await waitForAll(pipeline, ['Campaign Deployed', 'Batch Output Ready']);
      // Let the last copies land (and anything they would wrongly start) before taking stock.
      await new Promise((resolve) => setTimeout(resolve, 3_000));

      const published = pipeline.published();
      const count = (type: string) => published.filter((e) => e.detailType === type).length;
      expect(count('Batch Output Ready')).toBe(1);
      expect(count('Campaign Deployed')).toBe(1);
      expect(count('Solution Version Promoted')).toBeGreaterThanOrEqual(3);
      // Republished decisions are the same decision: one version per solution, never Rejected.
      expect(new Set(published.filter((e) => e.detailType === 'Solution Version Promoted').map((e) => e.detail.resourceArn)).size).toBe(3);
      expect(count('Solution Version Rejected')).toBe(0);
      expect(pipeline.events.filter((e) => e.detailType === 'Solution Version Promoted').length).toBeGreaterThan(3);

      const personalize = pipeline.clients.personalize;
      const campaigns = (await personalize.send(new ListCampaignsCommand({}))).campaigns ?? [];
      expect(campaigns).toHaveLength(1);
      const campaign = (await personalize.send(new DescribeCampaignCommand({ campaignArn: campaigns[0]?.campaignArn }))).campaign;
      expect(campaign?.latestCampaignUpdate).toBeUndefined();
      const jobs = (await personalize.send(new ListBatchInferenceJobsCommand({}))).batchInferenceJobs ?? [];
      expect(jobs).toHaveLength(1);
      // _CHECK and manifest.json written once each (S3 ObjectCreated as the local cloud logs it).
      expect(created.filter((key) => key.endsWith('/_CHECK'))).toHaveLength(1);
      expect(created.filter((key) => key.endsWith('/manifest.json'))).toHaveLength(1);
    },
    RUN_TIMEOUT_MS + 30_000,
  );

  it(
    'fails the run at the batch step naming the job and its missing input, and still deploys the campaign',
    async () => {
      pipeline = await startPipelineCloud();
      await uploadSeedExample(pipeline, { batchInput: false });
      const failed = await pipeline.waitFor(['Step Failed'], RUN_TIMEOUT_MS);
      expect(failed.detail).toMatchObject({ step: 'batch', resourceKind: 'batchInferenceJob' });
      expect(failed.detail.reason).toMatch(
        new RegExp(
          `^batch inference job local-batch_user-personalization-solution_\\d{4}(_\\d{2}){5} \\(solutions\\[2\\]\\.batchInferenceJobs\\[0\\]\\): input s3://\\S+/${BATCH_INPUT_KEY} is missing`,
        ),
      );
      // The run ends in Pipeline Failed naming the job and the reason.
      const outcome = await pipeline.waitFor(['Pipeline Failed', 'Pipeline Completed'], RUN_TIMEOUT_MS);
      expect(outcome.detailType).toBe('Pipeline Failed');
      expect(outcome.detail).toMatchObject({ step: 'batch', resourceKind: 'batchInferenceJob' });
      expect(outcome.detail.reason).toContain(`batch inference job local-batch_user-personalization-solution_`);
      expect(outcome.detail.reason).toContain(`input s3://${pipeline.bucket}/${BATCH_INPUT_KEY} is missing`);
      await pipeline.waitFor(['Campaign Deployed'], RUN_TIMEOUT_MS);
      expect((await pipeline.clients.personalize.send(new ListBatchInferenceJobsCommand({}))).batchInferenceJobs ?? []).toHaveLength(0);
      expect(pipeline.published().filter((e) => e.detailType === 'Batch Output Ready')).toHaveLength(0);
    },
    RUN_TIMEOUT_MS + 30_000,
  );

  it(
    'keeps the campaign on its version when a retrained version is rejected (both figures in the event), and updates it when the next one passes',
    async () => {
      pipeline = await startPipelineCloud();
      const configKey = `train/${DSG}/config.json`;
      await uploadSeedExample(pipeline);
      const first = await waitForEvent(pipeline, 'Campaign Deployed', () => true);
      const v1 = first.detail.solutionVersionArn as string;
      const runOf = (e: BusEvent) => e.detail.runId as string;
      const isUp = (e: BusEvent) => e.detail.solutionName === 'local-user-personalization-solution';

      // Second run: the same data cannot beat the live version by a margin of 1.
      await pipeline.upload(configKey, await seedWithMargin(1));
      const rejected = await waitForEvent(pipeline, 'Solution Version Rejected', isUp);
      expect(rejected.detail.liveSolutionVersionArn).toBe(v1);
      expect(rejected.detail.gate).toMatchObject({ margin: 1, baselineSolutionVersionArn: v1, baselineSource: 'campaign' });
      expect(typeof rejected.detail.gate.candidate).toBe('number');
      expect(typeof rejected.detail.gate.baseline).toBe('number');
      expect(rejected.detail.reason).toContain(' < ');
      // The run's batch job still runs, on the live version; the campaign keeps serving it.
      const secondBatch = await waitForEvent(pipeline, 'Batch Output Ready', (e) => runOf(e) === runOf(rejected));
      expect(secondBatch.detail.solutionVersionArn).toBe(v1);
      // The job's filterArn named a filter of the file: the job runs with that filter's ARN.
      const job = (
        await pipeline.clients.personalize.send(
          new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: secondBatch.detail.resourceArn }),
        )
      ).batchInferenceJob;
      expect(job?.filterArn).toMatch(/:filter\/local-clicked-or-streamed$/);
      const kept = (await pipeline.clients.personalize.send(new DescribeCampaignCommand({ campaignArn: first.detail.resourceArn })))
        .campaign;
      expect(kept?.solutionVersionArn).toBe(v1);
      expect(kept?.latestCampaignUpdate).toBeUndefined();
      expect(pipeline.events.filter((e) => e.detailType === 'Campaign Deployed')).toHaveLength(1);

      // Third run: a margin of -1 lets the new version through, and the campaign is updated to it.
      await pipeline.upload(configKey, await seedWithMargin(-1));
      const promoted = await waitForEvent(pipeline, 'Solution Version Promoted', (e) => isUp(e) && e.detail.resourceArn !== v1);
      expect(promoted.detail.previousSolutionVersionArn).toBe(v1);
      const updated = await waitForEvent(pipeline, 'Campaign Deployed', (e) => runOf(e) === runOf(promoted));
      expect(updated.detail).toMatchObject({ operation: 'update', solutionVersionArn: promoted.detail.resourceArn });
      const serving = (await pipeline.clients.personalize.send(new DescribeCampaignCommand({ campaignArn: first.detail.resourceArn })))
        .campaign;
      expect(serving).toMatchObject({
        status: 'ACTIVE',
        solutionVersionArn: promoted.detail.resourceArn,
        latestCampaignUpdate: { status: 'ACTIVE' },
      });
    },
    3 * RUN_TIMEOUT_MS,
  );
});
