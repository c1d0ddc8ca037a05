import { readFileSync } from 'node:fs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadParameterFile, resolvePlan } from '@recops/core';
import { onPipelineRequested, type ProvisionerDependencies } from '../../../services/dataset-provisioner/provision';
import { plannedRunOf } from '../../support/planned-run';
import { fakePersonalize } from '../ops/fake-personalize';
import { provisionerDeps } from './deps';
import { acceptPutEvents } from '../bus-mock';

const fake = fakePersonalize();
const s3Mock = mockClient(S3Client);
const eventsMock = mockClient(EventBridgeClient);
const FIXTURE = `${import.meta.dirname}/../../core/fixtures/seed-examples/mpe-sample-full.json`;
const CONFIG = { bucket: 'recops-data', key: 'train/dataset-group-name-1/config.json' };
const RUN_ID = '2026_11_25_18_00_00-0badcafe';
const RUN = {
  runId: RUN_ID,
  datasetGroupName: 'dataset-group-name-1',
  stage: 'test',
  plan: { bucket: 'recops-data', key: `runs/dataset-group-name-1/${RUN_ID}/plan.json` },
};

function deps(): ProvisionerDependencies {
  return provisionerDeps('2026-11-25T18:00:02.000Z');
}

beforeEach(() => {
  fake.reset();
  s3Mock.reset();
  eventsMock.reset();
  acceptPutEvents(eventsMock);
  // The interactions arrive as a folder of CSV parts this time; the door resolved the plan with the run's stamp.
  const { file } = loadParameterFile(readFileSync(FIXTURE, 'utf8'));
  const plan = resolvePlan(file, {
    stage: 'prod',
    bucket: CONFIG.bucket,
    configKey: CONFIG.key,
    keys: [CONFIG.key, 'train/dataset-group-name-1/users.csv', 'train/dataset-group-name-1/interactions/part-0001.csv'],
    runStamp: '2026_11_25_18_00_00',
  });
  const document = plannedRunOf(plan, {
    runId: RUN_ID,
    trigger: 'schedule',
    scope: { kind: 'import' },
    scheduleName: 'dataset-group-name-1-import',
  });
  s3Mock
    .on(GetObjectCommand)
    .callsFake(() => ({ ETag: '"1"', Body: { transformToString: async () => JSON.stringify(document) } as never }));
});

describe("Logic: onPipelineRequested, a run of the file's imports", () => {
  it('imports into the existing datasets with jobs named after the run, found where the layout says, once', async () => {
    // Prepare
    const group = fake.seed('datasetGroup', 'dataset-group-name-1');
    fake.seed('dataset', 'dataset-group-name-1/USERS', { datasetType: 'USERS' }, group);
    fake.seed('dataset', 'dataset-group-name-1/INTERACTIONS', { datasetType: 'INTERACTIONS' }, group);

    // Act
    const report = await onPipelineRequested(RUN, deps());
    await onPipelineRequested(RUN, deps());

    // Assess
    expect(report.created.sort()).toEqual([
      'datasetImportJob interactions-data_2026_11_25_18_00_00',
      'datasetImportJob users-data_2026_11_25_18_00_00',
    ]);
    const jobs = fake.resources('datasetImportJob');
    expect(jobs).toHaveLength(2);
    expect(jobs.map((j) => (j.fields.dataSource as { dataLocation: string }).dataLocation).sort()).toEqual([
      's3://recops-data/train/dataset-group-name-1/interactions/',
      's3://recops-data/train/dataset-group-name-1/users.csv',
    ]);
    expect(fake.resources('schema')).toHaveLength(0);
    expect(fake.resources('datasetGroup')).toHaveLength(1);
  });

  it('publishes Step Failed when the dataset group was never created', async () => {
    const report = await onPipelineRequested(RUN, deps());

    expect(report.failed).toMatch(/dataset group "dataset-group-name-1" does not exist yet/);
    expect(fake.resources('datasetImportJob')).toHaveLength(0);
  });
});
