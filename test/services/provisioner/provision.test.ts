import { readFileSync } from 'node:fs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';
import { CreateDatasetGroupCommand, CreateSchemaCommand } from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadParameterFile, resolvePlan, type Plan } from '@recops/core';
import { RetryableOpsError } from '@recops/core/ops';
import {
  onDatasetActive,
  onDatasetGroupActive,
  onPipelineRequested,
  type ProvisionerDependencies,
} from '../../../services/dataset-provisioner/provision';
import { fakePersonalize, FAKE_ARN_PREFIX } from '../ops/fake-personalize';
import { provisionerDeps } from './deps';
import { acceptPutEvents, putEventsEntries } from '../bus-mock';
import { plannedRunOf } from '../../support/planned-run';

const fake = fakePersonalize();
const s3Mock = mockClient(S3Client);
const eventsMock = mockClient(EventBridgeClient);

const RUN = { runId: '2026_11_25_10_00_00-abcd1234', datasetGroupName: 'dataset-group-name-1', stage: 'test' };
const PLAN_LOCATION = { bucket: 'recops-data', key: `runs/dataset-group-name-1/${RUN.runId}/plan.json` };
const FIXTURE = `${import.meta.dirname}/../../core/fixtures/seed-examples/mpe-sample-full.json`;

function samplePlan(): Plan {
  const { file } = loadParameterFile(readFileSync(FIXTURE, 'utf8'));
  return resolvePlan(file, {
    stage: 'prod',
    bucket: 'recops-data',
    configKey: 'train/dataset-group-name-1/config.json',
    keys: ['train/dataset-group-name-1/config.json', 'train/dataset-group-name-1/users.csv', 'train/dataset-group-name-1/interactions.csv'],
    runStamp: '2026_11_25_10_00_00',
  });
}

function deps(): ProvisionerDependencies {
  return provisionerDeps('2026-11-25T10:00:05.000Z');
}

/** Every event published so far, as `detail-type` plus detail. */
function published(): { type: string; detail: Record<string, unknown> }[] {
  return putEventsEntries(eventsMock).map((e) => ({
    type: e.DetailType ?? '',
    detail: JSON.parse(e.Detail ?? '{}') as Record<string, unknown>,
  }));
}

function watches(): string[] {
  return published()
    .filter((e) => e.type === 'Watch Requested')
    .map((e) => `${String(e.detail.resourceKind)} ${String(e.detail.resourceArn).replace(FAKE_ARN_PREFIX, '')}`);
}

let plan: Plan;

beforeEach(() => {
  fake.reset();
  s3Mock.reset();
  eventsMock.reset();
  acceptPutEvents(eventsMock);
  plan = samplePlan();
  // Only transformToString is read from the body.
  s3Mock.on(GetObjectCommand).callsFake(() => ({
    ETag: '"1"',
    Body: { transformToString: async () => JSON.stringify(plannedRunOf(plan, { runId: RUN.runId })) } as never,
  }));
});

describe('Logic: onPipelineRequested', () => {
  it('creates only the dataset group and asks the watcher for it while it is not ACTIVE', async () => {
    // Act
    const report = await onPipelineRequested({ ...RUN, plan: PLAN_LOCATION }, deps());

    // Assess
    expect(report.created).toEqual(['datasetGroup dataset-group-name-1']);
    expect(watches()).toEqual(['datasetGroup dataset-group/dataset-group-name-1']);
    expect(fake.mock.commandCalls(CreateSchemaCommand)).toHaveLength(0);
  });

  it('watches an existing ACTIVE group too, so its Status Changed continues the chain and counts for the run', async () => {
    // Prepare
    fake.seed('datasetGroup', 'dataset-group-name-1');

    // Act
    const report = await onPipelineRequested({ ...RUN, plan: PLAN_LOCATION }, deps());

    // Assess: datasets wait for Dataset Group Status Changed ACTIVE.
    expect(report.reused).toEqual(['datasetGroup dataset-group-name-1']);
    expect(watches()).toEqual(['datasetGroup dataset-group/dataset-group-name-1']);
    expect(fake.mock.commandCalls(CreateSchemaCommand)).toHaveLength(0);
  });

  it('provisions nothing for a run that retrains a solution or runs a batch job', async () => {
    for (const scope of [
      { kind: 'retrain', solutionName: 'sims-solution', trainingMode: 'FULL' },
      { kind: 'batch', solutionName: 'sims-solution', jobKind: 'batchInferenceJob', jobIndex: 0, jobNameBase: 'batch_sims' },
    ] as const) {
      s3Mock.on(GetObjectCommand).callsFake(() => ({
        ETag: '"1"',
        Body: { transformToString: async () => JSON.stringify(plannedRunOf(plan, { runId: RUN.runId, scope })) } as never,
      }));
      const report = await onPipelineRequested({ ...RUN, plan: PLAN_LOCATION }, deps());
      expect(report).toEqual({ created: [], reused: [], watched: [] });
    }
    expect(fake.mock.calls()).toHaveLength(0);
    expect(published()).toEqual([]);
  });

  it('throws a retryable error when Personalize throttles, so the record returns to the queue', async () => {
    fake.mock.on(CreateDatasetGroupCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await expect(onPipelineRequested({ ...RUN, plan: PLAN_LOCATION }, deps())).rejects.toBeInstanceOf(RetryableOpsError);
    expect(published()).toEqual([]);
  });
});

describe('Logic: onDatasetGroupActive', () => {
  it('imports right away into datasets that are already ACTIVE, one job per data location', async () => {
    // Prepare: an earlier run left both datasets ACTIVE.
    const group = fake.seed('datasetGroup', 'dataset-group-name-1');
    for (const type of ['USERS', 'INTERACTIONS']) {
      const schemaArn = `${FAKE_ARN_PREFIX}schema/${type.toLowerCase()}-schema`;
      fake.seed('dataset', `dataset-group-name-1/${type}`, { datasetType: type, schemaArn }, group);
    }

    // Act
    await onDatasetGroupActive({ ...RUN, datasetGroupArn: group }, deps());

    // Assess
    const jobs = fake.resources('datasetImportJob');
    expect(jobs.map((j) => j.name).sort()).toEqual(['interactions-data_2026_11_25_10_00_00', 'users-data_2026_11_25_10_00_00'].sort());
    expect(jobs.find((j) => j.name.startsWith('users'))?.fields).toMatchObject({
      dataSource: { dataLocation: 's3://recops-data/train/dataset-group-name-1/users.csv' },
      roleArn: 'arn:aws:iam::000000000000:role/personalize',
    });
    expect(
      watches()
        .filter((w) => w.startsWith('datasetImportJob'))
        .sort(),
    ).toEqual(jobs.map((j) => `datasetImportJob dataset-import-job/${j.name}`).sort());
    expect(s3Mock.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'recops-data',
      Key: `runs/dataset-group-name-1/${RUN.runId}/plan.json`,
    });
  });

  it('creates nothing new when the same event is delivered twice', async () => {
    const group = fake.seed('datasetGroup', 'dataset-group-name-1');
    const creates = () => fake.mock.calls().filter((c) => c.args[0].constructor.name.startsWith('Create')).length;

    await onDatasetGroupActive({ ...RUN, datasetGroupArn: group }, deps());
    const createsBefore = creates();
    const watchesBefore = watches();
    await onDatasetGroupActive({ ...RUN, datasetGroupArn: group }, deps());

    expect(createsBefore).toBe(5); // two schemas, two datasets, one event tracker
    expect(creates()).toBe(createsBefore);
    expect(watches()).toEqual([...watchesBefore, ...watchesBefore]);
  });

  it('publishes Step Failed naming the changed field when a schema of the same name differs', async () => {
    // Prepare: an earlier file created users-schema with AGE as a string.
    const group = fake.seed('datasetGroup', 'dataset-group-name-1');
    fake.seed('schema', 'users-schema', {
      schema: JSON.stringify({
        type: 'record',
        name: 'users',
        namespace: 'com.amazonaws.personalize.schema',
        fields: [
          { name: 'USER_ID', type: 'string' },
          { name: 'AGE', type: 'string' },
          { name: 'GENDER', type: 'string', categorical: true },
        ],
      }),
    });

    // Act
    const report = await onDatasetGroupActive({ ...RUN, datasetGroupArn: group }, deps());

    // Assess
    const failed = published().filter((e) => e.type === 'Step Failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.detail).toMatchObject({
      step: 'provisioning',
      reason: 'schema "users-schema" already exists with a different definition: field AGE: type "string" changed to "int"',
      errors: [{ path: 'users-schema', message: 'field AGE: type "string" changed to "int"' }],
    });
    expect(report.failed).toBeDefined();
  });

  it('moves a dataset to a revised schema that adds an optional column and waits for the update', async () => {
    // Prepare: the file adds an optional CITY column to users.
    const { file } = loadParameterFile(readFileSync(FIXTURE, 'utf8'));
    const users = file as unknown as { datasets: { users: { schema: { serviceConfig: { schema: { fields: unknown[] } } } } } };
    users.datasets.users.schema.serviceConfig.schema.fields.push({ name: 'CITY', type: ['null', 'string'], categorical: true });
    plan = resolvePlan(file, {
      stage: 'prod',
      bucket: 'recops-data',
      configKey: 'train/dataset-group-name-1/config.json',
      runStamp: '2026_11_25_10_00_00',
    });
    const group = fake.seed('datasetGroup', 'dataset-group-name-1');
    const original = samplePlan().datasets.find((d) => d.type === 'USERS')?.schema.schema ?? '';
    const oldSchema = fake.seed('schema', 'users-schema', { schema: original });
    fake.seed('dataset', 'dataset-group-name-1/USERS', { datasetType: 'USERS', schemaArn: oldSchema }, group);
    const updates: unknown[] = [];
    fake.mock.on((await import('@aws-sdk/client-personalize')).UpdateDatasetCommand).callsFake((input) => {
      updates.push(input);
      return { datasetArn: input.datasetArn };
    });

    // Act
    await onDatasetGroupActive({ ...RUN, datasetGroupArn: group }, deps());

    // Assess
    expect(updates).toEqual([
      {
        datasetArn: `${FAKE_ARN_PREFIX}dataset/dataset-group-name-1/USERS`,
        schemaArn: expect.stringMatching(/schema\/users-schema-[0-9a-f]{8}$/),
      },
    ]);
    const watch = published().find((e) => e.type === 'Watch Requested' && e.detail.operation === 'update');
    expect(watch?.detail).toMatchObject({ operation: 'update', resourceArn: `${FAKE_ARN_PREFIX}dataset/dataset-group-name-1/USERS` });
  });
});

describe('Logic: onDatasetActive', () => {
  it("creates that dataset's import job and asks the watcher for it, also on a repeated event", async () => {
    // Prepare
    const group = fake.seed('datasetGroup', 'dataset-group-name-1');
    const dataset = fake.seed('dataset', 'dataset-group-name-1/INTERACTIONS', { datasetType: 'INTERACTIONS' }, group);

    // Act
    await onDatasetActive({ ...RUN, datasetArn: dataset }, deps());
    await onDatasetActive({ ...RUN, datasetArn: dataset }, deps());

    // Assess
    expect(fake.resources('datasetImportJob').map((j) => j.name)).toEqual(['interactions-data_2026_11_25_10_00_00']);
    expect(watches()).toEqual([
      'datasetImportJob dataset-import-job/interactions-data_2026_11_25_10_00_00',
      'datasetImportJob dataset-import-job/interactions-data_2026_11_25_10_00_00',
    ]);
  });
});
