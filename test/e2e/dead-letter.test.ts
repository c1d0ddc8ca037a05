/**
 * A message that reaches a DLQ fails its run with the reason, and a redrive once the fault is fixed
 * completes the run (issue 14, "every run ends"; issue 16, permanent failures of services that
 * publish no Step Failed). The fault: a grant taken from services/manifest.ts (local IAM is on).
 */
import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { ListSchedulesCommand } from '@aws-sdk/client-scheduler';
import { runner } from '@recops/local';
import type { ServiceDefinition } from '@recops/platform';
import { SERVICES } from '@recops/services/manifest';
import { afterEach, describe, expect, it } from 'vitest';
import { manifestWithout, startPipelineCloud, uploadSeedExample, type PipelineCloud } from './support/pipeline';

const RUN_TIMEOUT_MS = 90_000;

describe('E2E: dead letters fail their run; a redrive completes it', () => {
  let pipeline: PipelineCloud | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it(
    'fails the run at scheduling with the AccessDenied, keeps the reason on the DLQ copy, and completes the run after the grant is restored and the DLQ redriven',
    async () => {
      // Prepare: the schedule manager may not create schedules.
      pipeline = await startPipelineCloud(manifestWithout('schedule-manager', 'scheduler:CreateSchedule'));
      const { clients, cloud } = pipeline;
      const names = cloud.runner!.names;

      // Act
      await uploadSeedExample(pipeline);
      const failed = await pipeline.waitFor(['Pipeline Completed', 'Pipeline Failed'], RUN_TIMEOUT_MS);

      // Assess: one Pipeline Failed naming the service, the step and IAM's sentence.
      expect(failed.detailType, JSON.stringify(failed.detail)).toBe('Pipeline Failed');
      expect(failed.detail.step).toBe('scheduling');
      expect(failed.detail.reason).toMatch(
        /^schedule-manager gave up on a Dataset Group Status Changed message after 1 delivery \(it is in its DLQ\): AccessDeniedException: .*recops-local-schedule-manager.* is not authorized to perform: scheduler:CreateSchedule/,
      );
      const dead = pipeline.events.filter((e) => e.detailType === 'Message Dead-Lettered');
      expect(dead.map((e) => [e.detail.service, e.detail.cause, e.detail.runId])).toEqual([
        ['schedule-manager', 'permanent', failed.detail.runId],
      ]);
      const dlqUrl = (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: names.deadLetterQueueName('schedule-manager') })))
        .QueueUrl;
      const copy = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: dlqUrl, MessageAttributeNames: ['All'], VisibilityTimeout: 0, MaxNumberOfMessages: 10 }),
      );
      expect(copy.Messages).toHaveLength(1);
      expect(copy.Messages?.[0]?.MessageAttributes?.['recops.failure-reason']?.StringValue).toContain('scheduler:CreateSchedule');

      // Act: the grant is restored, the DLQ redriven to the service's queue.
      const full = SERVICES.find((s) => s.name === 'schedule-manager') as ServiceDefinition;
      cloud.iam?.register(runner.servicePrincipal(full, names, cloud.stage));
      const arnOf = async (name: string) => {
        const url = (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
        const attributes = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
        return attributes.Attributes?.QueueArn as string;
      };
      await clients.sqs.send(
        new StartMessageMoveTaskCommand({
          SourceArn: await arnOf(names.deadLetterQueueName('schedule-manager')),
          DestinationArn: await arnOf(names.queueName('schedule-manager')),
        }),
      );
      const completed = await pipeline.waitFor(['Pipeline Completed'], RUN_TIMEOUT_MS);

      // Assess: the same run completes; its schedules exist now.
      expect(completed.detail.runId).toBe(failed.detail.runId);
      expect(pipeline.events.filter((e) => e.detailType === 'Message Recovered').map((e) => e.detail.service)).toEqual([
        'schedule-manager',
      ]);
      const schedules = await clients.scheduler.send(new ListSchedulesCommand({ GroupName: names.schedulerGroupName }));
      expect(schedules.Schedules?.length ?? 0).toBeGreaterThan(0);
      expect(pipeline.events.filter((e) => e.detailType === 'Pipeline Failed')).toHaveLength(1);
    },
    2 * RUN_TIMEOUT_MS + 30_000,
  );

  it(
    "puts the run tracker's own AccessDenied on the bus as Message Dead-Lettered with the reason",
    async () => {
      pipeline = await startPipelineCloud(manifestWithout('run-tracker', 's3:ListBucket'));
      await uploadSeedExample(pipeline);
      const dead = await pipeline.waitFor(['Message Dead-Lettered'], RUN_TIMEOUT_MS);
      expect(dead.detail).toMatchObject({ service: 'run-tracker', step: 'tracking', cause: 'permanent' });
      expect(dead.detail.reason).toMatch(/^AccessDenied: .*recops-local-run-tracker.* is not authorized to perform: s3:ListBucket/);
    },
    RUN_TIMEOUT_MS + 30_000,
  );
});
