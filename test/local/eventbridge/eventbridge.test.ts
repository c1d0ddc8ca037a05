import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  InvalidEventPatternException,
  LimitExceededException,
  ListEventBusesCommand,
  ListRuleNamesByTargetCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  TagResourceCommand,
  TestEventPatternCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientConfig, startBus, tempDir, type BusHarness } from '../sqs/harness';

describe('Service: local EventBridge (JSON 1.1, SDK v3)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cloud: BusHarness;
  let events: EventBridgeClient;
  let sqs: SQSClient;

  beforeAll(async () => {
    dir = await tempDir('recops-events-');
    cloud = await startBus(dir.dir);
    events = new EventBridgeClient(clientConfig(cloud.endpoint));
    sqs = new SQSClient(clientConfig(cloud.endpoint));
  });

  afterAll(async () => {
    events.destroy();
    sqs.destroy();
    await cloud.close();
    await dir.remove();
  });

  const queueWithArn = async (name: string): Promise<{ url: string; arn: string }> => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    return { url, arn };
  };

  it('creates, describes, lists and deletes custom buses', async () => {
    const created = await events.send(new CreateEventBusCommand({ Name: 'recops-local', Description: 'test bus' }));
    expect(created.EventBusArn).toBe('arn:aws:events:us-east-1:000000000000:event-bus/recops-local');
    await expect(events.send(new CreateEventBusCommand({ Name: 'recops-local' }))).rejects.toBeInstanceOf(ResourceAlreadyExistsException);
    const described = await events.send(new DescribeEventBusCommand({ Name: 'recops-local' }));
    expect(described).toMatchObject({ Name: 'recops-local', Description: 'test bus' });
    expect(described.CreationTime).toBeInstanceOf(Date);
    expect((await events.send(new DescribeEventBusCommand({}))).Name).toBe('default');
    await expect(events.send(new DescribeEventBusCommand({ Name: 'ghost' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await events.send(new CreateEventBusCommand({ Name: 'short-lived' }));
    const listed = await events.send(new ListEventBusesCommand({}));
    expect(listed.EventBuses?.map((bus) => bus.Name)).toEqual(['default', 'recops-local', 'short-lived']);
    await events.send(new DeleteEventBusCommand({ Name: 'short-lived' }));
    expect((await events.send(new ListEventBusesCommand({ NamePrefix: 'short' }))).EventBuses).toEqual([]);
  });

  it('routes a matching event to an SQS target with the event JSON as the body', async () => {
    const queue = await queueWithArn('intake');
    await events.send(
      new PutRuleCommand({
        Name: 'pipeline-requested',
        EventBusName: 'recops-local',
        EventPattern: JSON.stringify({ source: ['recops'], 'detail-type': ['Pipeline Requested'], detail: { stage: [{ prefix: 'loc' }] } }),
      }),
    );
    const put = await events.send(
      new PutTargetsCommand({ Rule: 'pipeline-requested', EventBusName: 'recops-local', Targets: [{ Id: 'intake', Arn: queue.arn }] }),
    );
    expect(put.FailedEntryCount).toBe(0);

    const result = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'recops-local',
            Source: 'recops',
            DetailType: 'Pipeline Requested',
            Detail: JSON.stringify({ runId: 'r1', stage: 'local' }),
          },
          {
            EventBusName: 'recops-local',
            Source: 'recops',
            DetailType: 'Pipeline Requested',
            Detail: JSON.stringify({ runId: 'r2', stage: 'prod' }),
          },
          { EventBusName: 'recops-local', Source: 'recops', DetailType: 'Other', Detail: '{}' },
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries?.every((entry) => typeof entry.EventId === 'string')).toBe(true);

    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10 }));
    expect(received.Messages).toHaveLength(1);
    const event = JSON.parse(received.Messages![0]!.Body!) as Record<string, unknown>;
    expect(event).toMatchObject({
      version: '0',
      id: result.Entries![0]!.EventId,
      'detail-type': 'Pipeline Requested',
      source: 'recops',
      account: '000000000000',
      region: 'us-east-1',
      resources: [],
      detail: { runId: 'r1', stage: 'local' },
    });
    expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // Every event and every delivery is logged.
    const logged = cloud.log.filter((entry) => entry.kind === 'bus.event').map((entry) => (entry.data.event as { id: string }).id);
    expect(logged).toEqual(expect.arrayContaining(result.Entries!.map((entry) => entry.EventId)));
    expect(cloud.log).toContainEqual({
      kind: 'bus.delivery',
      data: expect.objectContaining({ rule: 'pipeline-requested', targetArn: queue.arn, eventId: result.Entries![0]!.EventId, ok: true }),
    });
  });

  it('applies Input, InputPath and InputTransformer to target bodies', async () => {
    const constant = await queueWithArn('constant');
    const path = await queueWithArn('path');
    const transformed = await queueWithArn('transformed');
    await events.send(new PutRuleCommand({ Name: 'shaped', EventPattern: JSON.stringify({ source: ['shape'] }) }));
    await events.send(
      new PutTargetsCommand({
        Rule: 'shaped',
        Targets: [
          { Id: 'constant', Arn: constant.arn, Input: '{"fixed":true}' },
          { Id: 'path', Arn: path.arn, InputPath: '$.detail' },
          {
            Id: 'transformed',
            Arn: transformed.arn,
            InputTransformer: { InputPathsMap: { run: '$.detail.runId', n: '$.detail.n' }, InputTemplate: '{"run": "<run>", "n": <n>}' },
          },
        ],
      }),
    );
    await events.send(new PutEventsCommand({ Entries: [{ Source: 'shape', DetailType: 'x', Detail: '{"runId":"r9","n":3}' }] }));
    const body = async (url: string): Promise<unknown> =>
      JSON.parse((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages![0]!.Body!);
    expect(await body(constant.url)).toEqual({ fixed: true });
    expect(await body(path.url)).toEqual({ runId: 'r9', n: 3 });
    expect(await body(transformed.url)).toEqual({ run: 'r9', n: 3 });
  });

  it('reports per-entry errors the way PutEvents does and rejects more than 10 entries', async () => {
    const result = await events.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'ok', DetailType: 'fine', Detail: '{}' },
          { DetailType: 'no source', Detail: '{}' },
          { Source: 'x', Detail: '{}' },
          { Source: 'x', DetailType: 'no detail' },
          { Source: 'x', DetailType: 'bad', Detail: '{not json' },
          { Source: 'aws.s3', DetailType: 'reserved', Detail: '{}' },
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(5);
    expect(result.Entries?.map((entry) => entry.ErrorCode)).toEqual([
      undefined,
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
      'MalformedDetail',
      'NotAuthorizedForSourceException',
    ]);
    expect(result.Entries?.[1]?.ErrorMessage).toBe('Parameter Source is not valid. Reason: Source is a required argument.');
    await expect(
      events.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' })) })),
    ).rejects.toThrow(/less than or equal to 10/);
    const big = 'x'.repeat(200 * 1024);
    await expect(
      events.send(
        new PutEventsCommand({
          Entries: [
            { Source: 's', DetailType: 'd', Detail: JSON.stringify({ big }) },
            { Source: 's', DetailType: 'd', Detail: JSON.stringify({ big }) },
          ],
        }),
      ),
    ).rejects.toThrow(/Total size of the entries/);
  });

  it('accepts events for a bus that does not exist and logs the drop, as EventBridge does', async () => {
    const result = await events.send(
      new PutEventsCommand({ Entries: [{ EventBusName: 'nowhere', Source: 's', DetailType: 'd', Detail: '{}' }] }),
    );
    expect(result.FailedEntryCount).toBe(0);
    expect(cloud.log).toContainEqual({
      kind: 'bus.event',
      data: expect.objectContaining({ bus: 'nowhere', dropped: 'event bus nowhere does not exist' }),
    });
  });

  it('describes, lists, disables, enables and deletes rules and targets', async () => {
    const queue = await queueWithArn('rules-q');
    await events.send(
      new PutRuleCommand({ Name: 'r-one', EventBusName: 'recops-local', EventPattern: '{"source":["a"]}', Description: 'first' }),
    );
    await events.send(new PutRuleCommand({ Name: 'r-two', EventBusName: 'recops-local', EventPattern: '{"source":["b"]}' }));
    const described = await events.send(new DescribeRuleCommand({ Name: 'r-one', EventBusName: 'recops-local' }));
    expect(described).toMatchObject({
      Name: 'r-one',
      Arn: 'arn:aws:events:us-east-1:000000000000:rule/recops-local/r-one',
      EventPattern: '{"source":["a"]}',
      State: 'ENABLED',
      Description: 'first',
      EventBusName: 'recops-local',
    });
    const page = await events.send(new ListRulesCommand({ EventBusName: 'recops-local', NamePrefix: 'r-', Limit: 1 }));
    expect(page.Rules?.map((rule) => rule.Name)).toEqual(['r-one']);
    const rest = await events.send(new ListRulesCommand({ EventBusName: 'recops-local', NamePrefix: 'r-', NextToken: page.NextToken }));
    expect(rest.Rules?.map((rule) => rule.Name)).toEqual(['r-two']);

    await events.send(new PutTargetsCommand({ Rule: 'r-one', EventBusName: 'recops-local', Targets: [{ Id: 'q', Arn: queue.arn }] }));
    expect((await events.send(new ListTargetsByRuleCommand({ Rule: 'r-one', EventBusName: 'recops-local' }))).Targets).toEqual([
      { Id: 'q', Arn: queue.arn },
    ]);
    expect((await events.send(new ListRuleNamesByTargetCommand({ TargetArn: queue.arn, EventBusName: 'recops-local' }))).RuleNames).toEqual(
      ['r-one'],
    );

    await events.send(new DisableRuleCommand({ Name: 'r-one', EventBusName: 'recops-local' }));
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'recops-local', Source: 'a', DetailType: 'd', Detail: '{}' }] }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url }))).Messages ?? []).toHaveLength(0);
    await events.send(new EnableRuleCommand({ Name: 'r-one', EventBusName: 'recops-local' }));
    await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'recops-local', Source: 'a', DetailType: 'd', Detail: '{}' }] }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url }))).Messages).toHaveLength(1);

    await expect(events.send(new DeleteRuleCommand({ Name: 'r-one', EventBusName: 'recops-local' }))).rejects.toThrow(/has targets/);
    const removed = await events.send(new RemoveTargetsCommand({ Rule: 'r-one', EventBusName: 'recops-local', Ids: ['q'] }));
    expect(removed.FailedEntryCount).toBe(0);
    await events.send(new DeleteRuleCommand({ Name: 'r-one', EventBusName: 'recops-local' }));
    await expect(events.send(new DescribeRuleCommand({ Name: 'r-one', EventBusName: 'recops-local' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('refuses invalid patterns, unsupported targets and a sixth target', async () => {
    await expect(events.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source":"not-an-array"}' }))).rejects.toBeInstanceOf(
      InvalidEventPatternException,
    );
    await events.send(new PutRuleCommand({ Name: 'many', EventPattern: '{"source":["m"]}' }));
    const lambda = await events.send(
      new PutTargetsCommand({ Rule: 'many', Targets: [{ Id: 'fn', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:f' }] }),
    );
    expect(lambda.FailedEntries?.[0]).toMatchObject({ TargetId: 'fn', ErrorCode: 'ValidationException' });
    const queue = await queueWithArn('many-q');
    await events.send(
      new PutTargetsCommand({ Rule: 'many', Targets: Array.from({ length: 5 }, (_, i) => ({ Id: `t${i}`, Arn: queue.arn })) }),
    );
    await expect(events.send(new PutTargetsCommand({ Rule: 'many', Targets: [{ Id: 't5', Arn: queue.arn }] }))).rejects.toBeInstanceOf(
      LimitExceededException,
    );
  });

  it('tests patterns with TestEventPattern', async () => {
    const event = JSON.stringify({
      id: '1',
      account: '000000000000',
      source: 'recops',
      time: '2026-01-01T00:00:00Z',
      region: 'us-east-1',
      'detail-type': 'Campaign Status Changed',
      detail: { status: 'ACTIVE', attempts: 3 },
    });
    const yes = await events.send(
      new TestEventPatternCommand({ EventPattern: '{"detail":{"status":["ACTIVE"],"attempts":[{"numeric":[">",2]}]}}', Event: event }),
    );
    expect(yes.Result).toBe(true);
    const no = await events.send(
      new TestEventPatternCommand({ EventPattern: '{"detail":{"status":[{"anything-but":"ACTIVE"}]}}', Event: event }),
    );
    expect(no.Result).toBe(false);
    await expect(events.send(new TestEventPatternCommand({ EventPattern: '{"source":[]}', Event: event }))).rejects.toBeInstanceOf(
      InvalidEventPatternException,
    );
    await expect(events.send(new TestEventPatternCommand({ EventPattern: '{"source":["x"]}', Event: '{"source":"x"}' }))).rejects.toThrow(
      /missing required field id/,
    );
  });

  it('tags buses and rules', async () => {
    const arn = 'arn:aws:events:us-east-1:000000000000:event-bus/recops-local';
    await events.send(
      new TagResourceCommand({
        ResourceARN: arn,
        Tags: [
          { Key: 'team', Value: 'ml' },
          { Key: 'x', Value: 'y' },
        ],
      }),
    );
    await events.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['x'] }));
    expect((await events.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags).toEqual([{ Key: 'team', Value: 'ml' }]);
  });

  it('keeps buses, rules and targets across a restart', async () => {
    const restartDir = await tempDir('recops-events-restart-');
    try {
      let local = await startBus(restartDir.dir);
      let client = new EventBridgeClient(clientConfig(local.endpoint));
      let queues = new SQSClient(clientConfig(local.endpoint));
      const url = (await queues.send(new CreateQueueCommand({ QueueName: 'after-restart' }))).QueueUrl!;
      await client.send(new CreateEventBusCommand({ Name: 'durable' }));
      await client.send(new PutRuleCommand({ Name: 'keep', EventBusName: 'durable', EventPattern: '{"source":["k"]}' }));
      await client.send(
        new PutTargetsCommand({
          Rule: 'keep',
          EventBusName: 'durable',
          Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:after-restart' }],
        }),
      );
      client.destroy();
      queues.destroy();
      await local.close();

      local = await startBus(restartDir.dir);
      client = new EventBridgeClient(clientConfig(local.endpoint));
      queues = new SQSClient(clientConfig(local.endpoint));
      await client.send(
        new PutEventsCommand({ Entries: [{ EventBusName: 'durable', Source: 'k', DetailType: 'd', Detail: '{"after":true}' }] }),
      );
      const received = await queues.send(
        new ReceiveMessageCommand({ QueueUrl: url.replace(/:\d+\//, `:${new URL(local.endpoint).port}/`) }),
      );
      expect(JSON.parse(received.Messages![0]!.Body!).detail).toEqual({ after: true });
      client.destroy();
      queues.destroy();
      await local.close();
    } finally {
      await restartDir.remove();
    }
  });
});
