/**
 * A watcher message that published its Status Changed (or sent its re-check) and died before its
 * delete comes back (issue 14, "one Status Changed was published twice after a restart"). Real SDK
 * clients against the local cloud; the crash is the local cloud's `handlerExitRate` fault: the
 * handler returned, the batch is never deleted, SQS hands it out again after its visibility timeout.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateDatasetGroupCommand, DescribeDatasetGroupCommand } from '@aws-sdk/client-personalize';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { stageScopedName } from '@recops/core';
import { createClients, type Clients } from '@recops/core/runtime';
import { watchRequested } from '@recops/events';
import { createLocalCloud, type FaultOptions, type LocalCloud } from '@recops/local';
import type { ServiceDefinition } from '@recops/platform';
import { serviceNamed } from '@recops/services/manifest';
import { s3WatchClaims } from '../../../services/status-watcher/claims';
import { DEFAULT_WATCH_POLICY } from '../../../services/status-watcher/policy';
import { parseWatchRecord, recheckMessage, type Watch } from '../../../services/status-watcher/recheck';
import { createStatusReader } from '../../../services/status-watcher/status-reader';
import { checkWatch } from '../../../services/status-watcher/watch';

const deployed = serviceNamed('status-watcher');
/**
 * Waits capped at 3 s: every wait is a second or more, so it goes through the queue and none is
 * spent in-process; an invocation takes a fraction of a second.
 */
const WAIT_CAP_SECONDS = 3;
/**
 * Crashed batches come back after 6 s instead of 3 minutes; the second receive is the last. The
 * timeout leaves a loaded machine room: an invocation stopped at its timeout between its publish
 * and its published mark is the window this fix leaves open (RELIABILITY.md), not what is tested.
 */
const TIMEOUT_SECONDS = 6;
const watcher: ServiceDefinition = {
  ...deployed,
  timeoutSeconds: TIMEOUT_SECONDS,
  queue: {
    ...(deployed.queue as NonNullable<ServiceDefinition['queue']>),
    visibilityTimeoutSeconds: TIMEOUT_SECONDS,
    maxReceiveCount: 2,
  },
};
const RUN_ID = 'run-1';
/** Outside production the stage's Personalize names carry it (the watcher's grants are scoped to them). */
const GROUP = stageScopedName('test', 'g1');

interface StatusChanged {
  readonly detailType: string;
  readonly status: string;
}

interface Cloud {
  readonly cloud: LocalCloud;
  readonly clients: Clients;
  readonly statusChanged: StatusChanged[];
  /** Process exits the fault injected (each one a batch handled and never deleted). */
  exits(): number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('Status watcher: a message redelivered after a crash', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    vi.unstubAllEnvs();
  });

  async function start(options: { faults?: FaultOptions; stepDelayMs: number }): Promise<Cloud> {
    vi.stubEnv('RECOPS_WATCH_MAX_DELAY_SECONDS', String(WAIT_CAP_SECONDS));
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'CRITICAL');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const dataDir = await mkdtemp(join(tmpdir(), 'recops-watcher-'));
    let exits = 0;
    const cloud = await createLocalCloud({
      dataDir,
      stage: 'test',
      manifest: [watcher],
      personalizeStepDelayMs: options.stepDelayMs,
      ...(options.faults && { faults: options.faults, faultExit: () => void (exits += 1) }),
    });
    cleanups.push(
      () => rm(dataDir, { recursive: true, force: true }),
      () => cloud.close(),
    );
    const statusChanged: StatusChanged[] = [];
    const unsubscribe = cloud.eventLog.subscribe((entry) => {
      const event = (entry.data as { event?: { 'detail-type'?: string; detail?: { status?: string } } }).event;
      const detailType = event?.['detail-type'] ?? '';
      if (entry.kind === 'bus.event' && detailType.endsWith('Status Changed')) {
        statusChanged.push({ detailType, status: event?.detail?.status ?? '' });
      }
    });
    cleanups.push(async () => unsubscribe());
    const clients = createClients({ endpoint: cloud.endpoint, region: cloud.region, env: {} });
    return { cloud, clients, statusChanged, exits: () => exits };
  }

  async function createGroup({ clients }: Cloud): Promise<string> {
    const created = await clients.personalize.send(new CreateDatasetGroupCommand({ name: GROUP }));
    return created.datasetGroupArn as string;
  }

  async function groupStatus({ clients }: Cloud, arn: string): Promise<string | undefined> {
    return (await clients.personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn: arn }))).datasetGroup?.status;
  }

  async function requestWatch({ cloud, clients }: Cloud, arn: string): Promise<void> {
    const detail = { runId: RUN_ID, datasetGroupName: GROUP, stage: 'test', resourceKind: 'datasetGroup' as const, resourceArn: arn };
    const entry = watchRequested.entry({ ...detail, requestedAt: new Date().toISOString() }, cloud.runner!.names.busName);
    await clients.eventBridge.send(new PutEventsCommand({ Entries: [entry] }));
  }

  /** Every message of the watcher's queue is gone (handled and deleted, or in the DLQ). */
  async function queueDrained({ cloud, clients }: Cloud): Promise<boolean> {
    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: cloud.runner!.names.queueName('status-watcher') }));
    const { Attributes = {} } = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    return Object.values(Attributes).every((count) => count === '0');
  }

  it('publishes Status Changed once although every delivery dies after publishing, before its delete', async () => {
    // Prepare: the group is ACTIVE already, so every delivery of the Watch Requested would publish.
    const env = await start({ stepDelayMs: 20, faults: { seed: 1, handlerExitRate: 1, services: ['status-watcher'] } });
    const arn = await createGroup(env);
    await waitFor('the group ACTIVE', async () => (await groupStatus(env, arn)) === 'ACTIVE');

    // Act
    await requestWatch(env, arn);
    await waitFor('the Watch Requested in its DLQ', () => queueDrained(env));

    // Assess: two deliveries, both crashed after the handler returned; one Status Changed.
    expect(env.exits()).toBeGreaterThanOrEqual(2);
    expect(env.statusChanged).toEqual([{ detailType: 'Dataset Group Status Changed', status: 'ACTIVE' }]);
  }, 90_000);

  it('runs one chain of re-checks and publishes once when re-checks are sent again by redelivered messages', async () => {
    // Prepare: the group takes ~6 s to become ACTIVE, so the watch re-checks itself through its queue
    // several times; every message is delivered again after it sent its re-check.
    const env = await start({ stepDelayMs: 3_000, faults: { seed: 2, handlerExitRate: 1, services: ['status-watcher'] } });
    const arn = await createGroup(env);

    // Act
    await requestWatch(env, arn);
    await waitFor('the group ACTIVE', async () => (await groupStatus(env, arn)) === 'ACTIVE');
    await waitFor('every message in the DLQ', () => queueDrained(env));

    // Assess
    expect(env.exits()).toBeGreaterThanOrEqual(4);
    expect(env.statusChanged).toEqual([{ detailType: 'Dataset Group Status Changed', status: 'ACTIVE' }]);
  }, 120_000);

  it('lets only one of two copies of a re-check run when both arrive at once', async () => {
    // Prepare: the first message of the watch ran (it claimed hop 0) and sent its re-check twice:
    // once before a crash, once on its redelivery. Both copies are due now and the group is ACTIVE.
    const env = await start({ stepDelayMs: 20 });
    const { clients } = env;
    const arn = await createGroup(env);
    await waitFor('the group ACTIVE', async () => (await groupStatus(env, arn)) === 'ACTIVE');
    const names = env.cloud.runner!.names;
    const claims = s3WatchClaims(clients.s3, names.bucketName);
    const detail = watchRequested.detailSchema.parse({
      runId: RUN_ID,
      datasetGroupName: GROUP,
      stage: 'test',
      resourceKind: 'datasetGroup',
      resourceArn: arn,
      requestedAt: new Date().toISOString(),
      schemaVersion: 1,
    });
    expect(await claims.claim({ detail, attempt: 0, hop: 0 }, 'watch-requested')).toBe('run');
    const recheck: Watch = parseWatchRecord({ body: recheckMessage({ detail, attempt: 1, hop: 1 }) });
    const deps = {
      reader: createStatusReader(clients.personalize),
      sqs: clients.sqs,
      eventBridge: clients.eventBridge,
      busName: names.busName,
      queueUrl: env.cloud.runner!.queueUrl('status-watcher') as string,
      policy: DEFAULT_WATCH_POLICY,
      now: () => new Date(),
      claims,
    };

    // Act
    const outcomes = await Promise.all([checkWatch(recheck, deps, 'recheck-copy-1'), checkWatch(recheck, deps, 'recheck-copy-2')]);

    // Assess: one ran and published, the other was dropped unchecked; and so is the first message's redelivery.
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['duplicate', 'published']);
    expect(outcomes.find((o) => o.outcome === 'duplicate')).toEqual({
      outcome: 'duplicate',
      reason: expect.stringMatching(/^(superseded|published)$/),
    });
    expect(await checkWatch({ detail, attempt: 0, hop: 0 }, deps, 'watch-requested')).toEqual({
      outcome: 'duplicate',
      reason: 'published',
    });
    await waitFor('the Status Changed in the log', async () => env.statusChanged.length > 0);
    expect(env.statusChanged).toEqual([{ detailType: 'Dataset Group Status Changed', status: 'ACTIVE' }]);
  }, 60_000);
});
