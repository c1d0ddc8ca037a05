/**
 * The operations against the local cloud's Personalize (real SDK clients, real engine): the same
 * calls a deployment makes, end to end from an empty dataset group to a trained version.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListSolutionVersionsCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import {
  ResourceConflictError,
  ResourceKind,
  StatusPhase,
  describeStatus,
  ensureDataset,
  ensureDatasetGroup,
  ensureFilter,
  ensureImportJob,
  ensureSchema,
  ensureSolution,
  ensureSolutionVersion,
  listStatuses,
  statusPhase,
  type ResourceStatus,
} from '@recops/core/ops';
import { claimOnce } from '@recops/core/runtime';
import { usersSchema } from './schemas';

const BUCKET = 'recops-ops-test';

const interactionsSchema = {
  type: 'record',
  name: 'Interactions',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'ITEM_ID', type: 'string' },
    { name: 'TIMESTAMP', type: 'long' },
    { name: 'EVENT_TYPE', type: 'string' },
  ],
  version: '1.0',
};

/** 60 users × 25 interactions over 80 items: enough to import and train a popularity model. */
function interactionsCsv(): string {
  const rows = ['USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE'];
  for (let user = 0; user < 60; user += 1) {
    for (let n = 0; n < 25; n += 1) {
      const item = (user * 7 + n * n) % 80;
      rows.push(`u${user},i${item},${1_700_000_000 + user * 1000 + n},${n % 3 === 0 ? 'click' : 'view'}`);
    }
  }
  return `${rows.join('\n')}\n`;
}

function usersCsv(): string {
  return `USER_ID,GENDER\n${Array.from({ length: 60 }, (_, user) => `u${user},${user % 2 === 0 ? 'F' : 'M'}`).join('\n')}\n`;
}

let cloud: LocalCloud;
let dataDir: string;
let personalize: PersonalizeClient;
let s3: S3Client;

/** Test-side wait: asks for the status until it is ACTIVE or failed (services use the watcher instead). */
async function settle(kind: ResourceKind, arn: string): Promise<ResourceStatus> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const status = await describeStatus(personalize, kind, arn);
    // The reason travels in the status so a failed expectation shows it.
    if (statusPhase(status.status) !== StatusPhase.inProgress) {
      return status.failureReason === undefined ? status : { ...status, status: `${status.status}: ${status.failureReason}` };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${kind} ${arn} did not settle`);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'recops-ops-'));
  cloud = await createLocalCloud({ dataDir, personalizeStepDelayMs: 10 });
  const config = {
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  personalize = new PersonalizeClient(config);
  s3 = new S3Client({ ...config, forcePathStyle: true });
  await cloud.s3.ensureBucket(BUCKET);
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'data/interactions.csv', Body: interactionsCsv() }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'data/users.csv', Body: usersCsv() }));
});

afterAll(async () => {
  await cloud?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('Operations: against the local cloud', () => {
  it('provisions, imports and trains once, and a repeat of every call creates nothing new', async () => {
    // Dataset group, then schemas and datasets.
    const group = await ensureDatasetGroup(personalize, { name: 'ops-local', tags: { team: 'recs' } });
    expect(group.created).toBe(true);
    expect(await settle(ResourceKind.datasetGroup, group.arn)).toMatchObject({ status: 'ACTIVE' });

    const datasetArns: Record<string, string> = {};
    for (const [type, schema] of [
      ['Interactions', interactionsSchema],
      ['Users', usersSchema],
    ] as const) {
      const created = await ensureSchema(personalize, { name: `ops-local-${type.toLowerCase()}`, schema });
      expect(created.outcome).toBe('created');
      const dataset = await ensureDataset(personalize, {
        datasetGroupArn: group.arn,
        datasetType: type,
        name: `ops-local-${type.toLowerCase()}`,
        schemaArn: created.arn,
      });
      expect(await settle(ResourceKind.dataset, dataset.arn)).toMatchObject({ status: 'ACTIVE' });
      datasetArns[type] = dataset.arn;
    }

    // Imports: one job per location, started together as the provisioner does; both ACTIVE.
    const jobs = await Promise.all(
      (['Interactions', 'Users'] as const).map((type) =>
        ensureImportJob(personalize, {
          datasetArn: datasetArns[type] ?? '',
          jobName: `ops-local-${type.toLowerCase()}-1`,
          dataLocation: `s3://${BUCKET}/data/${type.toLowerCase()}.csv`,
          roleArn: 'arn:aws:iam::000000000000:role/personalize',
        }),
      ),
    );
    for (const job of jobs) expect(await settle(ResourceKind.datasetImportJob, job.arn)).toMatchObject({ status: 'ACTIVE' });
    const listed = await listStatuses(personalize, ResourceKind.datasetImportJob, datasetArns.Interactions ?? '');
    expect(listed.get(jobs[0]?.arn ?? '')?.status).toBe('ACTIVE');

    // Filter, solution, one version for the run.
    const filter = await ensureFilter(personalize, {
      datasetGroupArn: group.arn,
      name: 'ops-local-clicked',
      filterExpression: 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
    });
    expect(await settle(ResourceKind.filter, filter.arn)).toMatchObject({ status: 'ACTIVE' });
    const solution = await ensureSolution(personalize, {
      datasetGroupArn: group.arn,
      name: 'ops-local-popular',
      recipeArn: 'arn:aws:personalize:::recipe/aws-popularity-count',
      performAutoTraining: false,
    });
    expect(await settle(ResourceKind.solution, solution.arn)).toMatchObject({ status: 'ACTIVE' });
    const version = await ensureSolutionVersion(personalize, { solutionArn: solution.arn, name: 'run-1', trainingMode: 'FULL' });
    expect(version.created).toBe(true);
    expect(await settle(ResourceKind.solutionVersion, version.arn)).toMatchObject({ status: 'ACTIVE' });

    // Everything again, as a redelivered event would: same ARNs, nothing created.
    const again = [
      await ensureDatasetGroup(personalize, { name: 'ops-local' }),
      await ensureImportJob(personalize, {
        datasetArn: datasetArns.Users ?? '',
        jobName: 'ops-local-users-1',
        dataLocation: `s3://${BUCKET}/data/users.csv`,
      }),
      await ensureFilter(personalize, {
        datasetGroupArn: group.arn,
        name: 'ops-local-clicked',
        filterExpression: 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
      }),
      await ensureSolutionVersion(personalize, { solutionArn: solution.arn, name: 'run-1', trainingMode: 'FULL' }),
    ];
    expect(again.map((r) => r.created)).toEqual([false, false, false, false]);
    expect(again[3]?.arn).toBe(version.arn);
    expect((await ensureSchema(personalize, { name: 'ops-local-users', schema: usersSchema })).outcome).toBe('reused');
  });

  it('trains one version when three callers race for it, each claiming it on S3 first', async () => {
    // The solution of the first test, reused. Unclaimed, simultaneous creates each train a version.
    const group = await ensureDatasetGroup(personalize, { name: 'ops-local' });
    const solution = await ensureSolution(personalize, {
      datasetGroupArn: group.arn,
      name: 'ops-local-popular',
      recipeArn: 'arn:aws:personalize:::recipe/aws-popularity-count',
      performAutoTraining: false,
    });

    const outcomes = await Promise.allSettled(
      ['message-a', 'message-b', 'message-c'].map((owner) =>
        ensureSolutionVersion(personalize, {
          solutionArn: solution.arn,
          name: 'run-2',
          trainingMode: 'FULL',
          claim: async () => (await claimOnce(s3, BUCKET, 'claims/run-2', owner)).claimed,
        }),
      ),
    );

    const created = outcomes.filter((o) => o.status === 'fulfilled' && o.value.created);
    expect(created).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ retryable: true });
    }
    const versions = (await personalize.send(new ListSolutionVersionsCommand({ solutionArn: solution.arn }))).solutionVersions ?? [];
    // run-1 from the first test, and one run-2.
    expect(versions).toHaveLength(2);
  });

  it('moves a dataset to a schema that adds an optional column, and refuses a changed column', async () => {
    const evolved = { ...usersSchema, fields: [...usersSchema.fields, { name: 'CITY', type: ['null', 'string'], categorical: true }] };
    const revision = await ensureSchema(personalize, { name: 'ops-local-users', schema: evolved });
    expect(revision).toMatchObject({ outcome: 'evolved', addedFields: ['CITY'] });

    const group = await ensureDatasetGroup(personalize, { name: 'ops-local' });
    const dataset = await ensureDataset(personalize, {
      datasetGroupArn: group.arn,
      datasetType: 'Users',
      name: 'ops-local-users',
      schemaArn: revision.arn,
    });
    expect(dataset.schemaUpdate).toMatchObject({ toSchemaArn: revision.arn, addedFields: ['CITY'] });

    const changed = {
      ...usersSchema,
      fields: [
        { name: 'USER_ID', type: 'string' },
        { name: 'GENDER', type: 'int' },
      ],
    };
    await expect(ensureSchema(personalize, { name: 'ops-local-users', schema: changed })).rejects.toBeInstanceOf(ResourceConflictError);
  });
});
