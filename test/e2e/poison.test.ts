/**
 * Issue 6: a poison message reaches the service's DLQ after maxReceiveCount, for every queue
 * consumer of the manifest, running its real handler on the local cloud. The manifest's queues are
 * shortened (1 s visibility, 2 receives) so the redrive happens within the test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, DEAD_LETTER_ATTRIBUTE, type Clients } from '@recops/core/runtime';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import { SERVICES } from '@recops/services/manifest';
import type { ServiceDefinition } from '@recops/platform';

const MAX_RECEIVES = 2;

/** The manifest with every queue shortened; everything else (handlers, patterns) as deployed. */
const SHORT_QUEUES: ServiceDefinition[] = SERVICES.map((service) =>
  service.queue === undefined
    ? service
    : { ...service, timeoutSeconds: 1, queue: { ...service.queue, visibilityTimeoutSeconds: 1, maxReceiveCount: MAX_RECEIVES } },
);

/** Events every consumer subscribes to, with a detail no handler can parse. */
const POISON = [
  // Matches the subscriptions narrowed to uploads and runs of everything, yet lacks every other field.
  {
    Source: 'recops.pipeline',
    DetailType: 'Pipeline Requested',
    Detail: JSON.stringify({ runId: 'poison-1', trigger: 'upload', scope: { kind: 'everything' } }),
  },
  { Source: 'recops.personalize', DetailType: 'Watch Requested', Detail: JSON.stringify({ runId: 'poison-2' }) },
  {
    Source: 'recops.personalize',
    DetailType: 'Dataset Import Job Status Changed',
    Detail: JSON.stringify({ runId: 'poison-3', status: 'ACTIVE' }),
  },
  { Source: 'recops.model', DetailType: 'Solution Version Promoted', Detail: JSON.stringify({ runId: 'poison-4' }) },
  {
    Source: 'recops.personalize',
    DetailType: 'Solution Version Status Changed',
    Detail: JSON.stringify({ runId: 'poison-5', status: 'ACTIVE' }),
  },
  {
    Source: 'recops.personalize',
    DetailType: 'Batch Inference Job Status Changed',
    Detail: JSON.stringify({ runId: 'poison-6', status: 'ACTIVE' }),
  },
  { Source: 'recops.schedule', DetailType: 'Schedule Fired', Detail: JSON.stringify({ runId: 'poison-7' }) },
  {
    Source: 'recops.personalize',
    DetailType: 'Dataset Group Status Changed',
    Detail: JSON.stringify({ runId: 'poison-8', status: 'ACTIVE' }),
  },
] as const;

/** Which poison events each consumer's rules deliver to its queue. */
const EXPECTED_DEAD_LETTERS: Record<string, string[]> = {
  'run-starter': ['poison-7'],
  'dataset-provisioner': ['poison-1', 'poison-8'],
  'status-watcher': ['poison-2'],
  'solution-trainer': ['poison-3', 'poison-8'],
  'model-evaluator': ['poison-5'],
  'campaign-deployer': ['poison-4'],
  'batch-runner': ['poison-4'],
  'batch-output-notifier': ['poison-6'],
  'schedule-manager': ['poison-8'],
  'run-tracker': ['poison-1', 'poison-2', 'poison-3', 'poison-4', 'poison-5', 'poison-6', 'poison-8'],
};

describe('E2E: poison messages on the local cloud', () => {
  let dir: string;
  let cloud: LocalCloud;
  let clients: Clients;
  const previousLogLevel = process.env.POWERTOOLS_LOG_LEVEL;

  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'CRITICAL';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    dir = await mkdtemp(join(tmpdir(), 'recops-poison-'));
    cloud = await createLocalCloud({ dataDir: dir, manifest: SHORT_QUEUES });
    clients = createClients({ endpoint: cloud.endpoint, region: cloud.region, env: {} });
  });

  afterAll(async () => {
    await cloud.close();
    await rm(dir, { recursive: true, force: true });
    if (previousLogLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = previousLogLevel;
  });

  async function queueUrl(name: string): Promise<string> {
    return (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;
  }

  async function visibleCount(url: string): Promise<number> {
    const attributes = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  }

  it("moves each consumer's unparseable records to its own DLQ after maxReceiveCount, and empties its queue", async () => {
    // Prepare
    const names = cloud.runner!.names;
    const consumers = SHORT_QUEUES.filter((s) => s.queue !== undefined).map((s) => s.name);
    expect(consumers.sort()).toEqual(Object.keys(EXPECTED_DEAD_LETTERS).sort());

    // Act
    const put = await clients.eventBridge.send(
      new PutEventsCommand({ Entries: POISON.map((e) => ({ ...e, EventBusName: names.busName })) }),
    );
    expect(put.FailedEntryCount).toBe(0);

    // Assess: every DLQ fills with exactly the poison its rules route to it, each copy with its reason.
    // The runtime dead-letters at least once: a delivery cut short by the 1 s timeout after its copy
    // was sent is dead-lettered again, so copies are compared as a set.
    // Copies are gathered over several receives: a DLQ may hold more than one receive returns.
    const deadline = Date.now() + 90_000;
    for (const service of consumers) {
      const dlqUrl = await queueUrl(names.deadLetterQueueName(service));
      const expected = EXPECTED_DEAD_LETTERS[service] ?? [];
      const gathered = new Map<string, Message>();
      let copies: Message[] = [];
      for (;;) {
        const received = await clients.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 2, MessageAttributeNames: ['All'] }),
        );
        for (const message of received.Messages ?? []) gathered.set(message.MessageId ?? '', message);
        copies = [...gathered.values()];
        const runIds = [...new Set(copies.map((m) => (JSON.parse(m.Body ?? '{}') as { detail: { runId: string } }).detail.runId))].sort();
        if (JSON.stringify(runIds) === JSON.stringify(expected)) break;
        if (Date.now() > deadline) expect(runIds, `${service}: poison in its DLQ`).toEqual(expected);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      for (const copy of copies)
        expect(copy.MessageAttributes?.[DEAD_LETTER_ATTRIBUTE.reason]?.StringValue, service).toMatch(/^Invalid ".*" event: detail/);
      expect(await visibleCount(await queueUrl(names.queueName(service))), service).toBe(0);
    }
  }, 150_000);
});
