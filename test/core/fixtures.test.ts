import { describe, expect, it } from 'vitest';
import { parseParameterFileText, resolvePlan, type Plan } from '@recops/core';
import { fixtureNames, fixtureText } from './helpers';

const OPTIONS = { bucket: 'data-bucket', configKey: 'train/dsg/config.json', stage: 'prod' };

function planOf(name: string, options: Partial<Parameters<typeof resolvePlan>[1]> = {}): Plan {
  const result = parseParameterFileText(fixtureText(name));
  if (!result.ok) throw new Error(`${name} is invalid: ${JSON.stringify(result.errors)}`);
  return resolvePlan(result.file, { ...OPTIONS, ...options });
}

const tags = (...pairs: [string, string][]) => pairs.map(([tagKey, tagValue]) => ({ tagKey, tagValue }));

describe('Function: parseParameterFileText on the published parameter files', () => {
  it.each(fixtureNames())('accepts %s as it is and resolves it', (name) => {
    // Act
    const result = parseParameterFileText(fixtureText(name));

    // Assess
    expect(result.ok ? [] : result.errors).toEqual([]);
    const plan = planOf(name);
    expect(plan.datasetGroup.name).toBe(JSON.parse(fixtureText(name)).datasetGroup.serviceConfig.name);
    expect(plan.datasets.length).toBeGreaterThan(0);
  });

  it('tells the format apart', () => {
    expect(planOf('seed-examples/mpe-sample-full.json').format).toBe('mpe');
    expect(planOf('mpe/sample_config_wtags.json').format).toBe('mpe');
    expect(planOf('cdk/input_media.json').format).toBe('cdk');
    expect(planOf('cdk/input_retail.json').format).toBe('cdk');
  });

  it('warns about and drops performAutoML (cdk/input_media_custom.json)', () => {
    const result = parseParameterFileText(fixtureText('cdk/input_media_custom.json'));
    if (!result.ok) throw new Error('invalid');
    expect(result.warnings).toContainEqual({
      path: 'solutions[0].serviceConfig.performAutoML',
      message: expect.stringContaining('deprecated'),
    });
    expect(result.file.solutions?.[0]?.serviceConfig).not.toHaveProperty('performAutoML');
    expect(result.file.solutions?.[0]?.serviceConfig.performHPO).toBe(true);
  });

  it('warns about the solution without recipeArn and the interactions schema without TIMESTAMP (mpe/sample_config_root_tags.json)', () => {
    const result = parseParameterFileText(fixtureText('mpe/sample_config_root_tags.json'));
    if (!result.ok) throw new Error('invalid');
    expect(result.warnings.map((w) => w.path)).toEqual([
      'solutions[0].serviceConfig.recipeArn',
      'datasets.interactions.schema.serviceConfig.schema.fields',
    ]);
  });
});

describe('Function: resolvePlan, tag inheritance', () => {
  it('applies the documented outcome of seed-examples/mpe-root-tags-dataset-group-3.json', () => {
    // Act
    const plan = planOf('seed-examples/mpe-root-tags-dataset-group-3.json');

    // Assess: the root tag reaches the dataset group, the interactions dataset, the event tracker
    // and the solution version; the import job gets datasets.serviceConfig.tags; the solution its own.
    const root = tags(['project', 'user-personalization']);
    const interactions = plan.datasets.find((d) => d.type === 'INTERACTIONS');
    expect(plan.datasetGroup.tags).toEqual(root);
    expect(interactions?.tags).toEqual(root);
    expect(plan.eventTracker?.tags).toEqual(root);
    expect(plan.solutions[0]?.version?.tags).toEqual(root);
    expect(interactions?.importJob?.tags).toEqual(tags(['datasets-key', 'datasets-value']));
    expect(plan.solutions[0]?.tags).toEqual(tags(['solution-key', 'solution-value']));
  });

  it('keeps each component its own tags and gives the rest the root tags (mpe/sample_config_wtags.json)', () => {
    const plan = planOf('mpe/sample_config_wtags.json');
    const root = tags(['tag12', 'key12']);
    const solution = (name: string) => plan.solutions.find((s) => s.name === name);

    expect(plan.datasetGroup.tags).toEqual(tags(['tag0', 'key0']));
    expect(plan.datasets.find((d) => d.type === 'USERS')?.tags).toEqual(tags(['tag2', 'key2']));
    expect(plan.datasets.find((d) => d.type === 'ITEMS')?.tags).toEqual(root);
    expect(plan.datasets.every((d) => JSON.stringify(d.importJob?.tags) === JSON.stringify(tags(['tag1', 'key1'])))).toBe(true);
    expect(solution('affinity_item')?.tags).toEqual(tags(['tag4', 'key4']));
    expect(solution('affinity_item')?.version?.tags).toEqual(tags(['tag5', 'key5']));
    expect(solution('affinity_item')?.batchSegmentJobs[0]?.tags).toEqual(tags(['tag6', 'key6']));
    expect(solution('affinity_item_attribute')?.version?.tags).toEqual(root);
    expect(solution('affinity_item_attribute')?.batchSegmentJobs[0]?.tags).toEqual(root);
    expect(solution('unit_test_personalized_ranking_new')?.campaigns[0]?.tags).toEqual(tags(['tag8', 'key8']));
    expect(solution('unit_test_personalized_ranking_new_2')?.campaigns[0]?.tags).toEqual(root);
    expect(solution('unit_test_personalized_ranking_new_2')?.batchInferenceJobs[0]?.tags).toEqual(tags(['tag9', 'key9']));
    expect(plan.eventTracker?.tags).toEqual(tags(['tag10', 'key10']));
    expect(plan.filters[0]?.tags).toEqual(tags(['tag11', 'key11']));
    expect(plan.recommenders[0]?.tags).toEqual(tags(['hello13', 'world13']));
  });

  it('leaves everything untagged when the file has no tags (seed-examples/mpe-sample-full.json)', () => {
    const plan = planOf('seed-examples/mpe-sample-full.json');
    const all = [plan.datasetGroup, ...plan.datasets, ...plan.solutions, ...plan.filters, plan.eventTracker];
    expect(all.every((r) => r?.tags.length === 0)).toBe(true);
  });
});

describe('Function: resolvePlan, defaults and locations', () => {
  it('derives every setting of the empty batch inference serviceConfig (seed-examples/mpe-sample-full.json)', () => {
    // Act
    const plan = planOf('seed-examples/mpe-sample-full.json', { runStamp: '2026_11_25_03_00_00' });

    // Assess
    const job = plan.solutions.find((s) => s.name === 'user-personalization-solution')?.batchInferenceJobs[0];
    expect(job).toMatchObject({
      sourcePath: 'solutions[2].batchInferenceJobs[0]',
      jobNameBase: 'batch_user-personalization-solution',
      jobName: 'batch_user-personalization-solution_2026_11_25_03_00_00',
      inputPath: 's3://data-bucket/batch/dataset-group-name-1/user-personalization-solution/job_config.json',
      outputPath:
        's3://data-bucket/batch/dataset-group-name-1/user-personalization-solution/user-personalization-solution_2026_11_25_03_00_00/',
      schedule: 'cron(0 3 * * ? *)',
    });
  });

  it('lists every schedule with its expression and target (seed-examples/mpe-sample-full.json)', () => {
    const plan = planOf('seed-examples/mpe-sample-full.json');
    expect(plan.schedules.map((s) => [s.kind, s.expression, s.target.solutionName ?? null, s.name])).toEqual([
      ['import', 'cron(0 */6 * * ? *)', null, 'dataset-group-name-1-import'],
      ['full', 'cron(0 0 ? * 1 *)', 'sims-solution', 'dataset-group-name-1-sims-solution-full'],
      ['full', 'cron(0 1 ? * 1 *)', 'popularity-count-solution', 'dataset-group-name-1-popularity-count-solution-full'],
      ['full', 'cron(0 2 ? * 1 *)', 'user-personalization-solution', 'dataset-group-name-1-user-personalization-solution-full'],
      ['batch', 'cron(0 3 * * ? *)', 'user-personalization-solution', 'dataset-group-name-1-user-personalization-solution-batch-0'],
    ]);
  });

  it('lists batch segment schedules (mpe/sample_config.json)', () => {
    const plan = planOf('mpe/sample_config.json');
    const segments = plan.schedules.filter((s) => s.kind === 'segment');
    expect(segments.map((s) => s.target)).toEqual([
      { datasetGroupName: 'unit_test_new_datasetgroup', solutionName: 'affinity_item', jobIndex: 0, jobNameBase: 'batch_affinity_item' },
      {
        datasetGroupName: 'unit_test_new_datasetgroup',
        solutionName: 'affinity_item_attribute',
        jobIndex: 0,
        jobNameBase: 'batch_affinity_item_attribute',
      },
    ]);
  });

  it('reads <type>.csv beside the parameter file, or the <type>/ folder when only parts are there', () => {
    // Prepare
    const keys = ['train/dsg/config.json', 'train/dsg/users.csv', 'train/dsg/interactions/part-0.csv', 'train/dsg/interactions/part-1.csv'];

    // Act
    const plan = planOf('seed-examples/mpe-sample-full.json', { keys });
    const unlisted = planOf('seed-examples/mpe-sample-full.json');

    // Assess
    const location = (p: Plan, type: string) => p.datasets.find((d) => d.type === type)?.importJob?.dataLocation;
    expect(location(plan, 'USERS')).toEqual({ uri: 's3://data-bucket/train/dsg/users.csv', kind: 'file', present: true });
    expect(location(plan, 'INTERACTIONS')).toEqual({ uri: 's3://data-bucket/train/dsg/interactions/', kind: 'folder', present: true });
    expect(location(unlisted, 'INTERACTIONS')).toEqual({ uri: 's3://data-bucket/train/dsg/interactions.csv', kind: 'file' });
    expect(location(planOf('mpe/sample_config.json', { keys }), 'ITEMS')).toEqual({
      uri: 's3://data-bucket/train/dsg/items.csv',
      kind: 'file',
      present: false,
    });
  });

  it('uses the explicit import jobs, roles and schema versions of the CDK format (cdk/input_media.json)', () => {
    const plan = planOf('cdk/input_media.json', { runStamp: '2026_01_02_03_04_05' });
    const users = plan.datasets.find((d) => d.type === 'USERS');
    expect(users?.schema.name).toBe('MovieLensCampaignDSG16-UserSchemaMedia-v2');
    expect(users?.schema.domain).toBe('VIDEO_ON_DEMAND');
    expect(users?.importJob).toMatchObject({
      jobName: 'UsersDatasetImportJob_2026_01_02_03_04_05',
      dataLocation: { uri: 's3://<REPLACE_WITH_S3_BUCKET_NAME>/users.csv', kind: 'file' },
      roleArn: 'arn:aws:iam::<REPLACE_WITH_AWS_ACCOUNT_ID>:role/personalize-role',
      importMode: 'FULL',
    });
    const similar = plan.solutions.find((s) => s.name === 'MovieLensCampaignSolutionSimilarItems12');
    expect(similar?.batchInferenceJobs[0]).toMatchObject({
      jobName: 'MovieLensBatchInferenceJob11_2026_01_02_03_04_05',
      inputPath: 's3://<REPLACE_WITH_S3_BUCKET_NAME>/media-inference-input/',
      outputPath: 's3://<REPLACE_WITH_S3_BUCKET_NAME>/media-inference-output/',
      outputPerRun: false,
    });
    expect(plan.recommenders.map((r) => r.name)).toEqual(['MovieLensRecommender']);
    expect(plan.preprocessing).toEqual({ jobName: 'personalize-mlops-pre-processing', run: true });
  });

  it('builds the same plan twice and per-run names only from the run stamp', () => {
    const first = planOf('mpe/sample_config_wtags.json', { runStamp: '2026_11_25_13_00_00' });
    const second = planOf('mpe/sample_config_wtags.json', { runStamp: '2026_11_25_13_00_00' });
    const next = planOf('mpe/sample_config_wtags.json', { runStamp: '2026_11_26_13_00_00' });
    expect(second).toEqual(first);
    expect(next.datasetGroup.name).toBe(first.datasetGroup.name);
    expect(next.datasets[0]?.importJob?.jobName).not.toBe(first.datasets[0]?.importJob?.jobName);
  });
});
