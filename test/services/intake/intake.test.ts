import { EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { readFile } from 'node:fs/promises';
import type { S3Event } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pipelineFailed, pipelineRequested } from '@recops/events';
import { stageScopedName } from '@recops/core';
import { describeStatus, ensureDatasetGroup, ensureEventTracker, ensureSolution, loadPlannedRun, ResourceKind } from '@recops/core/ops';
import { takeInConfig } from '../../../services/config-intake/intake';
import { uploadedConfigs, type UploadedObject } from '../../../services/config-intake/notification';
import { generateSeedData, seedExampleText } from '../../e2e/support/data';
import { startTestCloud, type TestCloud } from '../../e2e/support/local';
import { acceptPutEvents, putEventsEntries } from '../bus-mock';

const SETTINGS = { busName: 'recops-bus', stage: 'test', now: () => new Date('2026-01-02T03:04:05Z') };

describe('Service: config-intake', () => {
  let test: TestCloud;
  const eventBridge = new EventBridgeClient({ region: 'us-east-1' });
  const bus = mockClient(eventBridge);
  const published = (): PutEventsRequestEntry[] => putEventsEntries(bus);

  beforeAll(async () => {
    test = await startTestCloud();
  });
  afterAll(async () => test.close());
  beforeEach(() => {
    bus.reset();
    acceptPutEvents(bus);
  });

  async function upload(key: string, body: string): Promise<UploadedObject> {
    const put = await test.clients.s3.send(new PutObjectCommand({ Bucket: test.bucket, Key: key, Body: body }));
    return { bucket: test.bucket, key, eTag: put.ETag, sequencer: put.ETag, eventTime: new Date('2026-01-02T03:04:05Z') };
  }

  async function keysUnder(prefix: string): Promise<string[]> {
    const page = await test.clients.s3.send(new ListObjectsV2Command({ Bucket: test.bucket, Prefix: prefix }));
    return (page.Contents ?? []).map((o) => o.Key ?? '');
  }

  it('publishes Pipeline Requested with the resolved plan and stores the plan under runs/', async () => {
    // Arrange
    const data = generateSeedData();
    await upload('train/dsg-a/users.csv', data.usersCsv);
    await upload('train/dsg-a/interactions.csv', data.interactionsCsv);
    const object = await upload('train/dsg-a/config.json', await seedExampleText());
    // Act
    const outcome = await takeInConfig(object, { s3: test.clients.s3, eventBridge, personalize: test.clients.personalize }, SETTINGS);
    // Assess
    expect(outcome.kind).toBe('requested');
    const entries = published();
    expect(entries).toHaveLength(1);
    const detail = pipelineRequested.parse({
      source: entries[0]?.Source,
      'detail-type': entries[0]?.DetailType,
      detail: JSON.parse(entries[0]?.Detail ?? ''),
    });
    expect(detail).toMatchObject({
      datasetGroupName: 'test-dataset-group-name-1',
      stage: 'test',
      trigger: 'upload',
      config: { bucket: test.bucket, key: 'train/dsg-a/config.json' },
    });
    expect(detail.runId).toMatch(/^2026_01_02_03_04_05-[0-9a-f]{8}$/);
    expect(detail).toMatchObject({ runStamp: '2026_01_02_03_04_05', startedAt: '2026-01-02T03:04:05.000Z', scope: { kind: 'everything' } });
    expect(detail.plan).toEqual({ bucket: test.bucket, key: `runs/test-dataset-group-name-1/${detail.runId}/plan.json` });
    const run = await loadPlannedRun(test.clients.s3, detail.plan);
    expect(run).toMatchObject({
      run: { id: detail.runId, stamp: detail.runStamp, startedAt: detail.startedAt },
      trigger: 'upload',
      scope: { kind: 'everything' },
    });
    const plan = run.plan;
    expect(plan.solutions.map((s) => s.name)).toEqual([
      'test-sims-solution',
      'test-popularity-count-solution',
      'test-user-personalization-solution',
    ]);
    expect(plan.datasets.map((d) => d.importJob?.dataLocation.uri).sort()).toEqual([
      `s3://${test.bucket}/train/dsg-a/interactions.csv`,
      `s3://${test.bucket}/train/dsg-a/users.csv`,
    ]);
    expect(await keysUnder(`runs/test-dataset-group-name-1/${detail.runId}/`)).toEqual([
      `runs/test-dataset-group-name-1/${detail.runId}/plan.json`,
    ]);
  });

  it('finds a folder of CSV parts when there is no <type>.csv', async () => {
    const data = generateSeedData();
    await upload('train/dsg-b/users.csv', data.usersCsv);
    const [header, ...rows] = data.interactionsCsv.trim().split('\n');
    await upload('train/dsg-b/interactions/part-1.csv', `${header}\n${rows.slice(0, 100).join('\n')}\n`);
    await upload('train/dsg-b/interactions/part-2.csv', `${header}\n${rows.slice(100).join('\n')}\n`);
    const object = await upload('train/dsg-b/config.json', await seedExampleText());
    const outcome = await takeInConfig(object, { s3: test.clients.s3, eventBridge, personalize: test.clients.personalize }, SETTINGS);
    expect(outcome.kind).toBe('requested');
    const detail = JSON.parse(published()[0]?.Detail ?? '') as { plan: { bucket: string; key: string } };
    const { plan } = await loadPlannedRun(test.clients.s3, detail.plan);
    const interactions = plan.datasets.find((d) => d.type === 'INTERACTIONS');
    expect(interactions?.importJob?.dataLocation).toMatchObject({ uri: `s3://${test.bucket}/train/dsg-b/interactions/`, kind: 'folder' });
  });

  it('returns the same runId and publishes the same request for a duplicated notification', async () => {
    const data = generateSeedData();
    await upload('train/dsg-c/users.csv', data.usersCsv);
    await upload('train/dsg-c/interactions.csv', data.interactionsCsv);
    const object = await upload('train/dsg-c/config.json', await seedExampleText());
    const first = await takeInConfig(object, { s3: test.clients.s3, eventBridge, personalize: test.clients.personalize }, SETTINGS);
    const second = await takeInConfig(object, { s3: test.clients.s3, eventBridge, personalize: test.clients.personalize }, SETTINGS);
    expect(first.kind === 'requested' && second.kind === 'requested' && first.runId === second.runId).toBe(true);
    const [a, b] = published();
    expect(a?.Detail).toBe(b?.Detail);
  });

  it('publishes one Pipeline Failed naming every error of a broken file, and writes no plan, only the refusal for recops status', async () => {
    // Arrange: three independent mistakes.
    const file = JSON.parse(await seedExampleText()) as Record<string, any>;
    file.solutions[0].serviceConfig.recipeArn = 'arn:aws:personalize:::recipe/aws-not-a-recipe';
    file.solutions[1].serviceConfig.name = 'bad name!';
    file.datasetGroup.workflowConfig.schedules.import = 'cron(0 */6 * * *)';
    const object = await upload('train/dsg-d/config.json', JSON.stringify(file));
    // Act
    const outcome = await takeInConfig(object, { s3: test.clients.s3, eventBridge, personalize: test.clients.personalize }, SETTINGS);
    // Assess
    expect(outcome.kind).toBe('rejected');
    const entries = published();
    expect(entries).toHaveLength(1);
    const detail = pipelineFailed.parse({
      source: entries[0]?.Source,
      'detail-type': entries[0]?.DetailType,
      detail: JSON.parse(entries[0]?.Detail ?? ''),
    });
    expect(detail).toMatchObject({ step: 'intake', datasetGroupName: 'test-dataset-group-name-1' });
    const paths = detail.errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'solutions[0].serviceConfig.recipeArn',
        'solutions[1].serviceConfig.name',
        'datasetGroup.workflowConfig.schedules.import',
      ]),
    );
    expect(detail.reason).toMatch(/is invalid \(\d+ errors\); nothing was created/);
    expect((await keysUnder('runs/test-dataset-group-name-1/')).filter((key) => key.includes(detail.runId))).toEqual([
      `runs/test-dataset-group-name-1/${detail.runId}/rejected.json`,
    ]);
  });

  it('rejects a file that is not JSON with the line and column', async () => {
    const object = await upload('train/dsg-e/config.json', '{\n  "datasetGroup": {,\n}');
    await takeInConfig(object, { s3: test.clients.s3, eventBridge, personalize: test.clients.personalize }, SETTINGS);
    const detail = JSON.parse(published()[0]?.Detail ?? '') as { errors: { path: string; message: string }[]; datasetGroupName: string };
    expect(detail.datasetGroupName).toBe('test-dsg-e');
    expect(detail.errors[0]?.message).toMatch(/line 2, column \d+/);
  });

  it("ends the run at intake, naming the field, when the stage's prefix makes a name longer than Personalize allows", async () => {
    const file = JSON.parse(await seedExampleText()) as Record<string, any>;
    file.datasetGroup.serviceConfig.name = `g${'x'.repeat(60)}`;
    const data = generateSeedData();
    await upload('train/dsg-long/users.csv', data.usersCsv);
    await upload('train/dsg-long/interactions.csv', data.interactionsCsv);
    const object = await upload('train/dsg-long/config.json', JSON.stringify(file));
    const outcome = await takeInConfig(object, { s3: test.clients.s3, eventBridge, personalize: test.clients.personalize }, SETTINGS);
    expect(outcome.kind).toBe('rejected');
    const [entry] = published();
    const detail = pipelineFailed.parse({
      source: entry?.Source,
      'detail-type': entry?.DetailType,
      detail: JSON.parse(entry?.Detail ?? ''),
    });
    expect(detail.step).toBe('intake');
    expect(detail.errors).toEqual([
      {
        path: 'datasetGroup.serviceConfig.name',
        message: `as stage test's Personalize name "test-gxxxxxxxxxxxxxxxxxxx…" it has 66 characters; Personalize allows at most 63 (shorten it by 3)`,
      },
    ]);
    // Nothing was planned for it.
    expect((await keysUnder('runs/')).filter((key) => key.includes(detail.runId) && key.endsWith('/plan.json'))).toEqual([]);
  });

  it('rejects a file whose CSVs are missing, naming where it looked', async () => {
    const object = await upload('train/dsg-f/config.json', await seedExampleText());
    await takeInConfig(object, { s3: test.clients.s3, eventBridge, personalize: test.clients.personalize }, SETTINGS);
    const detail = JSON.parse(published()[0]?.Detail ?? '') as { errors: { path: string; message: string }[] };
    expect(detail.errors.map((e) => e.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`s3://${test.bucket}/train/dsg-f/users.csv or the folder s3://${test.bucket}/train/dsg-f/users/`),
        expect.stringContaining(`s3://${test.bucket}/train/dsg-f/interactions.csv`),
      ]),
    );
  });

  it('takes in a CDK-format file with the import locations it names', async () => {
    // Arrange: the CDK sample with its placeholder bucket replaced, and its CSVs in place.
    const text = (await readFile(`${import.meta.dirname}/../../core/fixtures/cdk/input_media.json`, 'utf8')).replaceAll(
      '<REPLACE_WITH_S3_BUCKET_NAME>',
      `${test.bucket}/train/cdk`,
    );
    for (const name of ['users.csv', 'item-meta.csv', 'interactions.csv']) await upload(`train/cdk/${name}`, 'X\n');
    const object = await upload('train/cdk/config.json', text);
    // Act
    const outcome = await takeInConfig(object, { s3: test.clients.s3, eventBridge, personalize: test.clients.personalize }, SETTINGS);
    // Assess
    expect(outcome.kind).toBe('requested');
    const detail = JSON.parse(published()[0]?.Detail ?? '') as { plan: { bucket: string; key: string } };
    const { plan } = await loadPlannedRun(test.clients.s3, detail.plan);
    expect(plan.format).toBe('cdk');
    expect(plan.datasets.map((d) => d.importJob?.dataLocation.uri).sort()).toEqual(
      ['interactions.csv', 'item-meta.csv', 'users.csv'].map((n) => `s3://${test.bucket}/train/cdk/${n}`),
    );
  });

  it('returns gone for an object deleted before intake', async () => {
    const outcome = await takeInConfig(
      { bucket: test.bucket, key: 'train/nothing/config.json', eTag: undefined, sequencer: 'x', eventTime: new Date() },
      { s3: test.clients.s3, eventBridge, personalize: test.clients.personalize },
      SETTINGS,
    );
    expect(outcome).toEqual({ kind: 'gone' });
    expect(published()).toHaveLength(0);
    await expect(test.clients.s3.send(new GetObjectCommand({ Bucket: test.bucket, Key: 'train/nothing/config.json' }))).rejects.toThrow();
  });

  it('fails the run at once, creating nothing, when a name of the file is used by another dataset group', async () => {
    // Arrange: another group holds the seed's sims solution and event tracker names (as this stage names them).
    const { personalize } = test.clients;
    const other = await ensureDatasetGroup(personalize, { name: 'other-group' });
    for (let i = 0; (await describeStatus(personalize, ResourceKind.datasetGroup, other.arn)).status !== 'ACTIVE'; i++) {
      if (i > 400) throw new Error('other-group did not become ACTIVE');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const recipeArn = 'arn:aws:personalize:::recipe/aws-sims';
    await ensureSolution(personalize, { datasetGroupArn: other.arn, name: stageScopedName(SETTINGS.stage, 'sims-solution'), recipeArn });
    await ensureEventTracker(personalize, {
      datasetGroupArn: other.arn,
      name: stageScopedName(SETTINGS.stage, 'dataset-group-name-event-tracker'),
    });
    const data = generateSeedData();
    await upload('train/dsg-clash/users.csv', data.usersCsv);
    await upload('train/dsg-clash/interactions.csv', data.interactionsCsv);
    const object = await upload('train/dsg-clash/config.json', await seedExampleText());

    // Act
    const outcome = await takeInConfig(object, { s3: test.clients.s3, eventBridge, personalize }, SETTINGS);

    // Assess: one Pipeline Failed naming each resource, name, the other group and the rule; no run document.
    if (outcome.kind !== 'rejected') throw new Error(`expected the run rejected, got ${outcome.kind}`);
    const entries = published();
    expect(entries.map((e) => e.DetailType)).toEqual(['Pipeline Failed']);
    const detail = pipelineFailed.parse({
      source: entries[0]?.Source,
      'detail-type': entries[0]?.DetailType,
      detail: JSON.parse(entries[0]?.Detail ?? ''),
    });
    expect(detail.step).toBe('intake');
    expect(detail.reason).toMatch(
      /^2 names of the parameter file .* are already used by another dataset group \(Personalize names are account-wide\); nothing was created$/,
    );
    expect(detail.errors.map((e) => e.message).sort()).toEqual([
      `event tracker name "${stageScopedName(SETTINGS.stage, 'dataset-group-name-event-tracker')}" is already used by the dataset group ${other.arn}; Personalize names are account-wide, so choose another name`,
      `solution name "${stageScopedName(SETTINGS.stage, 'sims-solution')}" is already used by the dataset group ${other.arn}; Personalize names are account-wide, so choose another name`,
    ]);
    expect(await keysUnder('runs/')).toEqual(expect.not.arrayContaining([expect.stringContaining(`${outcome.runId}/plan.json`)]));
  });
});

describe('Function: uploadedConfigs', () => {
  it('returns URL-decoded train/**.json objects and skips everything else', () => {
    const record = (key: string, eventName = 'ObjectCreated:Put') => ({
      eventName,
      eventTime: '2026-01-01T00:00:00.000Z',
      s3: { bucket: { name: 'b' }, object: { key, eTag: 'e', sequencer: '01' } },
    });
    const event = {
      Records: [
        record('train/my+dsg/config%281%29.json'),
        record('train/dsg/users.csv'),
        record('batch/dsg/job_config.json'),
        record('train/dsg/config.json', 'ObjectRemoved:Delete'),
      ],
    } as unknown as S3Event;
    expect(uploadedConfigs(event).map((o) => o.key)).toEqual(['train/my dsg/config(1).json']);
  });
});
