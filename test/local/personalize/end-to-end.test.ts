/**
 * The local Personalize with the real engine, driven only through the SDK clients: import →
 * solution → version → metrics → campaign → filtered recommendations → PutEvents changes the
 * answer → batch inference and batch segment outputs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBatchInferenceJobCommand,
  CreateBatchSegmentJobCommand,
  CreateDatasetCommand,
  CreateDatasetImportJobCommand,
  CreateEventTrackerCommand,
  CreateFilterCommand,
  CreateSchemaCommand,
  DescribeBatchInferenceJobCommand,
  DescribeBatchSegmentJobCommand,
  DescribeDatasetCommand,
  DescribeDatasetImportJobCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
  GetSolutionMetricsCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { PersonalizeEventsClient, PutEventsCommand } from '@aws-sdk/client-personalize-events';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import { generateSynthetic, INTERACTIONS_SCHEMA, ITEMS_SCHEMA, T0 } from '../../engine/helpers/synthetic';
import { waitFor } from './harness';
import { activeCampaign, activeDatasetGroup, activeSolution, settledVersion } from './setup';

const BUCKET = 'recops-e2e';
const ROLE = 'arn:aws:iam::000000000000:role/personalize';
const GENRES = 10;

describe('Personalize end to end: SDK clients against the local cloud with the real engine', () => {
  let dir: string;
  let cloud: LocalCloud;
  let personalize: PersonalizeClient;
  let runtime: PersonalizeRuntimeClient;
  let events: PersonalizeEventsClient;
  let s3: S3Client;
  let datasetGroupArn: string;
  let solutionVersionArn: string;
  let campaignArn: string;

  const data = generateSynthetic({ users: 200, items: 150, interactions: 6000, genres: GENRES, seed: 11 });
  const hasGenre = (itemId: string, genre: number): boolean => {
    const n = Number(itemId.slice(1));
    return n % GENRES === genre || (n % 7 === 0 && ((n % GENRES) + 1) % GENRES === genre);
  };

  async function importCsv(type: 'Interactions' | 'Items', schema: string, key: string, body: string): Promise<void> {
    const { schemaArn } = await personalize.send(new CreateSchemaCommand({ name: `e2e-${type.toLowerCase()}`, schema }));
    const { datasetArn } = await personalize.send(
      new CreateDatasetCommand({ name: `e2e-${type.toLowerCase()}`, schemaArn, datasetGroupArn, datasetType: type }),
    );
    await waitFor(
      () => personalize.send(new DescribeDatasetCommand({ datasetArn })),
      (out) => out.dataset?.status === 'ACTIVE',
    );
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    const { datasetImportJobArn } = await personalize.send(
      new CreateDatasetImportJobCommand({
        jobName: `e2e-${type.toLowerCase()}`,
        datasetArn,
        dataSource: { dataLocation: `s3://${BUCKET}/${key}` },
        roleArn: ROLE,
      }),
    );
    const job = await waitFor(
      () => personalize.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn })),
      (out) => out.datasetImportJob?.status === 'ACTIVE' || out.datasetImportJob?.status === 'CREATE FAILED',
    );
    expect(job.datasetImportJob?.failureReason).toBeUndefined();
  }

  async function readLines(key: string): Promise<Record<string, unknown>[]> {
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const text = await object.Body!.transformToString();
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recops-personalize-e2e-'));
    cloud = await createLocalCloud({ dataDir: dir, personalizeStepDelayMs: 0 });
    const config = { endpoint: cloud.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    personalize = new PersonalizeClient(config);
    runtime = new PersonalizeRuntimeClient(config);
    events = new PersonalizeEventsClient(config);
    s3 = new S3Client({ ...config, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    datasetGroupArn = await activeDatasetGroup(personalize, 'e2e');
    await importCsv('Interactions', INTERACTIONS_SCHEMA, 'train/interactions.csv', data.interactionsCsv);
    await importCsv('Items', ITEMS_SCHEMA, 'train/items.csv', data.itemsCsv);
  });
  afterAll(async () => {
    personalize?.destroy();
    runtime?.destroy();
    events?.destroy();
    s3?.destroy();
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('trains a version with metrics and serves filtered recommendations from a campaign', async () => {
    const solutionArn = await activeSolution(personalize, datasetGroupArn, 'e2e-personal');
    const version = await settledVersion(personalize, solutionArn);
    expect(version.failureReason).toBeUndefined();
    expect(version.status).toBe('ACTIVE');
    solutionVersionArn = version.solutionVersionArn as string;
    const { metrics } = await personalize.send(new GetSolutionMetricsCommand({ solutionVersionArn }));
    expect(metrics?.['normalized_discounted_cumulative_gain_at_10']).toBeGreaterThan(0);
    expect(metrics?.['coverage']).toBeGreaterThan(0);

    campaignArn = await activeCampaign(personalize, solutionVersionArn, 'e2e');
    const { filterArn } = await personalize.send(
      new CreateFilterCommand({ name: 'e2e-genre', datasetGroupArn, filterExpression: 'INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)' }),
    );
    await waitFor(
      () => personalize.send(new DescribeFilterCommand({ filterArn })),
      (out) => out.filter?.status === 'ACTIVE',
    );
    const invalid = personalize.send(
      new CreateFilterCommand({ name: 'e2e-bad', datasetGroupArn, filterExpression: 'INCLUDE ItemID WHER Items.GENRES IN ("g1")' }),
    );
    await expect(invalid).rejects.toMatchObject({
      name: 'InvalidInputException',
      message: expect.stringMatching(/^Could not create filter\. .*WHER/),
    });
    const filtered = await runtime.send(
      new GetRecommendationsCommand({ campaignArn, userId: 'u1', numResults: 10, filterArn, filterValues: { GENRE: '"g3"' } }),
    );
    expect(filtered.itemList?.length).toBeGreaterThan(0);
    for (const item of filtered.itemList ?? []) expect(hasGenre(item.itemId as string, 3)).toBe(true);
    expect(filtered.recommendationId).toBeTruthy();
  });

  it('returns cold-start scores for an unknown user on the scale of personalized ones', async () => {
    const cold = await runtime.send(new GetRecommendationsCommand({ campaignArn, userId: 'never-seen-user', numResults: 10 }));
    const scores = (cold.itemList ?? []).map((item) => item.score as number);
    expect(scores).toHaveLength(10);
    expect(scores[0]).toBe(1);
    for (const score of scores) expect(score).toBeGreaterThan(0);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('refuses CreateFilter on a field the group schemas lack, a boolean or textual field, or a missing dataset', async () => {
    const groupArn = await activeDatasetGroup(personalize, 'e2e-filter-fields');
    const schema = JSON.stringify({
      type: 'record',
      name: 'Items',
      namespace: 'com.amazonaws.personalize.schema',
      fields: [
        { name: 'ITEM_ID', type: 'string' },
        { name: 'BRAND', type: 'string', categorical: true },
        { name: 'IN_STOCK', type: 'boolean' },
        { name: 'DESCRIPTION', type: ['null', 'string'], textual: true },
      ],
      version: '1.0',
    });
    const { schemaArn } = await personalize.send(new CreateSchemaCommand({ name: 'e2e-filter-items', schema }));
    const { datasetArn } = await personalize.send(
      new CreateDatasetCommand({ name: 'e2e-filter-items', schemaArn, datasetGroupArn: groupArn, datasetType: 'Items' }),
    );
    await waitFor(
      () => personalize.send(new DescribeDatasetCommand({ datasetArn })),
      (out) => out.dataset?.status === 'ACTIVE',
    );
    const create = (name: string, filterExpression: string) =>
      personalize.send(new CreateFilterCommand({ name, datasetGroupArn: groupArn, filterExpression }));
    const refused = (message: RegExp) => ({ name: 'InvalidInputException', message: expect.stringMatching(message) });
    await expect(create('f-color', 'INCLUDE ItemID WHERE Items.COLOR IN ("red")')).rejects.toMatchObject(
      refused(/^Could not create filter\. Items\.COLOR is not a field of the Items schema/),
    );
    await expect(create('f-stock', 'EXCLUDE ItemID WHERE Items.IN_STOCK IN ("false")')).rejects.toMatchObject(
      refused(/Items\.IN_STOCK is a boolean field/),
    );
    await expect(create('f-text', 'INCLUDE ItemID WHERE Items.DESCRIPTION IN ("x")')).rejects.toMatchObject(
      refused(/Items\.DESCRIPTION is a textual field/),
    );
    await expect(create('f-users', 'INCLUDE ItemID WHERE Items.BRAND IN ("a") IF CurrentUser.AGE > 18')).rejects.toMatchObject(
      refused(/CurrentUser\.AGE refers to the Users dataset, which the dataset group does not have/),
    );
    const { filterArn } = await create('f-brand', 'INCLUDE ItemID WHERE Items.BRAND IN ($BRAND)');
    await waitFor(
      () => personalize.send(new DescribeFilterCommand({ filterArn })),
      (out) => out.filter?.status === 'ACTIVE',
    );
  });

  it('changes the next answer after PutEvents', async () => {
    const { eventTrackerArn, trackingId } = await personalize.send(new CreateEventTrackerCommand({ name: 'e2e-tracker', datasetGroupArn }));
    await waitFor(
      () => personalize.send(new DescribeEventTrackerCommand({ eventTrackerArn })),
      (out) => out.eventTracker?.status === 'ACTIVE',
    );
    const before = await runtime.send(new GetRecommendationsCommand({ campaignArn, userId: 'u5', numResults: 10 }));
    // u5 suddenly binges one genre it never favoured.
    const favourites = data.favouritesOfUser(5);
    const genre = Array.from({ length: GENRES }, (_, g) => g).find((g) => !favourites.includes(g)) as number;
    const binge = Array.from({ length: 150 }, (_, n) => `i${n}`)
      .filter((id) => Number(id.slice(1)) % GENRES === genre)
      .slice(0, 10);
    for (let start = 0; start < binge.length; start += 5) {
      await events.send(
        new PutEventsCommand({
          trackingId,
          sessionId: 'e2e-session',
          userId: 'u5',
          eventList: binge
            .slice(start, start + 5)
            .map((itemId, index) => ({ eventType: 'click', itemId, sentAt: new Date((T0 + 10_000_000 + start + index) * 1000) })),
        }),
      );
    }
    const after = await runtime.send(new GetRecommendationsCommand({ campaignArn, userId: 'u5', numResults: 10 }));
    expect(after.itemList?.map((item) => item.itemId)).not.toEqual(before.itemList?.map((item) => item.itemId));
  });

  it('writes well-formed batch inference and batch segment outputs', async () => {
    const users = ['u1', 'u2', 'u3'].map((userId) => JSON.stringify({ userId })).join('\n');
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'batch/in/users.json', Body: `${users}\n` }));
    const { batchInferenceJobArn } = await personalize.send(
      new CreateBatchInferenceJobCommand({
        jobName: 'e2e-batch',
        solutionVersionArn,
        numResults: 5,
        jobInput: { s3DataSource: { path: `s3://${BUCKET}/batch/in/users.json` } },
        jobOutput: { s3DataDestination: { path: `s3://${BUCKET}/batch/out/` } },
        roleArn: ROLE,
      }),
    );
    const inference = await waitFor(
      () => personalize.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn })),
      (out) => out.batchInferenceJob?.status === 'ACTIVE' || out.batchInferenceJob?.status === 'CREATE FAILED',
    );
    expect(inference.batchInferenceJob?.failureReason).toBeUndefined();
    const lines = await readLines('batch/out/users.json.out');
    expect(lines.map((line) => line['input'])).toEqual([{ userId: 'u1' }, { userId: 'u2' }, { userId: 'u3' }]);
    for (const line of lines) {
      const output = line['output'] as { recommendedItems: string[]; scores: number[] };
      expect(output.recommendedItems).toHaveLength(5);
      expect(output.scores).toHaveLength(5);
      expect(line['error']).toBeNull();
    }

    const affinity = await activeSolution(personalize, datasetGroupArn, 'e2e-affinity', 'aws-item-affinity');
    const segmentVersion = await settledVersion(personalize, affinity);
    expect(segmentVersion.failureReason).toBeUndefined();
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'segment/in/items.json',
        Body: `${JSON.stringify({ itemId: 'i3' })}\n${JSON.stringify({ itemId: 'i4' })}\n`,
      }),
    );
    const { batchSegmentJobArn } = await personalize.send(
      new CreateBatchSegmentJobCommand({
        jobName: 'e2e-segment',
        solutionVersionArn: segmentVersion.solutionVersionArn,
        numResults: 7,
        jobInput: { s3DataSource: { path: `s3://${BUCKET}/segment/in/items.json` } },
        jobOutput: { s3DataDestination: { path: `s3://${BUCKET}/segment/out/` } },
        roleArn: ROLE,
      }),
    );
    const segment = await waitFor(
      () => personalize.send(new DescribeBatchSegmentJobCommand({ batchSegmentJobArn })),
      (out) => out.batchSegmentJob?.status === 'ACTIVE' || out.batchSegmentJob?.status === 'CREATE FAILED',
    );
    expect(segment.batchSegmentJob?.failureReason).toBeUndefined();
    const segments = await readLines('segment/out/items.json.out');
    expect(segments.map((line) => line['input'])).toEqual([{ itemId: 'i3' }, { itemId: 'i4' }]);
    for (const line of segments) expect((line['output'] as { recommendedUsers: string[] }).recommendedUsers).toHaveLength(7);
  });
});
