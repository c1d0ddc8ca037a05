import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  ConflictException,
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  SchedulerClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientConfig, startBus, tempDir, type BusHarness } from '../sqs/harness';

const ROLE = 'arn:aws:iam::000000000000:role/recops-scheduler';
const BUS_ARN = 'arn:aws:events:us-east-1:000000000000:event-bus/recops-sched';

/** `at()` text for a moment `ms` from now (Scheduler's at() has second precision). */
const atIn = (ms: number): string => `at(${new Date(Date.now() + ms).toISOString().slice(0, 19)})`;

describe('Service: local EventBridge Scheduler (REST-JSON, SDK v3)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cloud: BusHarness;
  let scheduler: SchedulerClient;
  let events: EventBridgeClient;
  let sqs: SQSClient;
  let queueUrl: string;

  beforeAll(async () => {
    dir = await tempDir('recops-scheduler-');
    cloud = await startBus(dir.dir);
    scheduler = new SchedulerClient(clientConfig(cloud.endpoint));
    events = new EventBridgeClient(clientConfig(cloud.endpoint));
    sqs = new SQSClient(clientConfig(cloud.endpoint));
    await events.send(new CreateEventBusCommand({ Name: 'recops-sched' }));
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'fired' }))).QueueUrl!;
    await events.send(
      new PutRuleCommand({ Name: 'schedule-fired', EventBusName: 'recops-sched', EventPattern: '{"detail-type":["Schedule Fired"]}' }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'schedule-fired',
        EventBusName: 'recops-sched',
        Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:fired' }],
      }),
    );
  });

  afterAll(async () => {
    scheduler.destroy();
    events.destroy();
    sqs.destroy();
    await cloud.close();
    await dir.remove();
  });

  const busTarget = (detail: unknown) => ({
    Arn: BUS_ARN,
    RoleArn: ROLE,
    Input: JSON.stringify(detail),
    EventBridgeParameters: { Source: 'recops.scheduler', DetailType: 'Schedule Fired' },
  });

  it('creates, gets, updates, lists and deletes schedules in groups', async () => {
    const group = await scheduler.send(new CreateScheduleGroupCommand({ Name: 'recops', Tags: [{ Key: 'team', Value: 'ml' }] }));
    expect(group.ScheduleGroupArn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule-group/recops');
    await expect(scheduler.send(new CreateScheduleGroupCommand({ Name: 'recops' }))).rejects.toBeInstanceOf(ConflictException);
    expect((await scheduler.send(new GetScheduleGroupCommand({ Name: 'recops' }))).State).toBe('ACTIVE');
    expect((await scheduler.send(new ListScheduleGroupsCommand({}))).ScheduleGroups?.map((g) => g.Name)).toEqual(['default', 'recops']);

    const created = await scheduler.send(
      new CreateScheduleCommand({
        Name: 'nightly-retrain',
        GroupName: 'recops',
        ScheduleExpression: 'cron(0 3 * * ? *)',
        ScheduleExpressionTimezone: 'Europe/Paris',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: busTarget({ kind: 'full' }),
      }),
    );
    expect(created.ScheduleArn).toBe('arn:aws:scheduler:us-east-1:000000000000:schedule/recops/nightly-retrain');
    await expect(
      scheduler.send(
        new CreateScheduleCommand({
          Name: 'nightly-retrain',
          GroupName: 'recops',
          ScheduleExpression: 'rate(1 day)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: busTarget({}),
        }),
      ),
    ).rejects.toBeInstanceOf(ConflictException);

    const got = await scheduler.send(new GetScheduleCommand({ Name: 'nightly-retrain', GroupName: 'recops' }));
    expect(got).toMatchObject({
      Name: 'nightly-retrain',
      GroupName: 'recops',
      State: 'ENABLED',
      ScheduleExpressionTimezone: 'Europe/Paris',
    });
    expect(got.Target?.EventBridgeParameters).toEqual({ Source: 'recops.scheduler', DetailType: 'Schedule Fired' });
    expect(got.CreationDate).toBeInstanceOf(Date);

    await scheduler.send(
      new UpdateScheduleCommand({
        Name: 'nightly-retrain',
        GroupName: 'recops',
        ScheduleExpression: 'rate(12 hours)',
        FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
        Target: busTarget({ kind: 'update' }),
        State: 'DISABLED',
      }),
    );
    const updated = await scheduler.send(new GetScheduleCommand({ Name: 'nightly-retrain', GroupName: 'recops' }));
    expect(updated).toMatchObject({
      ScheduleExpression: 'rate(12 hours)',
      State: 'DISABLED',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
    });

    const listed = await scheduler.send(new ListSchedulesCommand({ GroupName: 'recops' }));
    expect(listed.Schedules?.map((schedule) => [schedule.Name, schedule.State, schedule.Target?.Arn])).toEqual([
      ['nightly-retrain', 'DISABLED', BUS_ARN],
    ]);
    expect((await scheduler.send(new ListSchedulesCommand({ State: 'ENABLED', NamePrefix: 'nightly' }))).Schedules).toEqual([]);

    await scheduler.send(new DeleteScheduleCommand({ Name: 'nightly-retrain', GroupName: 'recops' }));
    await expect(scheduler.send(new GetScheduleCommand({ Name: 'nightly-retrain', GroupName: 'recops' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('tags schedule groups and deletes a group with its schedules', async () => {
    const arn = 'arn:aws:scheduler:us-east-1:000000000000:schedule-group/recops';
    await scheduler.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'stage', Value: 'local' }] }));
    await scheduler.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['team'] }));
    expect((await scheduler.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags).toEqual([{ Key: 'stage', Value: 'local' }]);
    await scheduler.send(
      new CreateScheduleCommand({
        Name: 'doomed',
        GroupName: 'recops',
        ScheduleExpression: 'rate(5 minutes)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: busTarget({}),
      }),
    );
    await scheduler.send(new DeleteScheduleGroupCommand({ Name: 'recops' }));
    await expect(scheduler.send(new GetScheduleGroupCommand({ Name: 'recops' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(scheduler.send(new ListSchedulesCommand({ GroupName: 'recops' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it.each([
    ['a malformed cron', { ScheduleExpression: 'cron(0 3 * * * *)' }, /exactly one of day-of-month and day-of-week/],
    ['a missing flexible window mode', { FlexibleTimeWindow: {} }, /FlexibleTimeWindow.Mode/],
    ['a bus target without EventBridgeParameters', { Target: { Arn: BUS_ARN, RoleArn: ROLE } }, /EventBridgeParameters/],
    ['a non-object Input for a bus', { Target: { ...busTarget({}), Input: '"text"' } }, /Input must be a JSON object/],
    [
      'an unsupported target',
      { Target: { Arn: 'arn:aws:lambda:us-east-1:000000000000:function:f', RoleArn: ROLE } },
      /event bus and SQS queue targets only/,
    ],
  ])('rejects %s with a ValidationException naming the field', async (_label, override, message) => {
    const error = await scheduler
      .send(
        new CreateScheduleCommand({
          Name: 'invalid',
          ScheduleExpression: 'rate(1 hour)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: busTarget({}),
          ...(override as object),
        }),
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toMatch(message);
  });

  it('fires an at() schedule on time: the event lands on the bus with Input as detail and the schedule ARN as resource', async () => {
    await scheduler.send(
      new CreateScheduleCommand({
        Name: 'soon',
        ScheduleExpression: atIn(1500),
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: busTarget({ kind: 'import', datasetGroupName: 'shop' }),
        ActionAfterCompletion: 'DELETE',
      }),
    );
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 10 }));
    const event = JSON.parse(received.Messages![0]!.Body!) as Record<string, unknown>;
    expect(event).toMatchObject({
      source: 'recops.scheduler',
      'detail-type': 'Schedule Fired',
      detail: { kind: 'import', datasetGroupName: 'shop' },
      resources: ['arn:aws:scheduler:us-east-1:000000000000:schedule/default/soon'],
    });
    expect(cloud.log).toContainEqual({
      kind: 'scheduler.fired',
      data: expect.objectContaining({ schedule: 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/soon', ok: true }),
    });
    // ActionAfterCompletion DELETE removes the one-time schedule after it ran.
    await expect(scheduler.send(new GetScheduleCommand({ Name: 'soon' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('replaces context attributes in Input per firing: schedule ARN, scheduled time, a fresh execution id, attempt 1', async () => {
    const contextUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'fired-context' }))).QueueUrl!;
    await events.send(
      new PutRuleCommand({ Name: 'schedule-context', EventBusName: 'recops-sched', EventPattern: '{"detail-type":["Schedule Context"]}' }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'schedule-context',
        EventBusName: 'recops-sched',
        Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:fired-context' }],
      }),
    );
    const target = {
      ...busTarget({
        runId: '<aws.scheduler.execution-id>',
        firedAt: '<aws.scheduler.scheduled-time>',
        schedule: '<aws.scheduler.schedule-arn>',
        attempt: '<aws.scheduler.attempt-number>',
        note: 'run <aws.scheduler.execution-id> of <aws.scheduler.schedule-arn>',
      }),
      EventBridgeParameters: { Source: 'recops.scheduler', DetailType: 'Schedule Context' },
    };
    const receiveDetail = async (): Promise<Record<string, string>> => {
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: contextUrl, WaitTimeSeconds: 10 }));
      return (JSON.parse(received.Messages![0]!.Body!) as { detail: Record<string, string> }).detail;
    };
    const arn = 'arn:aws:scheduler:us-east-1:000000000000:schedule/default/with-context';

    const firstAt = atIn(1200);
    await scheduler.send(
      new CreateScheduleCommand({ Name: 'with-context', ScheduleExpression: firstAt, FlexibleTimeWindow: { Mode: 'OFF' }, Target: target }),
    );
    const first = await receiveDetail();
    expect(first).toEqual({
      runId: expect.stringMatching(/^[a-z0-9]{16}$/),
      firedAt: `${firstAt.slice(3, -1)}Z`,
      schedule: arn,
      attempt: '1',
      note: `run ${first.runId} of ${arn}`,
    });

    // The same schedule, moved to a later time, fires again with its own execution id.
    const secondAt = atIn(1200);
    await scheduler.send(
      new UpdateScheduleCommand({
        Name: 'with-context',
        ScheduleExpression: secondAt,
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: target,
      }),
    );
    const second = await receiveDetail();
    expect(second).toMatchObject({ firedAt: `${secondAt.slice(3, -1)}Z`, schedule: arn, attempt: '1' });
    expect(second.runId).toMatch(/^[a-z0-9]{16}$/);
    expect(second.runId).not.toBe(first.runId);
    // The stored target keeps the keywords; only the delivered input carries values.
    expect((await scheduler.send(new GetScheduleCommand({ Name: 'with-context' }))).Target?.Input).toContain(
      '<aws.scheduler.execution-id>',
    );
    await scheduler.send(new DeleteScheduleCommand({ Name: 'with-context' }));
  });

  it('fires a one-time schedule that came due while the cloud was down, once, after a restart', async () => {
    const restartDir = await tempDir('recops-scheduler-restart-');
    try {
      let local = await startBus(restartDir.dir);
      let client = new SchedulerClient(clientConfig(local.endpoint));
      let queues = new SQSClient(clientConfig(local.endpoint));
      const url = (await queues.send(new CreateQueueCommand({ QueueName: 'later' }))).QueueUrl!;
      await client.send(
        new CreateScheduleCommand({
          Name: 'while-down',
          ScheduleExpression: atIn(1000),
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: { Arn: 'arn:aws:sqs:us-east-1:000000000000:later', RoleArn: ROLE, Input: '{"hello":"queue"}' },
        }),
      );
      client.destroy();
      queues.destroy();
      await local.close();
      await new Promise((resolve) => setTimeout(resolve, 1500));

      local = await startBus(restartDir.dir);
      client = new SchedulerClient(clientConfig(local.endpoint));
      queues = new SQSClient(clientConfig(local.endpoint));
      const localUrl = `${local.endpoint}${new URL(url).pathname}`;
      const received = await queues.send(new ReceiveMessageCommand({ QueueUrl: localUrl, WaitTimeSeconds: 5, VisibilityTimeout: 0 }));
      expect(received.Messages?.[0]?.Body).toBe('{"hello":"queue"}');
      // Still there (ActionAfterCompletion NONE), and it does not fire again.
      expect((await client.send(new GetScheduleCommand({ Name: 'while-down' }))).Name).toBe('while-down');
      client.destroy();
      queues.destroy();
      await local.close();
      local = await startBus(restartDir.dir);
      queues = new SQSClient(clientConfig(local.endpoint));
      const again = await queues.send(
        new ReceiveMessageCommand({ QueueUrl: `${local.endpoint}${new URL(url).pathname}`, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      expect(again.Messages?.map((message) => message.Body)).toEqual(['{"hello":"queue"}']);
      queues.destroy();
      await local.close();
    } finally {
      await restartDir.remove();
    }
  });
});
