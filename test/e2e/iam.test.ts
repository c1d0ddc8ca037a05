/**
 * With the local cloud's IAM on (the default), a grant missing from services/manifest.ts fails the
 * run the way it would in AWS, with an AccessDenied naming the service and the action. Shown for
 * the three grants the first AWS run would have missed.
 */
import type { EventLogEntry } from '@recops/local';
import { afterEach, describe, expect, it } from 'vitest';
import { manifestWithout, startPipelineCloud, uploadSeedExample, type PipelineCloud } from './support/pipeline';

const RUN_TIMEOUT_MS = 90_000;

/** Resolves with the first access denial the local IAM logs for `service`. */
function deniedFor(pipeline: PipelineCloud, service: string): Promise<EventLogEntry> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no access denied for ${service} within ${RUN_TIMEOUT_MS} ms`)), RUN_TIMEOUT_MS);
    const unsubscribe = pipeline.cloud.eventLog.subscribe((entry) => {
      if (entry.kind !== 'iam.access-denied' || entry.data.service !== service) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(entry);
    });
  });
}

describe('E2E: a missing grant fails as in AWS', () => {
  let pipeline: PipelineCloud | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it(
    'fails the run at training, naming solution-trainer and s3:PutObject, when the trainer may not write its version claim',
    async () => {
      pipeline = await startPipelineCloud(manifestWithout('solution-trainer', 's3:PutObject'));
      await uploadSeedExample(pipeline);
      const outcome = await pipeline.waitFor(['Pipeline Completed', 'Pipeline Failed'], RUN_TIMEOUT_MS);
      expect(outcome.detailType).toBe('Pipeline Failed');
      expect(outcome.detail.step).toBe('training');
      expect(outcome.detail.reason).toMatch(
        /^AccessDenied: User: arn:aws:sts::000000000000:assumed-role\/recops-local-solution-trainer\/.* is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::recops-local-data\/runs\//,
      );
    },
    RUN_TIMEOUT_MS + 30_000,
  );

  it.each([
    ['run-tracker', 'the first read of a run state'],
    ['schedule-manager', 'the first read of the applied-run record'],
  ])(
    'denies %s %s with 403 AccessDenied naming s3:ListBucket instead of 404, without s3:ListBucket',
    async (service) => {
      pipeline = await startPipelineCloud(manifestWithout(service, 's3:ListBucket'));
      const denied = deniedFor(pipeline, service);
      await uploadSeedExample(pipeline);
      const entry = await denied;
      expect(entry.data).toMatchObject({
        service,
        operation: 'GetObject',
        action: 's3:ListBucket',
        resource: 'arn:aws:s3:::recops-local-data',
      });
      expect(entry.data.message).toContain(`assumed-role/recops-local-${service}/`);
      if (service === 'run-tracker') {
        // Without its state the tracker never ends the run.
        const outcome = await pipeline.waitFor(['Pipeline Completed', 'Pipeline Failed'], 5_000).catch(() => undefined);
        expect(outcome).toBeUndefined();
      }
    },
    RUN_TIMEOUT_MS + 30_000,
  );

  it(
    'completes the run with the manifest as it is, without one access denied',
    async () => {
      pipeline = await startPipelineCloud();
      const denials: EventLogEntry[] = [];
      pipeline.cloud.eventLog.subscribe((entry) => {
        if (entry.kind === 'iam.access-denied') denials.push(entry);
      });
      await uploadSeedExample(pipeline);
      const outcome = await pipeline.waitFor(['Pipeline Completed', 'Pipeline Failed'], RUN_TIMEOUT_MS);
      expect(outcome.detailType, JSON.stringify(outcome.detail)).toBe('Pipeline Completed');
      expect(denials.map((d) => d.data)).toEqual([]);
      expect(pipeline.cloud.iam?.principalFor('recops-local-solution-trainer')?.service).toBe('solution-trainer');
    },
    RUN_TIMEOUT_MS + 30_000,
  );
});
