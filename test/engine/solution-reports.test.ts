/**
 * What a user reads back about a trained version through the AWS SDK against the local cloud (real
 * engine): each recipe's own metrics under the names its recipe type reports, and with performHPO
 * the chosen hyperparameters in DescribeSolutionVersion's tunedHPOParams.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  GetSolutionMetricsCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import { generateSynthetic, INTERACTIONS_SCHEMA } from './helpers/synthetic';

const BUCKET = 'engine-reports';
let cloud: LocalCloud;
let dataDir: string;
let personalize: PersonalizeClient;
let datasetGroupArn: string;

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 2400; attempt++) {
    const v = await read();
    if (done(v)) return v;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('did not settle');
}

const settled = (status: string | undefined): boolean => status === 'ACTIVE' || status?.includes('FAILED') === true;

async function trainedVersion(name: string, recipe: string, performHPO = false): Promise<string> {
  const { solutionArn } = await personalize.send(
    new CreateSolutionCommand({ name, datasetGroupArn, recipeArn: `arn:aws:personalize:::recipe/${recipe}`, performHPO }),
  );
  await until(
    () => personalize.send(new DescribeSolutionCommand({ solutionArn })),
    (r) => settled(r.solution?.status),
  );
  const { solutionVersionArn } = await personalize.send(new CreateSolutionVersionCommand({ solutionArn }));
  const done = await until(
    () => personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn })),
    (r) => settled(r.solutionVersion?.status),
  );
  expect(done.solutionVersion?.status).toBe('ACTIVE');
  return solutionVersionArn!;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'engine-reports-'));
  cloud = await createLocalCloud({ dataDir, personalizeStepDelayMs: 5 });
  const config = { endpoint: cloud.endpoint, region: cloud.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
  personalize = new PersonalizeClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  await cloud.s3.ensureBucket(BUCKET);
  const data = generateSynthetic({ users: 300, items: 200, interactions: 9000, genres: 8, seed: 3 });
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'interactions.csv', Body: data.interactionsCsv }));
  ({ datasetGroupArn = '' } = await personalize.send(new CreateDatasetGroupCommand({ name: 'reports' })));
  await until(
    () => personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
    (r) => settled(r.datasetGroup?.status),
  );
  const { schemaArn } = await personalize.send(new CreateSchemaCommand({ name: 'reports-interactions', schema: INTERACTIONS_SCHEMA }));
  const { datasetArn } = await personalize.send(
    new CreateDatasetCommand({ name: 'reports-interactions', datasetGroupArn, datasetType: 'Interactions', schemaArn }),
  );
  await until(
    () => personalize.send(new DescribeDatasetCommand({ datasetArn })),
    (r) => settled(r.dataset?.status),
  );
  const { datasetImportJobArn } = await personalize.send(
    new CreateDatasetImportJobCommand({
      jobName: 'reports-1',
      datasetArn,
      dataSource: { dataLocation: `s3://${BUCKET}/interactions.csv` },
      roleArn: 'arn:aws:iam::000000000000:role/personalize',
    }),
  );
  const job = await until(
    () => personalize.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn })),
    (r) => settled(r.datasetImportJob?.status),
  );
  expect(job.datasetImportJob?.status).toBe('ACTIVE');
});

afterAll(async () => {
  await cloud?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('Solution versions: what training reports', () => {
  it('reports the hyperparameters HPO chose in tunedHPOParams, and none without HPO', async () => {
    const tuned = await trainedVersion('tuned', 'aws-user-personalization', true);
    const plain = await trainedVersion('plain', 'aws-user-personalization');
    const described = await personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn: tuned }));
    const chosen = described.solutionVersion?.tunedHPOParams?.algorithmHyperParameters ?? {};
    expect(Object.keys(chosen).sort()).toEqual(['neighbours', 'popularity_blend', 'recency_decay', 'regularization']);
    expect(Number(chosen.regularization)).toBeGreaterThan(0);
    expect(
      (await personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn: plain }))).solutionVersion?.tunedHPOParams,
    ).toBeUndefined();
  });

  it('computes each recipe’s metrics from its own model, named as its recipe type reports them', async () => {
    const metricsOf = async (arn: string): Promise<Record<string, number>> =>
      (await personalize.send(new GetSolutionMetricsCommand({ solutionVersionArn: arn }))).metrics ?? {};
    const personal = await metricsOf(await trainedVersion('personal', 'aws-user-personalization'));
    const ranking = await metricsOf(await trainedVersion('ranking', 'aws-personalized-ranking'));
    const affinity = await metricsOf(await trainedVersion('affinity', 'aws-item-affinity'));
    const ranked = ['coverage', 'mean_reciprocal_rank_at_25', 'normalized_discounted_cumulative_gain_at_10', 'precision_at_10'];
    for (const key of ranked) expect(Object.keys(personal)).toContain(key);
    for (const key of ranked) expect(Object.keys(ranking)).toContain(key);
    // Ranking orders a candidate list that holds the held-out items, not the whole catalogue: its NDCG is higher.
    expect(ranking.normalized_discounted_cumulative_gain_at_10!).toBeGreaterThan(personal.normalized_discounted_cumulative_gain_at_10!);
    expect(Object.keys(affinity).sort()).toEqual(['hits_at_1_percent', 'recall_at_1_percent']);
    expect(affinity.recall_at_1_percent).toBeGreaterThan(0);
  });
});
