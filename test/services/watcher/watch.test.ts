import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeDatasetCommand,
  DescribeDatasetImportJobCommand,
  DescribeSolutionVersionCommand,
  ListDatasetImportJobsCommand,
  PersonalizeClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { watchRequested } from '@recops/events';
import { DEFAULT_WATCH_POLICY, watchPolicyFromEnv } from '../../../services/status-watcher/policy';
import { parseWatchRecord, type Watch } from '../../../services/status-watcher/recheck';
import { createStatusReader } from '../../../services/status-watcher/status-reader';
import { checkWatch, type WatchDependencies } from '../../../services/status-watcher/watch';
import { ARN, busRecord, sqsRecord } from './helpers';
import { acceptPutEvents, putEventsEntries } from '../bus-mock';

const personalizeMock = mockClient(PersonalizeClient);
const sqsMock = mockClient(SQSClient);
const eventsMock = mockClient(EventBridgeClient);
const personalize = new PersonalizeClient({ region: 'us-east-1' });

const JOB = `${ARN}:dataset-import-job/interactions_2026_11_25_10_00_00`;
const REQUESTED_AT = '2026-11-25T10:00:00.000Z';

function watchOf(overrides: Partial<Watch['detail']> = {}, attempt = 0): Watch {
  const detail = watchRequested.detailSchema.parse({
    runId: 'run-1',
    datasetGroupName: 'g1',
    stage: 'test',
    resourceKind: 'datasetImportJob',
    resourceArn: JOB,
    requestedAt: REQUESTED_AT,
    schemaVersion: 1,
    ...overrides,
  });
  return { detail, attempt };
}

function deps(now = '2026-11-25T10:01:00.000Z'): WatchDependencies {
  return {
    reader: createStatusReader(personalize),
    sqs: new SQSClient({ region: 'us-east-1' }),
    eventBridge: new EventBridgeClient({ region: 'us-east-1' }),
    busName: 'recops-test',
    queueUrl: 'https://sqs.us-east-1.amazonaws.com/000000000000/watcher',
    policy: DEFAULT_WATCH_POLICY,
    now: () => new Date(now),
  };
}

function publishedDetails(): Record<string, unknown>[] {
  return putEventsEntries(eventsMock)
    .map((e) => JSON.parse(e.Detail ?? '{}') as Record<string, unknown>);
}

beforeEach(() => {
  personalizeMock.reset();
  sqsMock.reset();
  eventsMock.reset();
  acceptPutEvents(eventsMock);
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm' });
});

describe('Logic: checkWatch', () => {
  it('publishes Dataset Import Job Status Changed ACTIVE and sends no re-check', async () => {
    // Prepare
    personalizeMock.on(DescribeDatasetImportJobCommand).resolves({ datasetImportJob: { status: 'ACTIVE' } });

    // Act
    const outcome = await checkWatch(watchOf(), deps());

    // Assess
    expect(outcome).toEqual({ outcome: 'published', status: 'ACTIVE' });
    const entries = eventsMock.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries ?? [];
    expect(entries.map((e) => e.DetailType)).toEqual(['Dataset Import Job Status Changed']);
    expect(publishedDetails()[0]).toMatchObject({
      runId: 'run-1',
      resourceKind: 'datasetImportJob',
      resourceArn: JOB,
      status: 'ACTIVE',
      requestedAt: REQUESTED_AT,
      observedAt: '2026-11-25T10:01:00.000Z',
    });
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('publishes CREATE FAILED with Personalize\'s failure reason', async () => {
    personalizeMock.on(DescribeDatasetImportJobCommand).resolves({
      datasetImportJob: { status: 'CREATE FAILED', failureReason: 'Input CSV is missing column TIMESTAMP' },
    });

    await checkWatch(watchOf(), deps());

    expect(publishedDetails()[0]).toMatchObject({ status: 'CREATE FAILED', failureReason: 'Input CSV is missing column TIMESTAMP' });
  });

  it('re-sends itself with the next delay while the resource is in progress, never publishing', async () => {
    // Prepare
    personalizeMock.on(DescribeDatasetImportJobCommand).resolves({
      datasetImportJob: { status: 'CREATE IN_PROGRESS', datasetArn: `${ARN}:dataset/g1/INTERACTIONS` },
    });

    // Act
    const outcome = await checkWatch(watchOf({}, 2), deps());

    // Assess: import jobs start at 30 s and grow ×1.5 per check: 30 × 1.5² ≈ 68 s.
    expect(outcome).toEqual({ outcome: 'rescheduled', status: 'CREATE IN_PROGRESS', delaySeconds: 68 });
    const sent = sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(sent?.DelaySeconds).toBe(68);
    const next = parseWatchRecord(sqsRecord(sent?.MessageBody ?? ''));
    expect(next.attempt).toBe(3);
    expect(next.parentArn).toBe(`${ARN}:dataset/g1/INTERACTIONS`);
    expect(next.detail.resourceArn).toBe(JOB);
    expect(eventsMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('waits for a dataset\'s schema update, not its creation, when asked to watch the update', async () => {
    // Prepare: the dataset itself is ACTIVE; its schema update is still running, then fails.
    const dataset = `${ARN}:dataset/g1/USERS`;
    personalizeMock
      .on(DescribeDatasetCommand)
      .resolvesOnce({ dataset: { status: 'ACTIVE', latestDatasetUpdate: { status: 'UPDATE IN_PROGRESS' } } })
      .resolves({ dataset: { status: 'ACTIVE', latestDatasetUpdate: { status: 'UPDATE FAILED', failureReason: 'schema rejected' } } });
    const watch = watchOf({ resourceKind: 'dataset', resourceArn: dataset, operation: 'update' });

    // Act
    const first = await checkWatch(watch, deps());
    const second = await checkWatch({ ...watch, attempt: 1 }, deps());

    // Assess
    expect(first).toMatchObject({ outcome: 'rescheduled', status: 'UPDATE IN_PROGRESS' });
    expect(second).toEqual({ outcome: 'published', status: 'UPDATE FAILED', failureReason: 'schema rejected' });
    expect(publishedDetails()[0]).toMatchObject({ operation: 'update', status: 'UPDATE FAILED', resourceKind: 'dataset' });
  });

  it('never asks SQS for more than 15 minutes of delay', async () => {
    personalizeMock.on(DescribeSolutionVersionCommand).resolves({ solutionVersion: { status: 'CREATE IN_PROGRESS' } });

    const outcome = await checkWatch(watchOf({ resourceKind: 'solutionVersion', resourceArn: `${ARN}:solution/s/abcd1234` }, 30), deps());

    expect(outcome).toMatchObject({ outcome: 'rescheduled', delaySeconds: 900 });
  });

  it('reports DEADLINE EXCEEDED with a clear reason once the deadline has passed', async () => {
    personalizeMock.on(DescribeDatasetImportJobCommand).resolves({ datasetImportJob: { status: 'CREATE IN_PROGRESS' } });

    const outcome = await checkWatch(watchOf({ deadlineAt: '2026-11-25T12:00:00.000Z' }, 40), deps('2026-11-25T12:00:05.000Z'));

    expect(outcome).toMatchObject({ outcome: 'published', status: 'DEADLINE EXCEEDED' });
    expect(publishedDetails()[0]?.failureReason).toBe(
      `Dataset Import Job ${JOB} is still CREATE IN_PROGRESS 2 h after the watch was requested (deadline 2026-11-25T12:00:00.000Z)`,
    );
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('does not delay a re-check past the deadline', async () => {
    personalizeMock.on(DescribeDatasetImportJobCommand).resolves({ datasetImportJob: { status: 'CREATE IN_PROGRESS' } });

    const outcome = await checkWatch(watchOf({ deadlineAt: '2026-11-25T10:01:10.000Z' }, 5), deps('2026-11-25T10:01:00.000Z'));

    expect(outcome).toMatchObject({ outcome: 'rescheduled', delaySeconds: 10 });
  });

  it('keeps waiting when a just-created resource is not found yet', async () => {
    personalizeMock.on(DescribeDatasetImportJobCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));

    const outcome = await checkWatch(watchOf(), deps());

    expect(outcome).toMatchObject({ outcome: 'rescheduled', status: 'NOT FOUND', delaySeconds: 30 });
  });
});

describe('Logic: createStatusReader', () => {
  it('answers several in-flight jobs of one dataset with a single List call', async () => {
    // Prepare
    const dataset = `${ARN}:dataset/g1/INTERACTIONS`;
    personalizeMock.on(ListDatasetImportJobsCommand).resolves({
      datasetImportJobs: [
        { datasetImportJobArn: `${ARN}:dataset-import-job/a`, status: 'ACTIVE' },
        { datasetImportJobArn: `${ARN}:dataset-import-job/b`, status: 'CREATE IN_PROGRESS' },
        { datasetImportJobArn: `${ARN}:dataset-import-job/c`, status: 'CREATE FAILED', failureReason: 'bad' },
      ],
    });
    const reader = createStatusReader(personalize);

    // Act
    const statuses = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        reader.read({ kind: 'datasetImportJob', arn: `${ARN}:dataset-import-job/${id}`, operation: 'create', parentArn: dataset }),
      ),
    );

    // Assess
    expect(statuses.map((s) => s.status)).toEqual(['ACTIVE', 'CREATE IN_PROGRESS', 'CREATE FAILED']);
    expect(personalizeMock.calls()).toHaveLength(1);
  });

  it('falls back to Describe for a job the List does not show yet', async () => {
    const dataset = `${ARN}:dataset/g1/INTERACTIONS`;
    personalizeMock.on(ListDatasetImportJobsCommand).resolves({
      datasetImportJobs: [{ datasetImportJobArn: `${ARN}:dataset-import-job/a`, status: 'ACTIVE' }],
    });
    personalizeMock.on(DescribeDatasetImportJobCommand).resolves({ datasetImportJob: { status: 'CREATE PENDING' } });
    const reader = createStatusReader(personalize);

    const statuses = await Promise.all(
      ['a', 'b'].map((id) =>
        reader.read({ kind: 'datasetImportJob', arn: `${ARN}:dataset-import-job/${id}`, operation: 'create', parentArn: dataset }),
      ),
    );

    expect(statuses.map((s) => s.status)).toEqual(['ACTIVE', 'CREATE PENDING']);
  });
});

describe('Function: parseWatchRecord', () => {
  it('reads a Watch Requested delivered from the bus as attempt 0', () => {
    const record = busRecord('recops.personalize', 'Watch Requested', {
      runId: 'run-1',
      datasetGroupName: 'g1',
      stage: 'test',
      resourceKind: 'datasetGroup',
      resourceArn: `${ARN}:dataset-group/g1`,
      requestedAt: REQUESTED_AT,
      schemaVersion: 1,
    });

    const watch = parseWatchRecord(record);

    expect(watch).toMatchObject({ attempt: 0, detail: { resourceKind: 'datasetGroup', operation: 'create' } });
  });

  it('rejects a record that is neither, naming the broken field', () => {
    const record = busRecord('recops.personalize', 'Watch Requested', { runId: 'run-1' });
    expect(() => parseWatchRecord(record)).toThrow(/Invalid "Watch Requested" event: detail\.datasetGroupName/);
  });
});

describe('Function: watchPolicyFromEnv', () => {
  it('caps every delay with RECOPS_WATCH_MAX_DELAY_SECONDS', () => {
    const policy = watchPolicyFromEnv({ RECOPS_WATCH_MAX_DELAY_SECONDS: '1' });
    expect(policy.solutionVersion).toMatchObject({ firstDelaySeconds: 1, maxDelaySeconds: 1, deadlineSeconds: 48 * 3600 });
  });

  it('refuses a cap above the SQS maximum', () => {
    expect(() => watchPolicyFromEnv({ RECOPS_WATCH_MAX_DELAY_SECONDS: '901' })).toThrow(/from 0 to 900, got "901"/);
  });
});
