/**
 * Scheduled runs end to end: a schedule the local Scheduler fires goes through the run door
 * (run-starter → Pipeline Requested with its scope) and ends in exactly one Pipeline Completed.
 */
import { DescribeCampaignCommand, ListBatchInferenceJobsCommand } from '@aws-sdk/client-personalize';
import { GetScheduleCommand, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { afterEach, describe, expect, it } from 'vitest';
import { loadParameterFile, resolvePlan, type SchedulePlan } from '@recops/core';
import { generateSeedData, seedBatchInput, seedBatchInputKey, seedExampleText } from './support/data';
import { personalizeInventory, startPipelineCloud, type BusEvent, type PipelineCloud } from './support/pipeline';

const RUN_TIMEOUT_MS = 90_000;
const CONFIG_KEY = 'train/dataset-group-name-1/config.json';
const OUTCOMES = ['Pipeline Completed', 'Pipeline Failed'];
const SOLUTION = 'user-personalization-solution';
/** Its Personalize name on the local cloud's stage (`local`), as the plan and the events carry it. */
const STAGE_SOLUTION = `local-${SOLUTION}`;

/** The seed example with user-personalization's promotion gate asking for `margin` over the live version. */
async function seedWithMargin(margin: number): Promise<string> {
  const file = JSON.parse(await seedExampleText()) as {
    solutions: { serviceConfig: { name: string }; workflowConfig?: Record<string, unknown> }[];
  };
  const solution = file.solutions.find((s) => s.serviceConfig.name === SOLUTION)!;
  solution.workflowConfig = { ...solution.workflowConfig, promotionGate: { margin } };
  return JSON.stringify(file, null, 2);
}

/** Names of every batch inference job in the local Personalize. */
async function batchJobNames(pipeline: PipelineCloud): Promise<string[]> {
  const jobs = (await pipeline.clients.personalize.send(new ListBatchInferenceJobsCommand({}))).batchInferenceJobs ?? [];
  return jobs.map((j) => j.jobName ?? '?').sort();
}

/** The outcome events the bus carries for one run. */
function onlyOutcomesOf(pipeline: PipelineCloud, runId: unknown): string[] {
  return pipeline
    .published()
    .filter((e) => e.detail.runId === runId && OUTCOMES.includes(e.detailType))
    .map((e) => e.detailType);
}

/** Resolves with the outcomes of `runs` runs once that many are on the bus. */
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

/** Makes the stored schedule fire about a second from now, keeping its target (what Scheduler puts on the bus). */
async function fireSoon(pipeline: PipelineCloud, schedule: SchedulePlan): Promise<void> {
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
}

describe('E2E: scheduled runs on the local cloud', () => {
  let pipeline: PipelineCloud | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it(
    'retrains the solution when its full schedule fires: a worse version is rejected with both figures and the campaign keeps its version, a better one updates the campaign; each run ends in one Pipeline Completed',
    async () => {
      // Arrange: an upload whose gate asks user-personalization to beat the live version by 1 (the
      // first version is always promoted, so the campaign starts on it).
      pipeline = await startPipelineCloud();
      const data = generateSeedData();
      await pipeline.upload('train/dataset-group-name-1/users.csv', data.usersCsv);
      await pipeline.upload('train/dataset-group-name-1/interactions.csv', data.interactionsCsv);
      await pipeline.upload(seedBatchInputKey(), seedBatchInput());
      await pipeline.upload(CONFIG_KEY, await seedWithMargin(1));
      const [uploaded] = await outcomes(pipeline, 1);
      expect(uploaded?.detailType, JSON.stringify(uploaded?.detail)).toBe('Pipeline Completed');
      const v1 = (uploaded!.detail.deployed as { solutionVersionArn: string }[])[0]?.solutionVersionArn;
      const campaignArn = (uploaded!.detail.deployed as { campaignArn: string }[])[0]?.campaignArn;
      expect(v1).toBeDefined();
      const plan = resolvePlan(loadParameterFile(await seedExampleText()).file, {
        bucket: pipeline.bucket,
        configKey: CONFIG_KEY,
        stage: pipeline.cloud.stage,
      });
      const full = plan.schedules.find((s) => s.kind === 'full' && s.target.solutionName === STAGE_SOLUTION);
      if (full === undefined) throw new Error('the seed example schedules a full retrain of user-personalization');
      const before = await personalizeInventory(pipeline.clients.personalize);
      const batchJobNamesBefore = batchJobNames(pipeline);

      // Act 1: the schedule fires; the same data cannot beat the live version by 1.
      await fireSoon(pipeline, full);
      const [, worse] = await outcomes(pipeline, 2);

      // Assess 1: a run of its own, through the door, completed once with the rejection and both figures.
      expect(worse?.detailType, JSON.stringify(worse?.detail)).toBe('Pipeline Completed');
      const scheduled = pipeline.published().filter((e) => e.detailType === 'Pipeline Requested')[1]!.detail;
      expect(scheduled).toMatchObject({
        trigger: 'schedule',
        scheduleName: full.name,
        scope: { kind: 'retrain', solutionName: STAGE_SOLUTION, trainingMode: 'FULL' },
      });
      expect(worse?.detail).toMatchObject({ runId: scheduled.runId, trigger: 'schedule', promoted: [], deployed: [] });
      const [rejection] = worse!.detail.rejected as Record<string, unknown>[];
      expect(rejection).toMatchObject({
        solutionName: STAGE_SOLUTION,
        liveSolutionVersionArn: v1,
        candidate: expect.any(Number),
        baseline: expect.any(Number),
      });
      expect(rejection?.reason).toContain(' < ');
      const rejectedEvent = pipeline
        .published()
        .find((e) => e.detailType === 'Solution Version Rejected' && e.detail.runId === scheduled.runId);
      expect(rejectedEvent?.detail.gate).toMatchObject({ candidate: rejection?.candidate, baseline: rejection?.baseline, margin: 1 });
      expect(onlyOutcomesOf(pipeline, scheduled.runId)).toEqual(['Pipeline Completed']);
      const kept = (await pipeline.clients.personalize.send(new DescribeCampaignCommand({ campaignArn }))).campaign;
      expect(kept?.solutionVersionArn).toBe(v1);
      const after = await personalizeInventory(pipeline.clients.personalize);
      expect(after.solutionVersions.length).toBe(before.solutionVersions.length + 1);
      expect(after.importJobs).toEqual(before.importJobs);
      // The rejected retrain starts no batch job: the live version's output of the unchanged input stands,
      // announced for this run and listed by its Pipeline Completed.
      expect(await batchJobNames(pipeline)).toEqual(await batchJobNamesBefore);
      const keptOutput = pipeline.published().find((e) => e.detailType === 'Batch Output Ready' && e.detail.runId === scheduled.runId);
      const firstOutput = pipeline
        .published()
        .find((e) => e.detailType === 'Batch Output Ready' && e.detail.runId === uploaded?.detail.runId);
      expect(keptOutput?.detail).toMatchObject({
        reusedFromRunId: uploaded?.detail.runId,
        resourceArn: firstOutput?.detail.resourceArn,
        output: firstOutput?.detail.output,
        solutionVersionArn: v1,
      });
      expect(worse?.detail.batchOutputs).toEqual([
        expect.objectContaining({ jobArn: firstOutput?.detail.resourceArn, output: firstOutput?.detail.output }),
      ]);

      // Act 1b: new batch input, and the schedule fires again: still rejected, but the input changed, so the job runs on v1.
      await pipeline.upload(seedBatchInputKey(), `${seedBatchInput()}\n${JSON.stringify({ userId: 'u2' })}`);
      await fireSoon(pipeline, full);
      const [, , rerun] = await outcomes(pipeline, 3);
      expect(rerun?.detailType, JSON.stringify(rerun?.detail)).toBe('Pipeline Completed');
      expect((rerun!.detail.rejected as unknown[]).length).toBe(1);
      const rerunOutput = pipeline.published().find((e) => e.detailType === 'Batch Output Ready' && e.detail.runId === rerun?.detail.runId);
      expect(rerunOutput?.detail).toMatchObject({ solutionVersionArn: v1, lineCount: 4 });
      expect(rerunOutput?.detail.reusedFromRunId).toBeUndefined();
      expect((await batchJobNames(pipeline)).length).toBe((await batchJobNamesBefore).length + 1);

      // Act 2: the file now lets any version through (margin -1); its upload runs, then the schedule fires again.
      await pipeline.upload(CONFIG_KEY, await seedWithMargin(-1));
      await outcomes(pipeline, 4);
      await fireSoon(pipeline, full);
      const [, , , , better] = await outcomes(pipeline, 5);

      // Assess 2: promoted, the campaign updated to the new version, one Pipeline Completed saying so.
      expect(better?.detailType, JSON.stringify(better?.detail)).toBe('Pipeline Completed');
      expect(better?.detail).toMatchObject({ trigger: 'schedule', rejected: [] });
      const [deployed] = better!.detail.deployed as { solutionVersionArn: string; operation: string }[];
      expect(deployed).toMatchObject({ operation: 'update' });
      expect((better!.detail.promoted as { solutionVersionArn: string }[])[0]?.solutionVersionArn).toBe(deployed?.solutionVersionArn);
      expect(onlyOutcomesOf(pipeline, better?.detail.runId)).toEqual(['Pipeline Completed']);
      const serving = (await pipeline.clients.personalize.send(new DescribeCampaignCommand({ campaignArn }))).campaign;
      expect(serving).toMatchObject({ status: 'ACTIVE', solutionVersionArn: deployed?.solutionVersionArn });
      expect(serving?.solutionVersionArn).not.toBe(v1);
    },
    RUN_TIMEOUT_MS * 4,
  );

  it(
    "imports the file's data again when its import schedule fires, training nothing, and ends that run in one Pipeline Completed",
    async () => {
      pipeline = await startPipelineCloud();
      const data = generateSeedData();
      await pipeline.upload('train/dataset-group-name-1/users.csv', data.usersCsv);
      await pipeline.upload('train/dataset-group-name-1/interactions.csv', data.interactionsCsv);
      await pipeline.upload(seedBatchInputKey(), seedBatchInput());
      await pipeline.upload(seedBatchInputKey(), seedBatchInput());
      const fileText = await seedExampleText();
      await pipeline.upload(CONFIG_KEY, fileText);
      await outcomes(pipeline, 1);
      const before = await personalizeInventory(pipeline.clients.personalize);
      const plan = resolvePlan(loadParameterFile(fileText).file, {
        bucket: pipeline.bucket,
        configKey: CONFIG_KEY,
        stage: pipeline.cloud.stage,
      });
      const importSchedule = plan.schedules.find((s) => s.kind === 'import');
      if (importSchedule === undefined) throw new Error('the seed example has an import schedule');

      await fireSoon(pipeline, importSchedule);
      const ended = await outcomes(pipeline, 2);

      expect(ended[1]?.detailType, JSON.stringify(ended[1]?.detail)).toBe('Pipeline Completed');
      expect(ended[1]?.detail.scope).toEqual({ kind: 'import' });
      const after = await personalizeInventory(pipeline.clients.personalize);
      expect(after.importJobs.length).toBe(before.importJobs.length + 2);
      expect(after.solutionVersions).toEqual(before.solutionVersions);
    },
    RUN_TIMEOUT_MS * 2,
  );
});
