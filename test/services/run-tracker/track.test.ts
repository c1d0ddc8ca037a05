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
import { deadLetteredEvent, recoveredEvent, retryingEvent, seedPlan, stepFailedEvent, storeRunDocument, successfulRun } from './run-events';
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
    await storeRunDocument(test.clients.s3, plan, 'run-retry');
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

  it('fails the run when a message is dead-lettered, and completes it once the redriven message is recovered', async () => {
    // Prepare
    const plan = seedPlan(await seedExampleText(), test.bucket);
    const [requested, ...rest] = successfulRun(plan, 'run-redrive');
    await storeRunDocument(test.clients.s3, plan, 'run-redrive');
    const clients = { s3: test.clients.s3, eventBridge };
    const detailOf = (entry: PutEventsRequestEntry | undefined) =>
      pipelineFailed.parse({ source: entry?.Source, 'detail-type': entry?.DetailType, detail: JSON.parse(entry?.Detail ?? '') });

    // Act: the schedule manager's message is dead-lettered (twice: a redelivery), then the chain finishes.
    await trackEvent(requested, 'm-1', clients, settings());
    await trackEvent(deadLetteredEvent(plan, 'run-redrive'), 'm-2', clients, settings());
    await trackEvent(deadLetteredEvent(plan, 'run-redrive'), 'm-3', clients, settings());
    for (const [i, event] of rest.entries()) await trackEvent(event, `m-${i + 10}`, clients, settings());

    // Assess: failed once, with the service, the step and the reason; every goal met is not enough.
    expect(published().map((e) => e.DetailType)).toEqual(['Pipeline Failed']);
    expect(detailOf(published()[0])).toMatchObject({
      step: 'scheduling',
      reason: expect.stringMatching(
        /^schedule-manager gave up on a Pipeline Requested message after 1 delivery \(it is in its DLQ\): AccessDeniedException: .* scheduler:CreateSchedule$/,
      ),
      errors: [{ path: 'schedule-manager', message: expect.stringContaining('scheduler:CreateSchedule') }],
    });

    // Act: the redrive; its copy handled (and reported twice).
    await trackEvent(recoveredEvent(plan, 'run-redrive'), 'm-90', clients, settings());
    await trackEvent(recoveredEvent(plan, 'run-redrive'), 'm-91', clients, settings());

    // Assess
    expect(published().map((e) => e.DetailType)).toEqual(['Pipeline Failed', 'Pipeline Completed']);
    const state = (await readRunState(test.clients.s3, test.bucket, runStateKey(plan.datasetGroup.name, 'run-redrive')))?.value;
    expect(state?.outcome).toMatchObject({ kind: 'completed', afterFailure: { reason: expect.stringContaining('schedule-manager') } });
  });

  it('keeps the latest Step Retrying of each service in the run state, whatever the delivery order', async () => {
    const plan = seedPlan(await seedExampleText(), test.bucket);
    const [requested] = successfulRun(plan, 'run-retrying');
    await storeRunDocument(test.clients.s3, plan, 'run-retrying');
    const clients = { s3: test.clients.s3, eventBridge };
    await trackEvent(requested, 'm-1', clients, settings());
    await trackEvent(retryingEvent(plan, 'run-retrying', 2), 'm-2', clients, settings());
    await trackEvent(retryingEvent(plan, 'run-retrying', 1), 'm-3', clients, settings());
    const state = (await readRunState(test.clients.s3, test.bucket, runStateKey(plan.datasetGroup.name, 'run-retrying')))?.value;
    expect(state?.retries).toEqual({
      'solution-trainer': expect.objectContaining({
        step: 'training',
        attempt: 2,
        maxAttempts: 10,
        reason: expect.stringContaining('ThrottlingException'),
      }),
    });
    expect(state?.outcome).toBeUndefined();
    expect(published()).toEqual([]);
  });

  it('ignores an event about a run that never started: no run state, nothing published', async () => {
    // A schema-valid Solution Status Changed CREATE FAILED for a run with no run document.
    const plan = seedPlan(await seedExampleText(), test.bucket);
    const clients = { s3: test.clients.s3, eventBridge };
    const failedSolution = successfulRun(plan, 'run-phantom').find((e) => (e['detail-type'] as string) === 'Solution Status Changed') as {
      detail: Record<string, unknown>;
    };
    const phantom = { ...failedSolution, detail: { ...failedSolution.detail, status: 'CREATE FAILED', failureReason: 'made up' } };
    const result = await trackEvent(phantom, 'm-1', clients, settings());
    expect(result.ignored).toMatch(/^no run run-phantom of /);
    expect(await readRunState(test.clients.s3, test.bucket, runStateKey(plan.datasetGroup.name, 'run-phantom'))).toBeUndefined();
    expect(published()).toEqual([]);
  });

  it('takes the Pipeline Failed of a run the door refused quietly: no warning, no run state', async () => {
    // The run door publishes it for a refused file; the tracker hears every Pipeline Failed (its own confirmations).
    const plan = seedPlan(await seedExampleText(), test.bucket);
    const refused = pipelineFailed.entry(
      {
        runId: 'run-refused',
        datasetGroupName: plan.datasetGroup.name,
        stage: 'test',
        step: 'intake',
        reason: 'The parameter file is invalid',
        errors: [{ path: 'solutions[0].recipe', message: 'unknown recipe' }],
        failedAt: '2026-01-02T03:04:05.000Z',
      },
      'recops-bus',
    );
    const event = { source: refused.Source, 'detail-type': refused.DetailType, detail: JSON.parse(refused.Detail ?? '{}') };
    expect(await trackEvent(event, 'm-refused', { s3: test.clients.s3, eventBridge }, settings())).toEqual({});
    expect(await readRunState(test.clients.s3, test.bucket, runStateKey(plan.datasetGroup.name, 'run-refused'))).toBeUndefined();
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

  it('writes every run document tagged open, so a late one of a finished run and those of a run that never ends expire too', async () => {
    // Arrange: one run that finishes, one that never gets past its first events.
    const plan = seedPlan(await seedExampleText(), test.bucket);
    const dsg = plan.datasetGroup.name;
    const clients = { s3: test.clients.s3, eventBridge };
    await storeRunDocument(test.clients.s3, plan, 'run-done');
    for (const [i, event] of successfulRun(plan, 'run-done').entries()) await trackEvent(event, `d-${i}`, clients, settings());
    await storeRunDocument(test.clients.s3, plan, 'run-stuck');
    const [requested] = successfulRun(plan, 'run-stuck');
    await trackEvent(requested, 's-0', clients, settings());
    await claimOnce(test.clients.s3, test.bucket, claimKey(dsg, 'run-stuck', 'solution-version/sims'), 'm-stuck');
    // Act: a late duplicate delivery claims something in the finished run.
    await claimOnce(test.clients.s3, test.bucket, claimKey(dsg, 'run-done', 'batch-output/late'), 'm-late');
    // Assess: the late claim is tagged open; the finished run's own documents stay finished.
    const tagsOf = async (key: string) =>
      (await test.clients.s3.send(new GetObjectTaggingCommand({ Bucket: test.bucket, Key: key }))).TagSet ?? [];
    const open = [{ Key: 'recops-run', Value: 'open' }];
    expect(await tagsOf(claimKey(dsg, 'run-done', 'batch-output/late'))).toEqual(open);
    expect(await tagsOf(runStateKey(dsg, 'run-done'))).toEqual([{ Key: 'recops-run', Value: 'finished' }]);
    const listed = await test.clients.s3.send(new ListObjectsV2Command({ Bucket: test.bucket, Prefix: `runs/${dsg}/run-stuck/` }));
    const keys = (listed.Contents ?? []).map((o) => o.Key as string).sort();
    expect(keys).toEqual([
      `runs/${dsg}/run-stuck/claims/solution-version/sims`,
      `runs/${dsg}/run-stuck/plan.json`,
      `runs/${dsg}/run-stuck/state.json`,
    ]);
    for (const key of keys) expect(await tagsOf(key), key).toEqual(open);
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
    // A catalog event it does not subscribe to (routing only reads the name).
    const metrics = { name: 'solution-metrics-published', id: undefined, time: undefined, detail: {} } as unknown as CatalogEvent;
    await expect(trackParsed(metrics, 'm-x', { s3: test.clients.s3, eventBridge }, settings())).rejects.toThrow(
      'detail-type: is not an event the run tracker subscribes to',
    );
    expect(() => parseCatalogEvent({ source: 'aws.s3', 'detail-type': 'Object Created', detail: {} })).toThrow(
      'detail-type: no event of the catalog has source "aws.s3" and detail-type "Object Created"',
    );
  });
});
