/**
 * Starts the local HTTP server with the bus services (SQS, EventBridge, Scheduler) on a fresh data
 * directory, for tests that talk to them with real SDK clients.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type LocalServer } from '../../../packages/local/src/server';
import { EventBridgeService, EventBridgeStore } from '../../../packages/local/src/eventbridge';
import { SchedulerService, SchedulerStore } from '../../../packages/local/src/scheduler';
import { SqsService, SqsStore } from '../../../packages/local/src/sqs';
import { REGION } from '../../../packages/local/src/wire';

export const clientConfig = (endpoint: string) => ({
  endpoint,
  region: REGION,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
});

export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface SqsHarness {
  readonly endpoint: string;
  readonly store: SqsStore;
  readonly server: LocalServer;
  close(): Promise<void>;
}

export async function startSqs(dataDir: string): Promise<SqsHarness> {
  const store = await SqsStore.open({ dataDir });
  const server = await startServer({ services: [new SqsService({ store })] });
  return {
    endpoint: server.endpoint,
    store,
    server,
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}

export interface BusHarness extends SqsHarness {
  readonly eventBridge: EventBridgeStore;
  readonly scheduler: SchedulerStore;
  /** Everything the services reported for the event log, in order. */
  readonly log: { kind: string; data: Record<string, unknown> }[];
}

/** SQS + EventBridge + Scheduler on one server, with the event-log entries captured in memory. */
export async function startBus(dataDir: string): Promise<BusHarness> {
  const log: { kind: string; data: Record<string, unknown> }[] = [];
  const onLog = (kind: string, data: Record<string, unknown>): void => {
    log.push({ kind, data });
  };
  const store = await SqsStore.open({ dataDir, onEvent: onLog });
  const eventBridge = await EventBridgeStore.open({ dataDir, sqs: store, onLog });
  const scheduler = await SchedulerStore.open({ dataDir, eventBridge, sqs: store, onLog });
  const server = await startServer({
    services: [new SqsService({ store }), new EventBridgeService(eventBridge), new SchedulerService(scheduler)],
  });
  return {
    endpoint: server.endpoint,
    store,
    eventBridge,
    scheduler,
    server,
    log,
    close: async () => {
      await server.close();
      await scheduler.close();
      await eventBridge.close();
      await store.close();
    },
  };
}
