import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import type { EventLogEntry } from '@recops/local';
import { HandlerLoadError, ManifestError, startRunner } from '../../../packages/local/src/runner';
import type { Delivery } from '../../../packages/local/src/runner';
import type { QueueSettings, ServiceDefinition } from '@recops/platform';
import { SERVICES } from '@recops/services/manifest';
import { topologyFromManifest } from '@recops/platform';
import { clientConfig, tempDir } from '../sqs/harness';

const FIXTURES = 'test/local/runner/fixtures/handlers';
const STAGE = 'test';
const BUS = `recops-${STAGE}`;
const BUCKET = `recops-${STAGE}-data`;

const fastQueue = (settings: Partial<QueueSettings> = {}): QueueSettings => ({
  batchSize: 10,
  batchingWindowSeconds: 1,
  visibilityTimeoutSeconds: 1,
  maxReceiveCount: 2,
  dlqRetentionSeconds: 1_209_600,
  ...settings,
});

const service = (name: string, handler: string, detailType: string, queue: QueueSettings): ServiceDefinition => ({
  name,
  handler: `${FIXTURES}.${handler}`,
  timeoutSeconds: 1,
  memoryMB: 128,
  subscriptions: [{ source: ['test.runner'], 'detail-type': [detailType] }],
  queue,
  s3Triggers: [],
  permissions: [],
});

const manifest: ServiceDefinition[] = [
  // The visibility timeout outlasts the batching window, or a record could come back while still being batched.
  service('partial', 'partial', 'Work', fastQueue({ visibilityTimeoutSeconds: 2 })),
  service('quirks', 'quirks', 'Quirk', fastQueue({ batchSize: 1, batchingWindowSeconds: 0, maxReceiveCount: 1 })),
  service('echo', 'echo', 'Echo', fastQueue({ batchSize: 1, batchingWindowSeconds: 0, visibilityTimeoutSeconds: 2 })),
  {
    name: 'uploads',
    handler: `${FIXTURES}.onUpload`,
    timeoutSeconds: 5,
    memoryMB: 128,
    subscriptions: [],
    s3Triggers: [{ prefix: 'in/', suffix: '.json' }],
    permissions: [],
  },
];

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const deliveriesOf = (entries: readonly EventLogEntry[], serviceName: string): Delivery[] =>
  entries
    .filter((entry) => entry.kind === 'delivery' && entry.data.service === serviceName)
    .map((entry) => entry.data as unknown as Delivery);

describe('Runner: services from the manifest in the local cloud', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cloud: LocalCloud;
  let entries: EventLogEntry[];
  let events: EventBridgeClient;
  let sqs: SQSClient;
  let s3: S3Client;

  beforeAll(async () => {
    dir = await tempDir('recops-runner-');
    cloud = await createLocalCloud({ dataDir: dir.dir, stage: STAGE, manifest });
    entries = [];
    cloud.eventLog.subscribe((entry) => entries.push(entry));
    events = new EventBridgeClient(clientConfig(cloud.endpoint));
    // The redrive test waits several seconds between calls: a keep-alive socket the server closed
    // meanwhile (after 5 s idle) answers ECONNRESET, which the SDK retries when allowed to.
    sqs = new SQSClient({ ...clientConfig(cloud.endpoint), maxAttempts: 3 });
    s3 = new S3Client({ ...clientConfig(cloud.endpoint), forcePathStyle: true });
  });

  afterEach(() => {
    delete process.env.RECOPS_TEST_HEAL;
  });

  afterAll(async () => {
    events.destroy();
    sqs.destroy();
    s3.destroy();
    await cloud.close();
    await dir.remove();
  });

  const put = (detailType: string, details: readonly Record<string, unknown>[]) =>
    events.send(
      new PutEventsCommand({
        Entries: details.map((detail) => ({
          EventBusName: BUS,
          Source: 'test.runner',
          DetailType: detailType,
          Detail: JSON.stringify(detail),
        })),
      }),
    );

  const readJson = async (key: string): Promise<Record<string, unknown>> =>
    JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString()) as Record<
      string,
      unknown
    >;

  it('builds the topology the manifest describes (queues, DLQs, rules, triggers, environment)', () => {
    expect(cloud.runner?.topology()).toEqual(topologyFromManifest(manifest));
  });

  it('returns only the failed record of a batch of 10, dead-letters it after maxReceiveCount, redelivers nothing else, and redrive brings it back', async () => {
    const result = await put(
      'Work',
      Array.from({ length: 10 }, (_, index) => ({ id: `w${index}`, fail: index === 3 })),
    );
    expect(result.FailedEntryCount).toBe(0);
    const dlqUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'recops-test-partial-dlq' }))).QueueUrl!;

    const deadLettered = await waitFor('the failing record in the DLQ', () =>
      entries.find((entry) => entry.kind === 'sqs.dead-lettered' && entry.data.queue === 'recops-test-partial'),
    );
    const poison = deadLettered.data.messageId as string;
    const deliveries = deliveriesOf(entries, 'partial');
    // The first invocation got all ten records and reported exactly one failure.
    expect(deliveries[0]?.messageIds).toHaveLength(10);
    // Deliveries name the bus events they carried, so a timeline can join them to `bus.event` entries.
    expect([...(deliveries[0]?.eventIds ?? [])].sort()).toEqual(result.Entries!.map((entry) => entry.EventId!).sort());
    expect(deliveries[0]).toMatchObject({ outcome: 'partial', failedMessageIds: [poison] });
    // Every later invocation got only the failed record: nothing else came back. The queue redrives
    // after maxReceiveCount + 1 receives (redriveMaxReceiveCount): this fixture handler is not built
    // on the runtime, which dead-letters a record itself one delivery earlier.
    expect(deliveries.slice(1).map((delivery) => delivery.messageIds)).toEqual([[poison], [poison]]);
    expect(deliveries.filter((delivery) => delivery.messageIds?.includes(poison))).toHaveLength(3);
    const attributes = async (url: string) =>
      (
        await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        )
      ).Attributes;
    expect(await attributes(dlqUrl)).toEqual({ ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '0' });
    expect(await attributes(cloud.runner!.queueUrl('partial')!)).toEqual({
      ApproximateNumberOfMessages: '0',
      ApproximateNumberOfMessagesNotVisible: '0',
    });

    // Fix the cause, redrive the DLQ: the record is delivered again and succeeds.
    process.env.RECOPS_TEST_HEAL = '1';
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!
      .QueueArn!;
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    const redelivered = await waitFor('the redriven record delivered', () =>
      deliveriesOf(entries, 'partial').find((delivery) => delivery.outcome === 'succeeded' && delivery.messageIds?.includes(poison)),
    );
    expect(redelivered.messageIds).toEqual([poison]);
    expect(await attributes(dlqUrl)).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it('fails the whole batch on a timeout or on a batchItemFailures entry outside the batch', async () => {
    await put('Quirk', [{ sleepMs: 1500 }]);
    const timedOut = await waitFor('a timed-out delivery', () =>
      deliveriesOf(entries, 'quirks').find((delivery) => delivery.error?.includes('Task timed out')),
    );
    expect(timedOut).toMatchObject({ outcome: 'failed', error: 'Task timed out after 1.00 seconds' });
    await put('Quirk', [{ bogus: true }]);
    const bogus = await waitFor('a bogus partial response', () =>
      deliveriesOf(entries, 'quirks').find((delivery) => delivery.error?.includes('not-in-this-batch')),
    );
    expect(bogus.outcome).toBe('failed');
    expect(bogus.failedMessageIds).toEqual(bogus.messageIds);
  });

  it('gives handlers the runtime environment and an SDK that reaches the local cloud', async () => {
    await put('Echo', [{ id: 'env-check' }]);
    const echoed = await waitFor('the echo object', () => readJson('echo/env-check.json').catch(() => undefined));
    expect(echoed.eventSourceARN).toBe('arn:aws:sqs:us-east-1:000000000000:recops-test-echo');
    expect(echoed.env).toMatchObject({
      AWS_ENDPOINT_URL: cloud.endpoint,
      AWS_REGION: 'us-east-1',
      RECOPS_STAGE: STAGE,
      RECOPS_BUS_NAME: BUS,
      RECOPS_BUCKET_NAME: BUCKET,
      RECOPS_QUEUE_URL: cloud.runner!.queueUrl('echo'),
      RECOPS_SCHEDULER_GROUP: 'recops-test-schedules',
      RECOPS_SCHEDULER_ROLE_ARN: 'arn:aws:iam::000000000000:role/recops-test-scheduler',
      RECOPS_PERSONALIZE_ROLE_ARN: 'arn:aws:iam::000000000000:role/recops-test-personalize',
    });
  });

  it('invokes S3-triggered functions for objects matching the prefix and suffix only', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'in/config.json', Body: '{}' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'in/notes.txt', Body: 'x' }));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'other/config.json', Body: '{}' }));
    const copied = await waitFor('the S3-triggered output', () => readJson('out/in/config.json.json').catch(() => undefined));
    expect(copied).toEqual({ eventName: 'ObjectCreated:Put', configurationId: 'uploads-0' });
    await cloud.s3.notificationsSettled();
    const outputs = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'out/' }));
    expect(outputs.Contents?.map((object) => object.Key)).toEqual(['out/in/config.json.json']);
    expect(deliveriesOf(entries, 'uploads')).toEqual([
      expect.objectContaining({ source: 's3', outcome: 'succeeded', bucket: BUCKET, key: 'in/config.json' }),
    ]);
  });

  it('retries a failing S3-triggered invocation twice, like an asynchronous Lambda invocation', async () => {
    const log: { kind: string; data: Record<string, unknown> }[] = [];
    const flaky: ServiceDefinition = {
      ...manifest[3]!,
      name: 'flaky',
      handler: `${FIXTURES}.flakyUpload`,
      s3Triggers: [{ prefix: 'flaky/' }],
    };
    const runner = await startRunner({
      manifest: [flaky],
      endpoint: cloud.endpoint,
      stage: STAGE,
      sqs: cloud.bus!.sqs,
      eventBridge: cloud.bus!.eventBridge,
      s3: cloud.s3,
      onLog: (kind, data) => log.push({ kind, data }),
      s3RetryDelaysMs: [10, 10],
    });
    try {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'flaky/a.json', Body: '{}' }));
      await waitFor('three attempts', () => log.length >= 3 || undefined);
      expect(log.map((entry) => [entry.data.attempt, entry.data.outcome])).toEqual([
        [1, 'failed'],
        [2, 'failed'],
        [3, 'succeeded'],
      ]);
    } finally {
      await runner.close();
    }
  });
});

describe('Runner: an S3 event that still fails after the retries', () => {
  const strict: ServiceDefinition = {
    name: 'strict',
    handler: `${FIXTURES}.strictUpload`,
    timeoutSeconds: 5,
    memoryMB: 128,
    subscriptions: [],
    s3Triggers: [{ prefix: 'strict/', suffix: '.json' }],
    permissions: [],
  };
  const ASYNC_DLQ = `recops-${STAGE}-strict-async-dlq`;

  it('goes to the async DLQ with the reason, survives a restart, and a new upload runs the handler', async () => {
    const dir = await tempDir('recops-runner-async-dlq-');
    let cloud = await createLocalCloud({ dataDir: dir.dir, stage: STAGE, manifest: [strict], s3RetryDelaysMs: [10, 10] });
    let clients = {
      sqs: new SQSClient(clientConfig(cloud.endpoint)),
      s3: new S3Client({ ...clientConfig(cloud.endpoint), forcePathStyle: true }),
    };
    const entries: EventLogEntry[] = [];
    cloud.eventLog.subscribe((entry) => entries.push(entry));
    const peek = async () => {
      const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: ASYNC_DLQ }));
      const received = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, MessageAttributeNames: ['All'] }),
      );
      return received.Messages ?? [];
    };
    try {
      await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'strict/a.json', Body: 'fail' }));
      const [letter] = await waitFor('the event in the async DLQ', async () => {
        const messages = await peek();
        return messages.length > 0 ? messages : undefined;
      });
      expect(deliveriesOf(entries, 'strict').map((delivery) => [delivery.attempt, delivery.outcome])).toEqual([
        [1, 'failed'],
        [2, 'failed'],
        [3, 'failed'],
      ]);
      // Lambda's on-failure destination record: the S3 event and the last error.
      const record = JSON.parse(letter?.Body ?? '{}');
      expect(record).toMatchObject({
        requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
        requestPayload: { Records: [{ s3: { bucket: { name: BUCKET }, object: { key: 'strict/a.json' } } }] },
        responsePayload: { errorType: 'TypeError', errorMessage: 'strict/a.json says fail' },
      });
      expect(letter?.MessageAttributes?.['recops.failure-reason']?.StringValue).toBe('strict/a.json says fail');
      expect(letter?.MessageAttributes?.['recops.service']?.StringValue).toBe('strict');
      expect(letter?.MessageAttributes?.['recops.attempts']?.StringValue).toBe('3');
      expect(entries.find((entry) => entry.kind === 'lambda.dead-lettered')?.data).toMatchObject({
        service: 'strict',
        key: 'strict/a.json',
        attempts: 3,
        reason: 'strict/a.json says fail',
        deadLetterQueue: ASYNC_DLQ,
        messageId: letter?.MessageId,
      });

      // The DLQ is journaled like any queue: the event is still there after a restart.
      clients.sqs.destroy();
      clients.s3.destroy();
      await cloud.close();
      cloud = await createLocalCloud({ dataDir: dir.dir, stage: STAGE, manifest: [strict], s3RetryDelaysMs: [10, 10] });
      clients = {
        sqs: new SQSClient(clientConfig(cloud.endpoint)),
        s3: new S3Client({ ...clientConfig(cloud.endpoint), forcePathStyle: true }),
      };
      expect((await peek()).map((message) => message.MessageId)).toEqual([letter?.MessageId]);

      // The redrive a user does: upload the fixed file again.
      await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'strict/a.json', Body: 'ok' }));
      const handled = await waitFor('the handler on the new upload', () =>
        clients.s3
          .send(new GetObjectCommand({ Bucket: BUCKET, Key: 'out/strict/a.json.json' }))
          .then(async (object) => JSON.parse((await object.Body?.transformToString()) ?? '{}'))
          .catch(() => undefined),
      );
      expect(handled).toMatchObject({ eventName: 'ObjectCreated:Put' });
    } finally {
      clients.sqs.destroy();
      clients.s3.destroy();
      await cloud.close();
      await dir.remove();
    }
  });
});

describe('Runner: a handler past its timeout', () => {
  it('fails the delivery at the timeout, refuses the late AWS calls, and the message completes on redelivery', async () => {
    const dir = await tempDir('recops-runner-timeout-');
    const late: ServiceDefinition = {
      ...service(
        'late',
        'lateWriter',
        'Late',
        fastQueue({ batchSize: 1, batchingWindowSeconds: 0, visibilityTimeoutSeconds: 3, maxReceiveCount: 3 }),
      ),
      timeoutSeconds: 1,
      permissions: [{ actions: ['s3:PutObject'], scope: 'bucket' }],
    };
    const cloud = await createLocalCloud({ dataDir: dir.dir, stage: STAGE, manifest: [late] });
    const entries: EventLogEntry[] = [];
    cloud.eventLog.subscribe((entry) => entries.push(entry));
    const events = new EventBridgeClient(clientConfig(cloud.endpoint));
    const s3 = new S3Client({ ...clientConfig(cloud.endpoint), forcePathStyle: true });
    const read = (key: string) =>
      s3
        .send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))
        .then(async (object) => JSON.parse((await object.Body?.transformToString()) ?? '{}'))
        .catch(() => undefined);
    try {
      // The handler sleeps 1.5 s on its first delivery, past its 1 s timeout, then writes; the redelivery comes at 3 s.
      await events.send(
        new PutEventsCommand({
          Entries: [{ EventBusName: BUS, Source: 'test.runner', DetailType: 'Late', Detail: JSON.stringify({ id: 'm1', sleepMs: 1_500 }) }],
        }),
      );
      const done = await waitFor('the redelivery', () => read('done/m1.json'), 20_000);
      expect(done).toEqual({ lateCall: 'InvocationTimeoutError', receiveCount: 2 });
      expect(await read('late/m1.json')).toBeUndefined();
      // The first delivery failed when its time was up (middy answers just before the runner's timeout would).
      const deliveries = await waitFor('both deliveries', () => {
        const found = deliveriesOf(entries, 'late');
        return found.length >= 2 ? found : undefined;
      });
      expect(deliveries.map((delivery) => [delivery.outcome, delivery.receiveCounts])).toEqual([
        ['failed', [1]],
        ['succeeded', [2]],
      ]);
    } finally {
      events.destroy();
      s3.destroy();
      await cloud.close();
      await dir.remove();
    }
  });
});

describe('Runner: the real service manifest', () => {
  it('builds the same topology from services/manifest.ts that the stacks are compared against', async () => {
    const dir = await tempDir('recops-runner-manifest-');
    try {
      const cloud = await createLocalCloud({ dataDir: dir.dir, stage: STAGE, manifest: SERVICES });
      try {
        expect(cloud.runner?.topology()).toEqual(topologyFromManifest(SERVICES));
      } finally {
        await cloud.close();
      }
    } finally {
      await dir.remove();
    }
  });
});

describe('Runner: manifest checks', () => {
  it('refuses a queue whose visibility timeout is shorter than the function timeout, as Lambda does', async () => {
    const dir = await tempDir('recops-runner-check-');
    try {
      const bad = { ...service('slow', 'partial', 'Work', fastQueue({ visibilityTimeoutSeconds: 1 })), timeoutSeconds: 30 };
      await expect(createLocalCloud({ dataDir: dir.dir, stage: STAGE, manifest: [bad] })).rejects.toThrow(ManifestError);
      await expect(createLocalCloud({ dataDir: dir.dir, stage: STAGE, manifest: [bad] })).rejects.toThrow(
        /slow: queue visibility timeout 1s is less than the function timeout 30s/,
      );
      const missing = service('ghost', 'doesNotExist', 'Work', fastQueue());
      await expect(createLocalCloud({ dataDir: dir.dir, stage: STAGE, manifest: [missing] })).rejects.toThrow(HandlerLoadError);
      await expect(createLocalCloud({ dataDir: dir.dir, stage: STAGE, manifest: [missing] })).rejects.toThrow(
        /no exported function "doesNotExist"/,
      );
    } finally {
      await dir.remove();
    }
  });
});

describe('Runner: restart in the middle of a run', () => {
  it('loses no queued or in-flight message when the cloud stops and starts again', async () => {
    const dir = await tempDir('recops-runner-restart-');
    const slow = [service('echo', 'echo', 'Echo', fastQueue({ batchSize: 1, batchingWindowSeconds: 0, visibilityTimeoutSeconds: 2 }))];
    try {
      let cloud = await createLocalCloud({ dataDir: dir.dir, stage: STAGE, manifest: slow });
      let events = new EventBridgeClient(clientConfig(cloud.endpoint));
      const ids = Array.from({ length: 12 }, (_, index) => `r${index}`);
      await events.send(
        new PutEventsCommand({
          Entries: ids
            .slice(0, 10)
            .map((id) => ({ EventBusName: BUS, Source: 'test.runner', DetailType: 'Echo', Detail: JSON.stringify({ id, sleepMs: 100 }) })),
        }),
      );
      await events.send(
        new PutEventsCommand({
          Entries: ids
            .slice(10)
            .map((id) => ({ EventBusName: BUS, Source: 'test.runner', DetailType: 'Echo', Detail: JSON.stringify({ id, sleepMs: 100 }) })),
        }),
      );
      const seen: EventLogEntry[] = [];
      cloud.eventLog.subscribe((entry) => seen.push(entry));
      await waitFor(
        'a few deliveries',
        () => deliveriesOf(seen, 'echo').filter((delivery) => delivery.outcome === 'succeeded').length >= 2 || undefined,
      );
      events.destroy();
      await cloud.close();

      cloud = await createLocalCloud({ dataDir: dir.dir, stage: STAGE, manifest: slow });
      events = new EventBridgeClient(clientConfig(cloud.endpoint));
      const s3 = new S3Client({ ...clientConfig(cloud.endpoint), forcePathStyle: true });
      const keys = await waitFor(
        'every message processed',
        async () => {
          const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'echo/' }));
          const found = (listed.Contents ?? []).map((object) => object.Key!);
          return found.length === ids.length ? found : undefined;
        },
        30_000,
      );
      expect(keys.sort()).toEqual(ids.map((id) => `echo/${id}.json`).sort());
      s3.destroy();
      events.destroy();
      await cloud.close();
    } finally {
      await dir.remove();
    }
  });
});
