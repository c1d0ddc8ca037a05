/**
 * A run whose dataset group could not be created gets no schedules (issue 14): the schedule
 * manager applies a file's schedules once the run's dataset group is ACTIVE, not on Pipeline
 * Requested. The fault: the provisioner may not create dataset groups (local IAM is on).
 */
import { ListSchedulesCommand } from '@aws-sdk/client-scheduler';
import { afterEach, describe, expect, it } from 'vitest';
import { manifestWithout, startPipelineCloud, uploadSeedExample, type PipelineCloud } from './support/pipeline';

const RUN_TIMEOUT_MS = 90_000;

describe('E2E: no schedules for a dataset group that could not be created', () => {
  let pipeline: PipelineCloud | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it(
    'fails the run at provisioning and creates none of the schedules the file asks for',
    async () => {
      pipeline = await startPipelineCloud(manifestWithout('dataset-provisioner', 'personalize:CreateDatasetGroup'));
      await uploadSeedExample(pipeline);
      const outcome = await pipeline.waitFor(['Pipeline Completed', 'Pipeline Failed'], RUN_TIMEOUT_MS);
      expect(outcome.detailType, JSON.stringify(outcome.detail)).toBe('Pipeline Failed');
      expect(outcome.detail.step).toBe('provisioning');
      expect(outcome.detail.reason).toContain('personalize:CreateDatasetGroup');
      // The schedule manager had every chance: the run's Pipeline Requested was on the bus long before.
      await pipeline.waitFor(['Pipeline Requested'], 1_000);
      const names = pipeline.cloud.runner!.names;
      const schedules = await pipeline.clients.scheduler.send(new ListSchedulesCommand({ GroupName: names.schedulerGroupName }));
      expect(schedules.Schedules ?? []).toEqual([]);
    },
    RUN_TIMEOUT_MS + 30_000,
  );
});
