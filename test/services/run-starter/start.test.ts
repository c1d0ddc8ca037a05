import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pipelineFailed, pipelineRequested } from '@recops/events';
import { loadPlannedRun } from '@recops/core/ops';
import { startScheduledRun, type FiredSchedule } from '../../../services/run-starter/start';
import { generateSeedData, seedExampleText } from '../../e2e/support/data';
import { startTestCloud, type TestCloud } from '../../e2e/support/local';
import { acceptPutEvents, putEventsEntries } from '../bus-mock';

const SETTINGS = { busName: 'recops-bus', stage: 'test', now: () => new Date('2026-11-30T02:00:01Z') };

describe('Service: run-starter', () => {
  let test: TestCloud;
  const eventBridge = new EventBridgeClient({ region: 'us-east-1' });
  const bus = mockClient(eventBridge);
  const published = () =>
    putEventsEntries(bus).map((e) => ({ source: e.Source, 'detail-type': e.DetailType, detail: JSON.parse(e.Detail ?? '{}') as unknown }));

  beforeAll(async () => {
    test = await startTestCloud();
  });
  afterAll(async () => test.close());
  beforeEach(() => {
    bus.reset();
    acceptPutEvents(bus);
  });

  async function uploadSeed(folder: string): Promise<{ bucket: string; key: string }> {
    const data = generateSeedData();
    const put = (key: string, body: string) => test.clients.s3.send(new PutObjectCommand({ Bucket: test.bucket, Key: key, Body: body }));
    await put(`train/${folder}/users.csv`, data.usersCsv);
    await put(`train/${folder}/interactions.csv`, data.interactionsCsv);
    await put(`train/${folder}/config.json`, await seedExampleText());
    return { bucket: test.bucket, key: `train/${folder}/config.json` };
  }

  const fired = (config: { bucket: string; key: string }, overrides: Partial<FiredSchedule> = {}): FiredSchedule => ({
    runId: 'd32c5kddcf5bb8c3',
    datasetGroupName: 'test-dataset-group-name-1',
    kind: 'full',
    scheduleName: 'dataset-group-name-1-full-sims-solution',
    config,
    solutionName: 'test-sims-solution',
    firedAt: '2026-11-30T02:00:00Z',
    ...overrides,
  });

  it('starts a retrain of the one solution through the run door: run document stored once, Pipeline Requested with its location', async () => {
    // Arrange
    const config = await uploadSeed('sched-a');
    // Act: the firing delivered twice.
    const first = await startScheduledRun(
      fired(config),
      { s3: test.clients.s3, eventBridge, personalize: test.clients.personalize },
      SETTINGS,
    );
    const second = await startScheduledRun(
      fired(config),
      { s3: test.clients.s3, eventBridge, personalize: test.clients.personalize },
      SETTINGS,
    );
    // Assess
    expect(first).toMatchObject({
      kind: 'requested',
      scope: { kind: 'retrain', solutionName: 'test-sims-solution', trainingMode: 'FULL' },
    });
    expect(second.kind === 'requested' && first.kind === 'requested' && second.runId === first.runId).toBe(true);
    const [event, again] = published();
    expect(again).toEqual(event);
    const detail = pipelineRequested.parse(event);
    expect(detail).toMatchObject({
      runId: expect.stringMatching(/^2026_11_30_02_00_00-[0-9a-f]{8}$/),
      runStamp: '2026_11_30_02_00_00',
      startedAt: '2026-11-30T02:00:00.000Z',
      trigger: 'schedule',
      scheduleName: 'dataset-group-name-1-full-sims-solution',
      scope: { kind: 'retrain', solutionName: 'test-sims-solution', trainingMode: 'FULL' },
      config,
    });
    const run = await loadPlannedRun(test.clients.s3, detail.plan);
    expect(run.run).toEqual({ id: detail.runId, stamp: '2026_11_30_02_00_00', startedAt: '2026-11-30T02:00:00.000Z' });
    expect(run.plan.solutions.find((s) => s.name === 'test-sims-solution')?.version?.name).toBe('test-sims-solution_2026_11_30_02_00_00');
    const stored = await test.clients.s3.send(
      new ListObjectsV2Command({ Bucket: test.bucket, Prefix: `runs/test-dataset-group-name-1/${detail.runId}/` }),
    );
    expect(stored.Contents?.map((o) => o.Key)).toEqual([`runs/test-dataset-group-name-1/${detail.runId}/plan.json`]);
  });

  it("starts a run of the file's imports for an import schedule, reading the data where it is now", async () => {
    const config = await uploadSeed('sched-b');
    const outcome = await startScheduledRun(
      fired(config, { kind: 'import', solutionName: undefined, scheduleName: 'dataset-group-name-1-import' }),
      { s3: test.clients.s3, eventBridge, personalize: test.clients.personalize },
      SETTINGS,
    );
    expect(outcome).toMatchObject({ kind: 'requested', scope: { kind: 'import' } });
    const detail = pipelineRequested.parse(published()[0]);
    const { plan } = await loadPlannedRun(test.clients.s3, detail.plan);
    expect(plan.datasets.map((d) => d.importJob?.jobName).sort()).toEqual([
      'test-interactions-data_2026_11_30_02_00_00',
      'test-users-data_2026_11_30_02_00_00',
    ]);
  });

  it('ends the run in one Pipeline Failed when the schedule names a solution the file no longer defines', async () => {
    const config = await uploadSeed('sched-c');
    const outcome = await startScheduledRun(
      fired(config, { solutionName: 'retired-solution' }),
      { s3: test.clients.s3, eventBridge, personalize: test.clients.personalize },
      SETTINGS,
    );
    expect(outcome.kind).toBe('rejected');
    const events = published();
    expect(events).toHaveLength(1);
    const detail = pipelineFailed.parse(events[0]);
    expect(detail).toMatchObject({ step: 'intake', datasetGroupName: 'test-dataset-group-name-1', config });
    expect(detail.reason).toBe(
      `the full schedule names solution "retired-solution", which s3://${test.bucket}/train/sched-c/config.json does not define; nothing was run`,
    );
  });

  it('ends the run in one Pipeline Failed when its parameter file was deleted', async () => {
    const config = { bucket: test.bucket, key: 'train/deleted/config.json' };
    const outcome = await startScheduledRun(
      fired(config),
      { s3: test.clients.s3, eventBridge, personalize: test.clients.personalize },
      SETTINGS,
    );
    expect(outcome.kind).toBe('rejected');
    const detail = pipelineFailed.parse(published()[0]);
    expect(detail.reason).toBe(
      `The parameter file s3://${test.bucket}/train/deleted/config.json no longer exists; upload it again or delete its schedules`,
    );
    expect(detail.datasetGroupName).toBe('test-dataset-group-name-1');
  });
});
