/**
 * Every setting the parameter file accepts is carried out or said not to be: batch job modes and
 * theme settings reach the plan (and CreateBatchInferenceJob), KMS keys of batch input and output
 * too; settings recops does not act on, and resources nothing would ever create, warn at their path.
 */
import { describe, expect, it } from 'vitest';
import { resolvePlan, validateParameterFile, type ParameterFileIssue } from '@recops/core';
import { fixture } from './helpers';

function errorsOf(file: unknown): readonly ParameterFileIssue[] {
  const result = validateParameterFile(file);
  return result.ok ? [] : result.errors;
}

function warningsOf(file: unknown): readonly ParameterFileIssue[] {
  const result = validateParameterFile(file);
  if (!result.ok) throw new Error(`expected a valid file, got ${JSON.stringify(result.errors)}`);
  return result.warnings;
}

/** input_media.json with its Similar-Items batch job asking for themes, and an Items schema themes can use. */
function themedMediaFile(): Record<string, any> {
  const file = fixture('cdk/input_media.json');
  const items = file.datasetGroup.datasets.find((d: { type: string }) => d.type === 'ITEMS');
  items.schema.serviceConfig.schema.fields.push(
    { name: 'TITLE', type: 'string' },
    { name: 'DESCRIPTION', type: ['null', 'string'], textual: true },
  );
  file.solutions[1].batchInferenceJobs[0].serviceConfig.batchInferenceJobMode = 'THEME_GENERATION';
  file.solutions[1].batchInferenceJobs[0].serviceConfig.themeGenerationConfig = { fieldsForThemeGeneration: { itemName: 'TITLE' } };
  return file;
}

const JOB = 'solutions[1].batchInferenceJobs[0].serviceConfig';

describe('Parameter file: batch inference job mode and themes', () => {
  it('carries THEME_GENERATION and its item name column into the plan', () => {
    const result = validateParameterFile(themedMediaFile());
    expect(result.ok && result.warnings.filter((w) => w.path.startsWith('solutions[1]'))).toEqual([]);
    if (!result.ok) return;
    const plan = resolvePlan(result.file, { bucket: 'b', configKey: 'train/media/config.json', stage: 'prod' });
    expect(plan.solutions[1]?.batchInferenceJobs[0]).toMatchObject({
      batchInferenceJobMode: 'THEME_GENERATION',
      themeGenerationConfig: { fieldsForThemeGeneration: { itemName: 'TITLE' } },
    });
  });

  it('refuses THEME_GENERATION without themeGenerationConfig, and themeGenerationConfig without THEME_GENERATION', () => {
    const noConfig = themedMediaFile();
    delete noConfig.solutions[1].batchInferenceJobs[0].serviceConfig.themeGenerationConfig;
    expect(errorsOf(noConfig)).toEqual([
      {
        path: `${JOB}.themeGenerationConfig`,
        message:
          'batchInferenceJobMode THEME_GENERATION needs themeGenerationConfig.fieldsForThemeGeneration.itemName (the Items column of item names)',
      },
    ]);
    const noMode = themedMediaFile();
    delete noMode.solutions[1].batchInferenceJobs[0].serviceConfig.batchInferenceJobMode;
    expect(errorsOf(noMode)).toEqual([
      {
        path: `${JOB}.themeGenerationConfig`,
        message: 'themeGenerationConfig is used only with batchInferenceJobMode THEME_GENERATION: set that mode or remove it',
      },
    ]);
    const misspelt = themedMediaFile();
    misspelt.solutions[1].batchInferenceJobs[0].serviceConfig.themeGenerationConfig = { fieldsForThemeGeneration: { item_name: 'TITLE' } };
    expect(errorsOf(misspelt).map((e) => e.path)).toEqual(
      expect.arrayContaining([`${JOB}.themeGenerationConfig.fieldsForThemeGeneration.item_name`]),
    );
  });

  it('refuses themes on a recipe other than Similar-Items', () => {
    const file = themedMediaFile();
    file.solutions[1].serviceConfig.recipeArn = 'arn:aws:personalize:::recipe/aws-user-personalization';
    expect(errorsOf(file)).toEqual([
      {
        path: `${JOB}.batchInferenceJobMode`,
        message: 'batch recommendations with themes need the aws-similar-items recipe; this solution uses aws-user-personalization',
      },
    ]);
  });

  it('refuses an item name column the Items schema lacks, and an Items schema without a textual field', () => {
    const file = themedMediaFile();
    file.solutions[1].batchInferenceJobs[0].serviceConfig.themeGenerationConfig.fieldsForThemeGeneration.itemName = 'NAME';
    const items = file.datasetGroup.datasets.find((d: { type: string }) => d.type === 'ITEMS');
    items.schema.serviceConfig.schema.fields = items.schema.serviceConfig.schema.fields.filter(
      (f: { name: string }) => f.name !== 'DESCRIPTION',
    );
    const path = `${JOB}.themeGenerationConfig.fieldsForThemeGeneration.itemName`;
    expect(errorsOf(file)).toEqual([
      { path, message: '"NAME" is not a string field of the Items schema' },
      { path, message: 'themes need a textual field (e.g. DESCRIPTION, "textual": true) in the Items schema' },
    ]);
  });
});

describe('Parameter file: batch job KMS keys', () => {
  it('carries the input and output KMS keys of a batch job into the plan', () => {
    const file = fixture('cdk/input_media.json');
    const config = file.solutions[1].batchInferenceJobs[0].serviceConfig;
    config.jobInput.s3DataSource.kmsKeyArn = 'arn:aws:kms:us-east-1:111122223333:key/in';
    config.jobOutput.s3DataDestination.kmsKeyArn = 'arn:aws:kms:us-east-1:111122223333:key/out';
    const result = validateParameterFile(file);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const plan = resolvePlan(result.file, { bucket: 'b', configKey: 'train/media/config.json', stage: 'prod' });
    expect(plan.solutions[1]?.batchInferenceJobs[0]).toMatchObject({
      inputKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/in',
      outputKmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/out',
    });
  });
});

describe('Parameter file: what would never happen warns at its path', () => {
  it('warns that unpinned campaigns and batch jobs of a solution the file never trains are never deployed or run', () => {
    const file = fixture('cdk/input_media.json');
    file.solutions[0].solutionVersion.createNewSolutionVersion = false;
    file.solutions[1].solutionVersion.createNewSolutionVersion = false;
    const warnings = warningsOf(file);
    expect(warnings.find((w) => w.path === 'solutions[0].campaigns[0]')?.message).toMatch(
      /^campaign "\S+" is never created or updated: recops deploys a campaign after the promotion gate passes a version this file trains, and solutions\[0\]\.solutionVersion\.createNewSolutionVersion is false \(pin a version with solutionversion to deploy it\)$/,
    );
    // A pinned campaign of such a solution is deployed when the run finds the solution ACTIVE: no warning.
    const pinned = fixture('cdk/input_media.json');
    pinned.solutions[0].solutionVersion.createNewSolutionVersion = false;
    pinned.solutions[0].campaigns[0].solutionversion =
      'arn:aws:personalize:us-east-1:111122223333:solution/MovieLensCampaignSolutionPersonalizedRanking11/abc';
    expect(warningsOf(pinned).find((w) => w.path === 'solutions[0].campaigns[0]')).toBeUndefined();
    expect(warnings.find((w) => w.path === 'solutions[1].batchInferenceJobs[0]')?.message).toMatch(/^this job never runs: /);
    const scheduled = fixture('cdk/input_media.json');
    scheduled.solutions[1].solutionVersion.createNewSolutionVersion = false;
    scheduled.solutions[1].batchInferenceJobs[0].workflowConfig = { schedule: 'rate(1 day)' };
    expect(warningsOf(scheduled).find((w) => w.path === 'solutions[1].batchInferenceJobs[0]')?.message).toMatch(
      /^this job runs only on its schedule, on the latest version recops promoted/,
    );
    // Trained solutions warn about none of it.
    expect(warningsOf(fixture('cdk/input_media.json')).filter((w) => /campaigns|batch/.test(w.path))).toEqual([]);
  });

  it('warns that a file whose datasets import nothing trains on the data already in the group', () => {
    const file = fixture('cdk/input_media.json');
    for (const dataset of file.datasetGroup.datasets) dataset.datasetImportJob.createNewJob = false;
    expect(warningsOf(file).find((w) => w.path === 'datasetGroup.datasets')?.message).toMatch(
      /^no dataset is imported \(each datasetImportJob is absent or has createNewJob: false\): solutions train on the data already in the dataset group/,
    );
    expect(warningsOf(fixture('cdk/input_media.json')).find((w) => w.path === 'datasetGroup.datasets')).toBeUndefined();
  });

  it('warns about maxAge, a preprocessing job to run, and a campaign that follows every version past the gate', () => {
    const file = fixture('cdk/input_media.json');
    file.solutions[0].workflowConfig = { maxAge: '7d' };
    file.solutions[0].campaigns[0].serviceConfig.campaignConfig = { syncWithLatestSolutionVersion: true };
    const byPath = new Map(warningsOf(file).map((w) => [w.path, w.message]));
    expect(byPath.get('solutions[0].workflowConfig.maxAge')).toMatch(/recops does not act on it/);
    expect(byPath.get('preprocessing.run')).toBe(
      'recops runs no preprocessing job ("personalize-mlops-pre-processing"): prepare the CSVs before uploading them (e.g. recops prepare)',
    );
    expect(byPath.get('solutions[0].campaigns[0].serviceConfig.campaignConfig.syncWithLatestSolutionVersion')).toMatch(
      /regardless of the promotion gate/,
    );
  });
});
