/**
 * Local cloud bus benchmark: events/s from PutEvents through rule → queue → handler, and the
 * delivery latency (PutEvents call start → handler invocation) at p50/p99.
 *
 *   npx tsx bench/local-cloud/bus.ts [--events 2000] [--concurrency 8] [--latency-samples 200]
 *
 * Runs a real local cloud (HTTP server, SDK v3 client, persisted queues on a temp data directory)
 * with one manifest service whose handler only records arrival times.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLocalCloud } from '@recops/local';
import type { ServiceDefinition } from '@recops/platform';
import { RECEIVED_HOOK } from './handler';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '8' },
    'latency-samples': { type: 'string', default: '200' },
  },
});
const EVENTS = Number(values.events);
const CONCURRENCY = Number(values.concurrency);
const SAMPLES = Number(values['latency-samples']);

const manifest: ServiceDefinition[] = [
  {
    name: 'bench-sink',
    handler: 'bench/local-cloud/handler.main',
    timeoutSeconds: 30,
    memoryMB: 128,
    subscriptions: [{ source: ['bench'], 'detail-type': ['Bench Event'] }],
    queue: { batchSize: 10, batchingWindowSeconds: 0, visibilityTimeoutSeconds: 180, maxReceiveCount: 3, dlqRetentionSeconds: 1_209_600 },
    s3Triggers: [],
    permissions: [],
  },
];

const now = (): number => performance.timeOrigin + performance.now();
const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const dataDir = await mkdtemp(join(tmpdir(), 'recops-bench-bus-'));
const cloud = await createLocalCloud({ dataDir, stage: 'bench', manifest });
const client = new EventBridgeClient({
  endpoint: cloud.endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
});

const sentAt = new Map<string, number>();
const latencies: number[] = [];
let received = 0;
let onReceived: (() => void) | undefined;
(globalThis as Record<string, unknown>)[RECEIVED_HOOK] = (ids: readonly string[], at: number) => {
  for (const id of ids) {
    const start = sentAt.get(id);
    if (start !== undefined) latencies.push(at - start);
    received += 1;
  }
  onReceived?.();
};
const waitForReceived = (count: number): Promise<void> =>
  new Promise((resolve) => {
    const check = (): void => {
      if (received >= count) {
        onReceived = undefined;
        resolve();
      }
    };
    onReceived = check;
    check();
  });

async function putBatch(ids: readonly string[]): Promise<void> {
  const start = now();
  for (const id of ids) sentAt.set(id, start);
  const result = await client.send(
    new PutEventsCommand({
      Entries: ids.map((id) => ({
        EventBusName: 'recops-bench',
        Source: 'bench',
        DetailType: 'Bench Event',
        Detail: JSON.stringify({ benchId: id }),
      })),
    }),
  );
  if (result.FailedEntryCount) throw new Error(`PutEvents failed ${result.FailedEntryCount} entries`);
}

try {
  // Warm-up: connections, handler import, JIT.
  await putBatch(['warm-0', 'warm-1']);
  await waitForReceived(2);
  received = 0;
  latencies.length = 0;

  // 1. Latency: one event at a time, each waited for.
  for (let sample = 0; sample < SAMPLES; sample++) {
    await putBatch([`lat-${sample}`]);
    await waitForReceived(sample + 1);
  }
  const idle = [...latencies].sort((a, b) => a - b);
  received = 0;
  latencies.length = 0;

  // 2. Throughput: EVENTS events in PutEvents calls of 10, CONCURRENCY calls in flight.
  const batches: string[][] = [];
  for (let index = 0; index < EVENTS; index += 10) {
    batches.push(Array.from({ length: Math.min(10, EVENTS - index) }, (_, offset) => `tp-${index + offset}`));
  }
  const started = now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        if (batch) await putBatch(batch);
      }
    }),
  );
  const putDone = now();
  await waitForReceived(EVENTS);
  const finished = now();
  const loaded = [...latencies].sort((a, b) => a - b);

  const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
  console.log(`node ${process.version}, ${EVENTS} events, ${CONCURRENCY} concurrent PutEvents of 10, ${SAMPLES} latency samples`);
  console.log(
    `throughput: ${(EVENTS / ((finished - started) / 1000)).toFixed(0)} events/s end to end (PutEvents → rule → queue → handler); PutEvents alone ${(EVENTS / ((putDone - started) / 1000)).toFixed(0)} events/s`,
  );
  console.log(`latency, one event at a time: p50 ${fmt(percentile(idle, 50))}, p99 ${fmt(percentile(idle, 99))}`);
  console.log(`latency under load:           p50 ${fmt(percentile(loaded, 50))}, p99 ${fmt(percentile(loaded, 99))}`);
} finally {
  client.destroy();
  await cloud.close();
  await rm(dataDir, { recursive: true, force: true });
}
