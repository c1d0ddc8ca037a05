import { readFileSync } from 'node:fs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ProvisionerDependencies } from '../../../services/dataset-provisioner/provision';
import { onImportScheduled } from '../../../services/dataset-provisioner/scheduled-import';
import { fakePersonalize } from '../ops/fake-personalize';
import { provisionerDeps } from './deps';
import { acceptPutEvents } from '../bus-mock';

const fake = fakePersonalize();
const s3Mock = mockClient(S3Client);
const eventsMock = mockClient(EventBridgeClient);
const FIXTURE = `${import.meta.dirname}/../../core/fixtures/seed-examples/mpe-sample-full.json`;
const CONFIG = { bucket: 'recops-data', key: 'train/dataset-group-name-1/config.json' };
const SCHEDULE = { runId: 'exec-42', datasetGroupName: 'dataset-group-name-1', stage: 'test', config: CONFIG, firedAt: '2026-11-25T18:00:00.000Z' };

function deps(): ProvisionerDependencies {
  return provisionerDeps('2026-11-25T18:00:02.000Z');
}

beforeEach(() => {
  fake.reset();
  s3Mock.reset();
  eventsMock.reset();
  acceptPutEvents(eventsMock);
  s3Mock.on(GetObjectCommand).callsFake(() => ({ Body: { transformToString: async () => readFileSync(FIXTURE, 'utf8') } as never }));
  // The interactions arrive as a folder of CSV parts this time.
  s3Mock.on(ListObjectsV2Command).resolves({
    Contents: [
      { Key: CONFIG.key },
      { Key: 'train/dataset-group-name-1/users.csv' },
      { Key: 'train/dataset-group-name-1/interactions/part-0001.csv' },
    ],
  });
});

describe('Logic: onImportScheduled', () => {
  it('imports into the existing datasets with jobs named after the fire time, found where the layout says', async () => {
    // Prepare
    const group = fake.seed('datasetGroup', 'dataset-group-name-1');
    fake.seed('dataset', 'dataset-group-name-1/USERS', { datasetType: 'USERS' }, group);
    fake.seed('dataset', 'dataset-group-name-1/INTERACTIONS', { datasetType: 'INTERACTIONS' }, group);

    // Act
    const report = await onImportScheduled(SCHEDULE, deps());
    await onImportScheduled(SCHEDULE, deps());

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
  });

  it('publishes Step Failed when the dataset group was never created', async () => {
    const report = await onImportScheduled(SCHEDULE, deps());

    expect(report.failed).toMatch(/dataset group "dataset-group-name-1" does not exist yet/);
    expect(fake.resources('datasetImportJob')).toHaveLength(0);
  });
});
