/**
 * A batch job's own schedule: fired by the local Scheduler, it becomes a run of scope `batch` that
 * runs the one job on the solution's latest promoted version, writes its output into a folder of its
 * own with _CHECK and manifest.json, and ends in one Pipeline Completed.
 */
import { GetScheduleCommand, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { loadParameterFile, resolvePlan } from '@recops/core';
import { generateSeedData, seedBatchInput, seedBatchInputKey, seedExampleText } from './support/data';
import { startPipelineCloud, type BusEvent, type PipelineCloud } from './support/pipeline';

const RUN_TIMEOUT_MS = 90_000;
const CONFIG_KEY = 'train/dataset-group-name-1/config.json';
const OUTCOMES = ['Pipeline Completed', 'Pipeline Failed'];

async function nthOutcome(pipeline: PipelineCloud, n: number): Promise<BusEvent> {
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  for (;;) {
    const ended = pipeline.published().filter((e) => OUTCOMES.includes(e.detailType));
    if (ended.length >= n) return ended[n - 1] as BusEvent;
    if (Date.now() > deadline)
      throw new Error(
        `run ${n} did not end; bus: ${pipeline
          .published()
          .map((e) => e.detailType)
          .join(', ')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('E2E: a scheduled batch job on the local cloud', () => {
  let pipeline: PipelineCloud | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it(
    'runs the job on the latest promoted version when its schedule fires, and its output gets _CHECK',
    async () => {
      pipeline = await startPipelineCloud();
      const data = generateSeedData();
      await pipeline.upload('train/dataset-group-name-1/users.csv', data.usersCsv);
      await pipeline.upload('train/dataset-group-name-1/interactions.csv', data.interactionsCsv);
      await pipeline.upload(seedBatchInputKey(), seedBatchInput());
      await pipeline.upload(CONFIG_KEY, await seedExampleText());
      const uploaded = await nthOutcome(pipeline, 1);
      expect(uploaded.detailType, JSON.stringify(uploaded.detail)).toBe('Pipeline Completed');
      const promoted = pipeline
        .published()
        .find((e) => e.detailType === 'Solution Version Promoted' && e.detail.solutionName === 'local-user-personalization-solution');
      const firstOutput = pipeline.published().find((e) => e.detailType === 'Batch Output Ready');

      // Act: the batch schedule fires about a second from now (what Scheduler puts on the bus).
      const plan = resolvePlan(loadParameterFile(await seedExampleText()).file, {
        bucket: pipeline.bucket,
        configKey: CONFIG_KEY,
        stage: pipeline.cloud.stage,
      });
      const schedule = plan.schedules.find((s) => s.kind === 'batch');
      if (schedule === undefined) throw new Error('the seed example schedules its batch inference job');
      const GroupName = pipeline.cloud.runner!.names.schedulerGroupName;
      const stored = await pipeline.clients.scheduler.send(new GetScheduleCommand({ Name: schedule.name, GroupName }));
      const at = `at(${new Date(Date.now() + 1500).toISOString().slice(0, 19)})`;
      await pipeline.clients.scheduler.send(
        new UpdateScheduleCommand({
          Name: schedule.name,
          GroupName,
          ScheduleExpression: at,
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: stored.Target,
        }),
      );
      const scheduled = await nthOutcome(pipeline, 2);

      // Assess: one run of scope batch, completed, its job on the promoted version, its own folder with _CHECK.
      expect(scheduled.detailType, JSON.stringify(scheduled.detail)).toBe('Pipeline Completed');
      const runId = scheduled.detail.runId;
      const requested = pipeline.published().find((e) => e.detailType === 'Pipeline Requested' && e.detail.runId === runId);
      expect(requested?.detail).toMatchObject({
        trigger: 'schedule',
        scope: { kind: 'batch', solutionName: 'local-user-personalization-solution', jobKind: 'batchInferenceJob' },
      });
      const ready = pipeline.published().filter((e) => e.detailType === 'Batch Output Ready' && e.detail.runId === runId);
      expect(ready).toHaveLength(1);
      expect(ready[0]?.detail.solutionVersionArn).toBe(promoted?.detail.resourceArn);
      expect(ready[0]?.detail.jobName).toBe(`local-batch_user-personalization-solution_${requested?.detail.runStamp}`);
      expect(ready[0]?.detail.output.prefix).not.toBe(firstOutput?.detail.output.prefix);
      const listed = await pipeline.clients.s3.send(
        new ListObjectsV2Command({ Bucket: pipeline.bucket, Prefix: ready[0]?.detail.output.prefix }),
      );
      expect((listed.Contents ?? []).map((o) => o.Key?.split('/').at(-1)).sort()).toEqual([
        '_CHECK',
        'job_config.json.out',
        'manifest.json',
      ]);
      // Nothing was retrained or redeployed by the batch run.
      expect(pipeline.published().filter((e) => e.detail.runId === runId && /Solution Version|Campaign/.test(e.detailType))).toEqual([]);
    },
    2 * RUN_TIMEOUT_MS + 30_000,
  );
});
