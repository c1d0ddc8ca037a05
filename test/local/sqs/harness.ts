/**
 * Starts a local cloud (`createLocalCloud`: the HTTP server with every service registered the way
 * `recops local` runs it) on a data directory, for tests that drive SQS, EventBridge and Scheduler
 * with real SDK clients.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import type { EventBridgeStore } from '../../../packages/local/src/eventbridge';
import type { SchedulerStore } from '../../../packages/local/src/scheduler';
import type { SqsStore } from '../../../packages/local/src/sqs';
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

export interface BusHarness {
  readonly endpoint: string;
  readonly cloud: LocalCloud;
  readonly store: SqsStore;
  readonly eventBridge: EventBridgeStore;
  readonly scheduler: SchedulerStore;
  /** Event-log entries appended since the start, in order. */
  readonly log: { kind: string; data: Record<string, unknown> }[];
  close(): Promise<void>;
}

export type SqsHarness = BusHarness;

/** A started local cloud (no manifest), with its event log captured in memory. */
export async function startBus(dataDir: string): Promise<BusHarness> {
  const cloud = await createLocalCloud({ dataDir });
  const bus = cloud.bus;
  if (!bus) {
    await cloud.close();
    throw new Error('the local cloud did not register SQS, EventBridge and Scheduler');
  }
  const log: { kind: string; data: Record<string, unknown> }[] = [];
  cloud.eventLog.subscribe((entry) => log.push({ kind: entry.kind, data: entry.data as Record<string, unknown> }));
  return {
    endpoint: cloud.endpoint,
    cloud,
    store: bus.sqs,
    eventBridge: bus.eventBridge,
    scheduler: bus.scheduler,
    log,
    close: () => cloud.close(),
  };
}
