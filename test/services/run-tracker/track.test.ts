import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, GetObjectTaggingCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pipelineCompleted, pipelineFailed, parseCatalogEvent, type CatalogEvent } from '@recops/events';
import { claimKey, claimOnce, createObservability, runStateKey } from '@recops/core/runtime';
import { emptyRunState } from '../../../services/run-tracker/state';
import { readRunState, writeRunState } from '../../../services/run-tracker/store';
import { trackEvent as trackParsed } from '../../../services/run-tracker/track';
import { seedExampleText } from '../../e2e/support/data';
import { startTestCloud, type TestCloud } from '../../e2e/support/local';
import { emfDocuments } from '../../support/emf';
import { seedPlan, stepFailedEvent, storeRunDocument, successfulRun } from './run-events';
import { acceptPutEvents, putEventsEntries } from '../bus-mock';

const outcomeMetric = (name: string) => ({
  _aws: {
    Timestamp: expect.any(Number),
    CloudWatchMetrics: [{ Namespace: 'recops', Dimensions: [['service', 'stage']], Metrics: [{ Name: name, Unit: 'Count' }] }],
  },
  service: 'run-tracker',
  stage: 'test',
  [name]: 1,
});

/** The handler's path: one parse of the raw event, then the logic. */
const trackEvent = (event: unknown, ...rest: Parameters<typeof trackParsed> extends [unknown, ...infer R] ? R : never) =>
  trackParsed(parseCatalogEvent(event), ...rest);

describe('Service: run-tracker', () => {
  let test: TestCloud;
  const eventBridge = new EventBridgeClient({ region: 'us-east-1' });
  const bus = mockClient(eventBridge);
  const published = (): PutEventsRequestEntry[] => putEventsEntries(bus);
  const settings = () => ({ bucketName: test.bucket, busName: 'recops-bus', maxAttempts: 50 });

  beforeAll(async () => {
    test = await startTestCloud();
  });
  afterAll(async () => test.close());
  beforeEach(() => {
    bus.reset();
    acceptPutEvents(bus);
  });

  it('publishes Pipeline Completed and its metric once when deliveries are duplicated, shuffled and concurrent', async () => {
    // Arrange: every event twice, in a scrambled order, four deliveries at a time.
    const plan = seedPlan(await seedExampleText(), test.bucket);
    const events = successfulRun(plan, 'run-ok');
    await storeRunDocument(test.clients.s3, plan, 'run-ok');
    const deliveries = [...events, ...events].map((event, i) => ({ event, id: `m-${i}` }));
    deliveries.sort(
      (a, b) => ((a.id.length * 7919 + Number(a.id.slice(2)) * 104729) % 97) - ((b.id.length * 7919 + Number(b.id.slice(2)) * 104729) % 97),
    );
    const { metrics } = createObservability('run-tracker');
    // Act
    const emitted = await emfDocuments(async () => {
      for (let i = 0; i < deliveries.length; i += 4)
        await Promise.all(
          deliveries
            .slice(i, i + 4)
            .map((d) => trackEvent(d.event, d.id, { s3: test.clients.s3, eventBridge }, { ...settings(), metrics })),
        );
    });
    // Assess
    const entries = published();
    expect(entries.map((e) => e.DetailType)).toEqual(['Pipeline Completed']);
    expect(emitted).toEqual([outcomeMetric('PipelinesCompleted')]);
    const detail = pipelineCompleted.parse({
      source: entries[0]?.Source,
      'detail-type': entries[0]?.DetailType,
      detail: JSON.parse(entries[0]?.Detail ?? ''),
    });
    expect(detail.resources.filter((r) => r.kind === 'solutionVersion')).toHaveLength(3);
    expect(detail).toMatchObject({ trigger: 'upload', scope: { kind: 'everything' }, rejected: [] });
    expect(detail.promoted.map((p) => p.solutionName)).toEqual([
      'popularity-count-solution',
      'sims-solution',
      'user-personalization-solution',
    ]);
    expect(detail.deployed).toEqual([
      expect.objectContaining({
        campaignName: plan.solutions[2]!.campaigns[0]!.name,
        solutionName: 'user-personalization-solution',
        operation: 'create',
      }),
    ]);
    expect(detail.batchOutputs.map((o) => o.jobName)).toEqual([plan.solutions[2]!.batchInferenceJobs[0]!.jobName]);
    expect(detail.resourceArn).toBe('arn:aws:personalize:us-east-1:000000000000:dataset-group/dataset-group-name-1');
    const stored = await test.clients.s3.send(
      new GetObjectCommand({ Bucket: test.bucket, Key: runStateKey('dataset-group-name-1', 'run-ok') }),
    );
    const state = JSON.parse((await stored.Body?.transformToString()) ?? '{}') as {
      resources: Record<string, unknown>;
      outcome: { publishedAt?: string };
    };
    // group, event tracker, 2 imports, 2 filters, 3 solutions, 3 versions, the campaign, the batch job
    expect(Object.keys(state.resources)).toHaveLength(1 + 1 + 2 + 2 + 3 + 3 + 1 + 1);
    expect(state.outcome.publishedAt).toBeDefined();
  });

  it('publishes one Pipeline Failed with the step and reason from a Step Failed, ignoring later successes', async () => {
    const plan = seedPlan(await seedExampleText(), test.bucket);
    const [requested, ...rest] = successfulRun(plan, 'run-bad');
    await storeRunDocument(test.clients.s3, plan, 'run-bad');
    const failure = stepFailedEvent(plan, 'run-bad');
    const clients = { s3: test.clients.s3, eventBridge };
    await trackEvent(requested, 'm-1', clients, settings());
    await trackEvent(failure, 'm-2', clients, settings());
    await trackEvent(failure, 'm-3', clients, settings());
    for (const [i, event] of rest.entries()) await trackEvent(event, `m-${i + 10}`, clients, settings());
    const entries = published();
    expect(entries.map((e) => e.DetailType)).toEqual(['Pipeline Failed']);
    const detail = pipelineFailed.parse({
      source: entries[0]?.Source,
      'detail-type': entries[0]?.DetailType,
      detail: JSON.parse(entries[0]?.Detail ?? ''),
    });
    expect(detail).toMatchObject({
      step: 'provisioning',
      reason: 'Schema users-schema changed incompatibly: AGE changed type from int to string',
      config: { bucket: test.bucket, key: 'train/dsg/config.json' },
    });
  });

  it('emits one PipelinesFailed EMF metric for a failed run, none for duplicate deliveries', async () => {
    // Arrange: the handler's own Powertools metrics.
    const { metrics } = createObservability('run-tracker');
    const plan = seedPlan(await seedExampleText(), test.bucket);
    const [requested, ...rest] = successfulRun(plan, 'run-metric');
    await storeRunDocument(test.clients.s3, plan, 'run-metric');
    const failure = stepFailedEvent(plan, 'run-metric');
    const clients = { s3: test.clients.s3, eventBridge };
    const withMetrics = { ...settings(), metrics };
    // Act: the failure arrives three times (a duplicate, then a redelivery of the decider), then successes.
    const emitted = await emfDocuments(async () => {
      await trackEvent(requested, 'm-1', clients, withMetrics);
      await trackEvent(failure, 'm-2', clients, withMetrics);
      await trackEvent(failure, 'm-3', clients, withMetrics);
      await trackEvent(failure, 'm-2', clients, withMetrics);
      for (const [i, event] of rest.entries()) await trackEvent(event, `m-${i + 10}`, clients, withMetrics);
    });
    // Assess
    expect(published().map((e) => e.DetailType)).toEqual(['Pipeline Failed']);
    expect(emitted).toEqual([outcomeMetric('PipelinesFailed')]);
  });

  it('publishes when the deciding delivery comes back after failing to publish', async () => {
    const plan = seedPlan(await seedExampleText(), test.bucket);
    const failure = stepFailedEvent(plan, 'run-retry');
    const clients = { s3: test.clients.s3, eventBridge };
    bus
      .on(PutEventsCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    await expect(trackEvent(failure, 'm-1', clients, settings())).rejects.toThrow('Rate exceeded');
    // Another delivery within the lease does not publish; the decider's redelivery does.
    await trackEvent(failure, 'm-2', clients, settings());
    const result = await trackEvent(failure, 'm-1', clients, settings());
    expect(result.published).toBe('Pipeline Failed');
    expect(bus.commandCalls(PutEventsCommand)).toHaveLength(2);
  });

  it('tags every document of a finished run for expiry, and leaves the dataset group schedules untagged', async () => {
    // Arrange: a run with its plan and a claim, and the dataset group's schedules document beside the runs.
    const plan = seedPlan(await seedExampleText(), test.bucket);
    const dsg = plan.datasetGroup.name;
    await storeRunDocument(test.clients.s3, plan, 'run-kept');
    await claimOnce(test.clients.s3, test.bucket, claimKey(dsg, 'run-kept', 'solution-version/sims'), 'm-claim');
    const schedules = `runs/${dsg}/schedules.json`;
    await test.clients.s3.send(new PutObjectCommand({ Bucket: test.bucket, Key: schedules, Body: '{}' }));
    const tagsOf = async (key: string) =>
      (await test.clients.s3.send(new GetObjectTaggingCommand({ Bucket: test.bucket, Key: key }))).TagSet ?? [];
    // Act: every event of the run, then one more fact after the outcome was published.
    const events = successfulRun(plan, 'run-kept');
    for (const [i, event] of events.entries()) await trackEvent(event, `k-${i}`, { s3: test.clients.s3, eventBridge }, settings());
    expect(published().map((e) => e.DetailType)).toEqual(['Pipeline Completed']);
    // A late watch of a resource the state does not know yet: the state document is written again.
    const watch = events.find((e) => e['detail-type'] === 'Watch Requested') as { detail: Record<string, unknown> };
    const lateWatch = { ...watch, detail: { ...watch.detail, resourceArn: `${String(watch.detail.resourceArn)}-late` } };
    const before = await test.clients.s3.send(new GetObjectCommand({ Bucket: test.bucket, Key: runStateKey(dsg, 'run-kept') }));
    await trackEvent(lateWatch, 'k-late', { s3: test.clients.s3, eventBridge }, settings());
    const after = await test.clients.s3.send(new GetObjectCommand({ Bucket: test.bucket, Key: runStateKey(dsg, 'run-kept') }));
    expect(after.ETag).not.toBe(before.ETag);
    // Assess
    const listed = await test.clients.s3.send(new ListObjectsV2Command({ Bucket: test.bucket, Prefix: `runs/${dsg}/run-kept/` }));
    const keys = (listed.Contents ?? []).map((o) => o.Key as string).sort();
    expect(keys).toEqual([
      `runs/${dsg}/run-kept/claims/solution-version/sims`,
      `runs/${dsg}/run-kept/plan.json`,
      `runs/${dsg}/run-kept/state.json`,
    ]);
    for (const key of keys) expect(await tagsOf(key), key).toEqual([{ Key: 'recops-run', Value: 'finished' }]);
    expect(await tagsOf(schedules)).toEqual([]);
  });

  it('refuses a write based on a stale read, and a second create', async () => {
    const key = runStateKey('dsg', 'run-cas');
    const state = emptyRunState({ runId: 'run-cas', datasetGroupName: 'dsg', stage: 'test' }, '2026-01-01T00:00:00.000Z');
    expect(await writeRunState(test.clients.s3, test.bucket, key, state, undefined)).toBe('written');
    expect(await writeRunState(test.clients.s3, test.bucket, key, state, undefined)).toBe('lost-race');
    const first = await readRunState(test.clients.s3, test.bucket, key);
    expect(await writeRunState(test.clients.s3, test.bucket, key, { ...state, updatedAt: 'a' }, first?.etag)).toBe('written');
    expect(await writeRunState(test.clients.s3, test.bucket, key, { ...state, updatedAt: 'b' }, first?.etag)).toBe('lost-race');
    expect((await readRunState(test.clients.s3, test.bucket, key))?.value.updatedAt).toBe('a');
  });

  it('rejects a catalog event it does not subscribe to, and an event outside the catalog', async () => {
    // The tracker's own output: a catalog event it publishes but does not subscribe to (routing only reads the name).
    const completed = { name: 'pipeline-completed', id: undefined, time: undefined, detail: {} } as unknown as CatalogEvent;
    await expect(trackParsed(completed, 'm-x', { s3: test.clients.s3, eventBridge }, settings())).rejects.toThrow(
      'detail-type: is not an event the run tracker subscribes to',
    );
    expect(() => parseCatalogEvent({ source: 'aws.s3', 'detail-type': 'Object Created', detail: {} })).toThrow(
      'detail-type: no event of the catalog has source "aws.s3" and detail-type "Object Created"',
    );
  });
});
