import {
  CreateBatchInferenceJobCommand,
  CreateBatchSegmentJobCommand,
  CreateCampaignCommand,
  CreateDatasetImportJobCommand,
  CreateRecommenderCommand,
  CreateSolutionVersionCommand,
  DeleteCampaignCommand,
  DeleteRecommenderCommand,
  DeleteSolutionCommand,
  DescribeBatchInferenceJobCommand,
  DescribeBatchSegmentJobCommand,
  DescribeCampaignCommand,
  DescribeRecommenderCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  GetSolutionMetricsCommand,
  ListBatchInferenceJobsCommand,
  ListBatchSegmentJobsCommand,
  ListCampaignsCommand,
  ListDatasetImportJobsCommand,
  ListRecommendersCommand,
  ListSolutionVersionsCommand,
  StartRecommenderCommand,
  StopRecommenderCommand,
  StopSolutionVersionCreationCommand,
  UpdateCampaignCommand,
  UpdateRecommenderCommand,
} from '@aws-sdk/client-personalize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatchJobInput, ImportDatasetInput, TrainInput } from '@recops/engine';
import { ensureBatchJob } from '@recops/core/ops';
import { personalizeSchema } from '../../support/personalize-schema';
import { FAKE_METRICS } from './fake-engine';
import { errorName, type Harness, startHarness, waitFor } from './harness';
import { activeCampaign, activeDataset, activeDatasetGroup, activeSolution, settledImport, settledVersion, trainedVersion } from './setup';

const ROLE = 'arn:aws:iam::000000000000:role/personalize';

describe('Personalize jobs: dataset import', () => {
  let h: Harness;
  let datasetArn: string;
  let datasetGroupArn: string;
  beforeEach(async () => {
    h = await startHarness();
    datasetGroupArn = await activeDatasetGroup(h.personalize, 'imports');
    datasetArn = await activeDataset(h.personalize, datasetGroupArn, 'interactions');
  });
  afterEach(async () => {
    await h.close();
  });

  it('runs the import in the engine and becomes ACTIVE', async () => {
    const job = await settledImport(h.personalize, datasetArn, 'import-1');
    expect(job).toMatchObject({ status: 'ACTIVE', importMode: 'FULL', dataSource: { dataLocation: 's3://bucket/interactions.csv' } });
    const [call] = h.engine.callsOf('importDataset') as ImportDatasetInput[];
    expect(call).toMatchObject({
      datasetGroupArn,
      datasetArn,
      datasetType: 'INTERACTIONS',
      dataLocation: 's3://bucket/interactions.csv',
      importMode: 'FULL',
    });
    expect(JSON.parse(call!.schema).name).toBe('Interactions');
    const listed = await h.personalize.send(new ListDatasetImportJobsCommand({ datasetArn }));
    expect(listed.datasetImportJobs?.map((entry) => entry.jobName)).toEqual(['import-1']);
  });

  it('goes to CREATE FAILED with the engine message as failureReason', async () => {
    h.engine.failures.importDataset = 'Import failed: s3://bucket/interactions.csv line 3: field TIMESTAMP is not a long';
    const job = await settledImport(h.personalize, datasetArn, 'import-bad');
    expect(job).toMatchObject({
      status: 'CREATE FAILED',
      failureReason: 'Import failed: s3://bucket/interactions.csv line 3: field TIMESTAMP is not a long',
    });
  });

  it('refuses a sixth pending import with LimitExceededException and a non-S3 location with InvalidInputException', async () => {
    const release = h.engine.hold('importDataset');
    for (let index = 0; index < 5; index += 1) {
      await h.personalize.send(
        new CreateDatasetImportJobCommand({
          jobName: `held-${index}`,
          datasetArn,
          dataSource: { dataLocation: 's3://bucket/x.csv' },
          roleArn: ROLE,
        }),
      );
    }
    const sixth = h.personalize.send(
      new CreateDatasetImportJobCommand({
        jobName: 'held-5',
        datasetArn,
        dataSource: { dataLocation: 's3://bucket/x.csv' },
        roleArn: ROLE,
      }),
    );
    await expect(sixth).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'More than 5 resources with PENDING or IN_PROGRESS status.',
    });
    expect(
      await errorName(
        h.personalize.send(new CreateDatasetImportJobCommand({ jobName: 'local', datasetArn, dataSource: { dataLocation: '/tmp/x.csv' } })),
      ),
    ).toBe('InvalidInputException');
    expect(
      await errorName(
        h.personalize.send(
          new CreateDatasetImportJobCommand({ jobName: 'held-0', datasetArn, dataSource: { dataLocation: 's3://bucket/x.csv' } }),
        ),
      ),
    ).toBe('ResourceAlreadyExistsException');
    release();
  });
});

describe('Personalize jobs: solution versions and campaigns', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('trains a version through the engine and serves its metrics', async () => {
    const { datasetGroupArn, solutionArn, solutionVersionArn } = await trainedVersion(h.personalize, 'train');
    expect(solutionVersionArn).toMatch(new RegExp(`^${solutionArn}/[0-9a-f]{8}$`));
    const version = await h.personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn }));
    expect(version.solutionVersion).toMatchObject({
      status: 'ACTIVE',
      trainingMode: 'FULL',
      trainingType: 'MANUAL',
      recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
      datasetGroupArn,
    });
    const [call] = h.engine.callsOf('trainSolutionVersion') as TrainInput[];
    expect(call).toMatchObject({ datasetGroupArn, solutionVersionArn, trainingMode: 'FULL', performHPO: false });
    const metrics = await h.personalize.send(new GetSolutionMetricsCommand({ solutionVersionArn }));
    expect(metrics).toMatchObject({ solutionVersionArn, metrics: FAKE_METRICS });
    const solution = await h.personalize.send(new DescribeSolutionCommand({ solutionArn }));
    expect(solution.solution?.latestSolutionVersion).toMatchObject({ solutionVersionArn, status: 'ACTIVE' });
    const listed = await h.personalize.send(new ListSolutionVersionsCommand({ solutionArn }));
    expect(listed.solutionVersions?.map((entry) => entry.solutionVersionArn)).toEqual([solutionVersionArn]);
  });

  it('builds an UPDATE on the latest ACTIVE version and refuses UPDATE without one or for other recipes', async () => {
    const datasetGroupArn = await activeDatasetGroup(h.personalize, 'upd');
    const solutionArn = await activeSolution(h.personalize, datasetGroupArn, 'personal');
    expect(await errorName(h.personalize.send(new CreateSolutionVersionCommand({ solutionArn, trainingMode: 'UPDATE' })))).toBe(
      'InvalidInputException',
    );
    const full = await settledVersion(h.personalize, solutionArn);
    const update = await settledVersion(h.personalize, solutionArn, 'UPDATE');
    expect(update.status).toBe('ACTIVE');
    const calls = h.engine.callsOf('trainSolutionVersion') as TrainInput[];
    expect(calls[1]).toMatchObject({ trainingMode: 'UPDATE', baseSolutionVersionArn: full.solutionVersionArn });
    const sims = await activeSolution(h.personalize, datasetGroupArn, 'sims', 'aws-sims');
    await settledVersion(h.personalize, sims);
    expect(await errorName(h.personalize.send(new CreateSolutionVersionCommand({ solutionArn: sims, trainingMode: 'UPDATE' })))).toBe(
      'InvalidInputException',
    );
  });

  it('refuses a second version of one name on a solution with ResourceAlreadyExistsException, as Personalize does', async () => {
    const datasetGroupArn = await activeDatasetGroup(h.personalize, 'named');
    const solutionArn = await activeSolution(h.personalize, datasetGroupArn, 'first');
    const other = await activeSolution(h.personalize, datasetGroupArn, 'second');
    const { solutionVersionArn } = await h.personalize.send(new CreateSolutionVersionCommand({ solutionArn, name: 'run-1' }));
    expect(await errorName(h.personalize.send(new CreateSolutionVersionCommand({ solutionArn, name: 'run-1' })))).toBe(
      'ResourceAlreadyExistsException',
    );
    // The name is the solution's: another solution may use it.
    const elsewhere = await h.personalize.send(new CreateSolutionVersionCommand({ solutionArn: other, name: 'run-1' }));
    expect(elsewhere.solutionVersionArn).toMatch(new RegExp(`^${other}/`));
    const listed = await h.personalize.send(new ListSolutionVersionsCommand({ solutionArn }));
    expect(listed.solutionVersions?.map((entry) => entry.solutionVersionArn)).toEqual([solutionVersionArn]);
  });

  it('fails a version with the engine reason, and stops one in progress', async () => {
    const datasetGroupArn = await activeDatasetGroup(h.personalize, 'fail');
    const solutionArn = await activeSolution(h.personalize, datasetGroupArn, 'sol');
    h.engine.failures.trainSolutionVersion = 'Create failed. Dataset has fewer than 25 users with at least 2 interactions each.';
    const failed = await settledVersion(h.personalize, solutionArn);
    expect(failed).toMatchObject({
      status: 'CREATE FAILED',
      failureReason: 'Create failed. Dataset has fewer than 25 users with at least 2 interactions each.',
    });
    expect(await errorName(h.personalize.send(new GetSolutionMetricsCommand({ solutionVersionArn: failed.solutionVersionArn })))).toBe(
      'ResourceInUseException',
    );

    delete h.engine.failures.trainSolutionVersion;
    const release = h.engine.hold('trainSolutionVersion');
    const { solutionVersionArn } = await h.personalize.send(new CreateSolutionVersionCommand({ solutionArn }));
    await waitFor(
      () => Promise.resolve(h.engine.waitingCount('trainSolutionVersion')),
      (count) => count === 1,
    );
    expect(await errorName(h.personalize.send(new DeleteSolutionCommand({ solutionArn })))).toBe('ResourceInUseException');
    await h.personalize.send(new StopSolutionVersionCreationCommand({ solutionVersionArn }));
    const stopping = await h.personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn }));
    expect(['CREATE STOPPING', 'CREATE STOPPED']).toContain(stopping.solutionVersion?.status);
    release();
    const stopped = await waitFor(
      () => h.personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn })),
      (out) => out.solutionVersion?.status === 'CREATE STOPPED',
    );
    expect(stopped.solutionVersion?.status).toBe('CREATE STOPPED');
    expect(await errorName(h.personalize.send(new StopSolutionVersionCreationCommand({ solutionVersionArn })))).toBe(
      'ResourceInUseException',
    );
  });

  it('deploys a version in a campaign, updates it through latestCampaignUpdate, and deletes it', async () => {
    const { solutionArn, solutionVersionArn } = await trainedVersion(h.personalize, 'camp');
    const campaignArn = await activeCampaign(h.personalize, solutionVersionArn, 'camp');
    expect(campaignArn).toBe('arn:aws:personalize:us-east-1:000000000000:campaign/camp');
    const described = await h.personalize.send(new DescribeCampaignCommand({ campaignArn }));
    expect(described.campaign).toMatchObject({ name: 'camp', solutionVersionArn, minProvisionedTPS: 1, status: 'ACTIVE' });
    expect(await errorName(h.personalize.send(new CreateCampaignCommand({ name: 'camp', solutionVersionArn })))).toBe(
      'ResourceAlreadyExistsException',
    );
    expect(await errorName(h.personalize.send(new DeleteSolutionCommand({ solutionArn })))).toBe('ResourceInUseException');

    const second = await settledVersion(h.personalize, solutionArn);
    await h.personalize.send(
      new UpdateCampaignCommand({ campaignArn, solutionVersionArn: second.solutionVersionArn, minProvisionedTPS: 2 }),
    );
    const during = await h.personalize.send(new DescribeCampaignCommand({ campaignArn }));
    expect(during.campaign?.status).toBe('ACTIVE');
    const updated = await waitFor(
      () => h.personalize.send(new DescribeCampaignCommand({ campaignArn })),
      (out) => out.campaign?.latestCampaignUpdate?.status === 'ACTIVE',
    );
    expect(updated.campaign).toMatchObject({ solutionVersionArn: second.solutionVersionArn, minProvisionedTPS: 2, status: 'ACTIVE' });
    const listed = await h.personalize.send(new ListCampaignsCommand({ solutionArn }));
    expect(listed.campaigns?.map((entry) => entry.campaignArn)).toEqual([campaignArn]);

    await h.personalize.send(new DeleteCampaignCommand({ campaignArn }));
    // With instant steps the campaign may already be gone; if not, it shows a delete state.
    const deleting = await h.personalize.send(new DescribeCampaignCommand({ campaignArn })).catch(() => undefined);
    if (deleting !== undefined) expect(['DELETE PENDING', 'DELETE IN_PROGRESS']).toContain(deleting.campaign?.status);
    await waitFor(
      () => errorName(h.personalize.send(new DescribeCampaignCommand({ campaignArn }))),
      (name) => name === 'ResourceNotFoundException',
    );
  });

  it('resolves $LATEST and follows new versions with syncWithLatestSolutionVersion', async () => {
    const { solutionArn, solutionVersionArn } = await trainedVersion(h.personalize, 'sync');
    const { campaignArn } = await h.personalize.send(
      new CreateCampaignCommand({
        name: 'sync',
        solutionVersionArn: `${solutionArn}/$LATEST`,
        campaignConfig: { syncWithLatestSolutionVersion: true },
      }),
    );
    const first = await waitFor(
      () => h.personalize.send(new DescribeCampaignCommand({ campaignArn })),
      (out) => out.campaign?.status === 'ACTIVE',
    );
    expect(first.campaign?.solutionVersionArn).toBe(solutionVersionArn);
    const next = await settledVersion(h.personalize, solutionArn);
    const synced = await waitFor(
      () => h.personalize.send(new DescribeCampaignCommand({ campaignArn })),
      (out) => out.campaign?.solutionVersionArn === next.solutionVersionArn,
    );
    expect(synced.campaign?.latestCampaignUpdate?.status).toBe('ACTIVE');
  });

  it('refuses a campaign on a version that is not ACTIVE', async () => {
    const datasetGroupArn = await activeDatasetGroup(h.personalize, 'notyet');
    const solutionArn = await activeSolution(h.personalize, datasetGroupArn, 'sol');
    const release = h.engine.hold('trainSolutionVersion');
    const { solutionVersionArn } = await h.personalize.send(new CreateSolutionVersionCommand({ solutionArn }));
    expect(await errorName(h.personalize.send(new CreateCampaignCommand({ name: 'early', solutionVersionArn })))).toBe(
      'ResourceInUseException',
    );
    release();
  });
});

describe('Personalize jobs: batch inference and batch segment', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('runs batch inference in the engine with paths, numResults and the filter', async () => {
    const { datasetGroupArn, solutionVersionArn } = await trainedVersion(h.personalize, 'batch');
    const { CreateFilterCommand } = await import('@aws-sdk/client-personalize');
    const { filterArn } = await h.personalize.send(
      new CreateFilterCommand({ name: 'f', datasetGroupArn, filterExpression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("buy")' }),
    );
    const { DescribeFilterCommand } = await import('@aws-sdk/client-personalize');
    await waitFor(
      () => h.personalize.send(new DescribeFilterCommand({ filterArn })),
      (out) => out.filter?.status === 'ACTIVE',
    );
    const { batchInferenceJobArn } = await h.personalize.send(
      new CreateBatchInferenceJobCommand({
        jobName: 'bij',
        solutionVersionArn,
        filterArn,
        numResults: 10,
        jobInput: { s3DataSource: { path: 's3://bucket/batch/in/users.json' } },
        jobOutput: { s3DataDestination: { path: 's3://bucket/batch/out/' } },
        roleArn: ROLE,
      }),
    );
    const done = await waitFor(
      () => h.personalize.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn })),
      (out) => out.batchInferenceJob?.status === 'ACTIVE',
    );
    expect(done.batchInferenceJob).toMatchObject({ jobName: 'bij', numResults: 10, filterArn, batchInferenceJobMode: 'BATCH_INFERENCE' });
    const [call] = h.engine.callsOf('runBatchInference') as BatchJobInput[];
    expect(call).toMatchObject({
      jobArn: batchInferenceJobArn,
      solutionVersionArn,
      inputPath: 's3://bucket/batch/in/users.json',
      outputPath: 's3://bucket/batch/out/',
      numResults: 10,
      filter: { filterArn, filterExpression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("buy")' },
    });
    const listed = await h.personalize.send(new ListBatchInferenceJobsCommand({ solutionVersionArn }));
    expect(listed.batchInferenceJobs?.map((entry) => entry.batchInferenceJobArn)).toEqual([batchInferenceJobArn]);
    const same = h.personalize.send(
      new CreateBatchInferenceJobCommand({
        jobName: 'same-path',
        solutionVersionArn,
        jobInput: { s3DataSource: { path: 's3://bucket/p/' } },
        jobOutput: { s3DataDestination: { path: 's3://bucket/p/' } },
        roleArn: ROLE,
      }),
    );
    expect(await errorName(same)).toBe('InvalidInputException');
  });

  it('runs batch segments only on USER_SEGMENTATION versions, and reports engine failures', async () => {
    const affinity = await trainedVersion(h.personalize, 'seg', 'aws-item-affinity');
    const personal = await trainedVersion(h.personalize, 'per');
    const job = (name: string, solutionVersionArn: string) =>
      new CreateBatchSegmentJobCommand({
        jobName: name,
        solutionVersionArn,
        jobInput: { s3DataSource: { path: 's3://bucket/seg/in.json' } },
        jobOutput: { s3DataDestination: { path: 's3://bucket/seg/out/' } },
        roleArn: ROLE,
      });
    expect(await errorName(h.personalize.send(job('wrong', personal.solutionVersionArn)))).toBe('InvalidInputException');
    h.engine.failures.runBatchSegment = 'Line 2 of s3://bucket/seg/in.json is not JSON';
    const { batchSegmentJobArn } = await h.personalize.send(job('seg', affinity.solutionVersionArn));
    const failed = await waitFor(
      () => h.personalize.send(new DescribeBatchSegmentJobCommand({ batchSegmentJobArn })),
      (out) => out.batchSegmentJob?.status === 'CREATE FAILED',
    );
    expect(failed.batchSegmentJob?.failureReason).toBe('Line 2 of s3://bucket/seg/in.json is not JSON');
    const listed = await h.personalize.send(new ListBatchSegmentJobsCommand({}));
    expect(listed.batchSegmentJobs?.map((entry) => entry.jobName)).toEqual(['seg']);
    expect(
      await errorName(h.personalize.send(new CreateCampaignCommand({ name: 'seg', solutionVersionArn: affinity.solutionVersionArn }))),
    ).toBe('InvalidInputException');
  });
});

describe('Personalize jobs: batch recommendations with themes', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const themeJob = (jobName: string, solutionVersionArn: string, extra: Record<string, unknown> = {}) =>
    new CreateBatchInferenceJobCommand({
      jobName,
      solutionVersionArn,
      jobInput: { s3DataSource: { path: 's3://bucket/themes/in.json' } },
      jobOutput: { s3DataDestination: { path: `s3://bucket/themes/${jobName}/` } },
      roleArn: ROLE,
      batchInferenceJobMode: 'THEME_GENERATION',
      themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } },
      ...extra,
    });
  const failureOf = async (batchInferenceJobArn: string | undefined) =>
    (
      await waitFor(
        () => h.personalize.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn })),
        (out) => out.batchInferenceJob?.status === 'CREATE FAILED',
      )
    ).batchInferenceJob;

  it('refuses THEME_GENERATION without themeGenerationConfig or off Similar-Items, and themeGenerationConfig in BATCH_INFERENCE', async () => {
    const personal = await trainedVersion(h.personalize, 'per');
    const similar = await trainedVersion(h.personalize, 'sims', 'aws-similar-items');
    const refused = async (command: CreateBatchInferenceJobCommand) => {
      const error = await h.personalize.send(command).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.name).toBe('InvalidInputException');
      return error?.message ?? '';
    };
    expect(await refused(themeJob('no-config', similar.solutionVersionArn, { themeGenerationConfig: undefined }))).toMatch(
      /fieldsForThemeGeneration\.itemName is required/,
    );
    expect(await refused(themeJob('wrong-recipe', personal.solutionVersionArn))).toMatch(
      /need a solution version of the aws-similar-items recipe/,
    );
    expect(await refused(themeJob('plain', similar.solutionVersionArn, { batchInferenceJobMode: 'BATCH_INFERENCE' }))).toMatch(
      /only valid with batchInferenceJobMode THEME_GENERATION/,
    );
    expect((await h.personalize.send(new ListBatchInferenceJobsCommand({}))).batchInferenceJobs ?? []).toHaveLength(0);
  });

  it('fails a theme job with the reason: the Items data it needs, else no Content Generator in the local cloud; no plain output is written', async () => {
    const { datasetGroupArn, solutionVersionArn } = await trainedVersion(h.personalize, 'themes', 'aws-similar-items');
    const first = await h.personalize.send(themeJob('no-items', solutionVersionArn));
    const noItems = await failureOf(first.batchInferenceJobArn);
    expect(noItems).toMatchObject({
      batchInferenceJobMode: 'THEME_GENERATION',
      themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } },
    });
    expect(noItems?.failureReason).toMatch(/needs an Items dataset/);

    const { CreateSchemaCommand, CreateDatasetCommand, DescribeDatasetCommand } = await import('@aws-sdk/client-personalize');
    const { schemaArn } = await h.personalize.send(
      new CreateSchemaCommand({
        name: 'items-with-text',
        schema: JSON.stringify(
          personalizeSchema('Items', [
            { name: 'ITEM_ID', type: 'string' },
            { name: 'TITLE', type: 'string' },
            { name: 'DESCRIPTION', type: ['null', 'string'], textual: true },
          ]),
        ),
      }),
    );
    const { datasetArn } = await h.personalize.send(
      new CreateDatasetCommand({ name: 'items-ds', schemaArn, datasetGroupArn, datasetType: 'Items' }),
    );
    await waitFor(
      () => h.personalize.send(new DescribeDatasetCommand({ datasetArn })),
      (out) => out.dataset?.status === 'ACTIVE',
    );
    const wrongColumn = await h.personalize.send(
      themeJob('no-column', solutionVersionArn, { themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'NAME' } } }),
    );
    expect((await failureOf(wrongColumn.batchInferenceJobArn))?.failureReason).toMatch(/Items dataset has no column NAME/);
    const ready = await h.personalize.send(themeJob('ready', solutionVersionArn));
    expect((await failureOf(ready.batchInferenceJobArn))?.failureReason).toMatch(/Content Generator\) is not available in the local cloud/);
    expect(h.engine.callsOf('runBatchInference')).toHaveLength(0);
  });

  it("recops' batch job call carries the file's mode, theme settings and KMS keys to CreateBatchInferenceJob", async () => {
    const { solutionVersionArn } = await trainedVersion(h.personalize, 'carry', 'aws-similar-items');
    const inputKey = 'arn:aws:kms:us-east-1:000000000000:key/in-key';
    const outputKey = 'arn:aws:kms:us-east-1:000000000000:key/out-key';
    const result = await ensureBatchJob(h.personalize, {
      kind: 'batchInferenceJob',
      jobName: 'carried',
      solutionVersionArn,
      inputPath: 's3://bucket/carry/in.json',
      outputPath: 's3://bucket/carry/out/',
      inputKmsKeyArn: inputKey,
      outputKmsKeyArn: outputKey,
      roleArn: ROLE,
      batchInferenceJobMode: 'THEME_GENERATION',
      themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } },
    });
    const job = await failureOf(result.arn);
    expect(job).toMatchObject({
      batchInferenceJobMode: 'THEME_GENERATION',
      themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } },
      jobInput: { s3DataSource: { path: 's3://bucket/carry/in.json', kmsKeyArn: inputKey } },
      jobOutput: { s3DataDestination: { path: 's3://bucket/carry/out/', kmsKeyArn: outputKey } },
    });
  });
});

describe('Personalize jobs: recommenders', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('trains a recommender with its domain recipe, stops, starts, updates and deletes it', async () => {
    const datasetGroupArn = await activeDatasetGroup(h.personalize, 'vod', 'VIDEO_ON_DEMAND');
    const recipeArn = 'arn:aws:personalize:::recipe/aws-vod-top-picks';
    const { recommenderArn } = await h.personalize.send(new CreateRecommenderCommand({ name: 'top', datasetGroupArn, recipeArn }));
    const active = await waitFor(
      () => h.personalize.send(new DescribeRecommenderCommand({ recommenderArn })),
      (out) => out.recommender?.status === 'ACTIVE',
    );
    expect(active.recommender).toMatchObject({ name: 'top', recipeArn, datasetGroupArn, modelMetrics: FAKE_METRICS });
    expect(h.engine.callsOf('trainSolutionVersion')).toEqual([
      expect.objectContaining({ recipeArn, solutionVersionArn: recommenderArn, datasetGroupArn }),
    ]);

    await h.personalize.send(new StopRecommenderCommand({ recommenderArn }));
    await waitFor(
      () => h.personalize.send(new DescribeRecommenderCommand({ recommenderArn })),
      (out) => out.recommender?.status === 'INACTIVE',
    );
    expect(await errorName(h.personalize.send(new StopRecommenderCommand({ recommenderArn })))).toBe('ResourceInUseException');
    await h.personalize.send(new StartRecommenderCommand({ recommenderArn }));
    await waitFor(
      () => h.personalize.send(new DescribeRecommenderCommand({ recommenderArn })),
      (out) => out.recommender?.status === 'ACTIVE',
    );

    await h.personalize.send(
      new UpdateRecommenderCommand({ recommenderArn, recommenderConfig: { minRecommendationRequestsPerSecond: 3 } }),
    );
    const updated = await waitFor(
      () => h.personalize.send(new DescribeRecommenderCommand({ recommenderArn })),
      (out) => out.recommender?.latestRecommenderUpdate?.status === 'ACTIVE',
    );
    expect(updated.recommender?.recommenderConfig?.minRecommendationRequestsPerSecond).toBe(3);
    const listed = await h.personalize.send(new ListRecommendersCommand({ datasetGroupArn }));
    expect(listed.recommenders?.map((entry) => entry.recommenderArn)).toEqual([recommenderArn]);

    await h.personalize.send(new DeleteRecommenderCommand({ recommenderArn }));
    await waitFor(
      () => errorName(h.personalize.send(new DescribeRecommenderCommand({ recommenderArn }))),
      (name) => name === 'ResourceNotFoundException',
    );
  });

  it('refuses recommenders outside a matching domain dataset group', async () => {
    const plain = await activeDatasetGroup(h.personalize, 'plain');
    const shop = await activeDatasetGroup(h.personalize, 'shop', 'ECOMMERCE');
    const vodRecipe = 'arn:aws:personalize:::recipe/aws-vod-most-popular';
    expect(
      await errorName(h.personalize.send(new CreateRecommenderCommand({ name: 'a', datasetGroupArn: plain, recipeArn: vodRecipe }))),
    ).toBe('InvalidInputException');
    expect(
      await errorName(h.personalize.send(new CreateRecommenderCommand({ name: 'b', datasetGroupArn: shop, recipeArn: vodRecipe }))),
    ).toBe('InvalidInputException');
  });
});
