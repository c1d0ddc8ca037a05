/**
 * A plan over the 256 KB PutEvents limit: Pipeline Requested carries only the run document's S3
 * location (as for every run), and the steps after intake read the whole plan from there.
 */
import { EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineRequested } from '@recops/events';
import { loadPlannedRun, loadRunOf } from '@recops/core/ops';
import { takeInConfig } from '../../../services/config-intake/intake';
import { generateSeedData, seedExampleText } from '../../e2e/support/data';
import { startTestCloud, type TestCloud } from '../../e2e/support/local';
import { acceptPutEvents, putEventsEntries } from '../bus-mock';

const PUT_EVENTS_LIMIT_BYTES = 256 * 1024;

describe('Service: config-intake, a plan too large for an event', () => {
  let test: TestCloud;
  const eventBridge = new EventBridgeClient({ region: 'us-east-1' });
  const bus = mockClient(eventBridge);

  beforeAll(async () => {
    test = await startTestCloud();
    acceptPutEvents(bus);
  });
  afterAll(async () => test.close());

  it("publishes Pipeline Requested with the plan's S3 location, where the whole plan is stored", async () => {
    // Arrange: the seed example plus 24 filters carrying 50 tags of 256 characters each (~350 KB of plan).
    const file = JSON.parse(await seedExampleText()) as Record<string, any>;
    const expression = file.filters[0].serviceConfig.filterExpression as string;
    for (let f = 0; f < 24; f++) {
      const tags = Array.from({ length: 50 }, (_, t) => ({ tagKey: `key-${t}`, tagValue: `${f}-${t}-`.padEnd(256, 'v') }));
      file.filters.push({ serviceConfig: { name: `tagged-filter-${f}`, filterExpression: expression, tags } });
    }
    const data = generateSeedData();
    const put = (key: string, body: string) => test.clients.s3.send(new PutObjectCommand({ Bucket: test.bucket, Key: key, Body: body }));
    await put('train/large/users.csv', data.usersCsv);
    await put('train/large/interactions.csv', data.interactionsCsv);
    const config = await put('train/large/config.json', JSON.stringify(file));

    // Act
    const outcome = await takeInConfig(
      {
        bucket: test.bucket,
        key: 'train/large/config.json',
        eTag: config.ETag,
        sequencer: config.ETag,
        eventTime: new Date('2026-01-02T03:04:05Z'),
      },
      { s3: test.clients.s3, eventBridge, personalize: test.clients.personalize },
      { busName: 'recops-bus', stage: 'test', now: () => new Date('2026-01-02T03:04:05Z') },
    );

    // Assess: one event, under the limit, pointing at the stored plan.
    expect(outcome).toMatchObject({ kind: 'requested' });
    const entries: PutEventsRequestEntry[] = putEventsEntries(bus);
    expect(entries).toHaveLength(1);
    const entry = entries[0] as PutEventsRequestEntry;
    expect(Buffer.byteLength(`${entry.Source}${entry.DetailType}${entry.Detail}`)).toBeLessThan(PUT_EVENTS_LIMIT_BYTES);
    const detail = pipelineRequested.parse({
      source: entry.Source,
      'detail-type': entry.DetailType,
      detail: JSON.parse(entry.Detail ?? ''),
    });
    expect(detail.plan).toEqual({ bucket: test.bucket, key: `runs/test-dataset-group-name-1/${detail.runId}/plan.json` });
    const { plan } = await loadPlannedRun(test.clients.s3, detail.plan);
    expect(plan.filters).toHaveLength(26);
    expect(plan.filters.at(-1)?.tags).toHaveLength(50);
    expect(plan.solutions.map((s) => s.name)).toEqual([
      'test-sims-solution',
      'test-popularity-count-solution',
      'test-user-personalization-solution',
    ]);
    expect((await loadRunOf(test.clients.s3, test.bucket, detail.datasetGroupName, detail.runId)).plan).toEqual(plan);
  });
});
