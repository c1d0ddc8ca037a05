import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeDatasetCommand,
  DescribeDatasetImportJobCommand,
  ListDatasetImportJobsCommand,
  ListSolutionVersionsCommand,
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
  return putEventsEntries(eventsMock).map((e) => JSON.parse(e.Detail ?? '{}') as Record<string, unknown>);
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
    expect(outcome).toEqual({ outcome: 'published', status: 'ACTIVE', checks: 1 });
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

  it("publishes CREATE FAILED with Personalize's failure reason", async () => {
    personalizeMock.on(DescribeDatasetImportJobCommand).resolves({
      datasetImportJob: { status: 'CREATE FAILED', failureReason: 'Input CSV is missing column TIMESTAMP' },
    });

    await checkWatch(watchOf(), deps());

    expect(publishedDetails()[0]).toMatchObject({ status: 'CREATE FAILED', failureReason: 'Input CSV is missing column TIMESTAMP' });
  });

  it('re-sends itself, due inside the prior window, while the resource is in progress, never publishing', async () => {
    // Prepare: the dataset lists no earlier import, so the kind's prior (5–60 min) applies.
    const dataset = `${ARN}:dataset/g1/INTERACTIONS`;
    personalizeMock.on(DescribeDatasetImportJobCommand).resolves({
      datasetImportJob: { status: 'CREATE IN_PROGRESS', datasetArn: dataset },
    });
    personalizeMock.on(ListDatasetImportJobsCommand).resolves({
      datasetImportJobs: [{ datasetImportJobArn: JOB, status: 'CREATE IN_PROGRESS', creationDateTime: new Date(REQUESTED_AT) }],
    });

    // Act: the first check, one minute after the request.
    const outcome = await checkWatch(watchOf(), deps());

    // Assess: the next check lands after the prior's 5-minute start, within SQS's 15 minutes.
    expect(outcome).toMatchObject({ outcome: 'rescheduled', status: 'CREATE IN_PROGRESS', checks: 1 });
    const sent = sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input;
    const delay = sent?.DelaySeconds ?? 0;
    expect(delay).toBeGreaterThan(240);
    expect(delay).toBeLessThanOrEqual(900);
    const next = parseWatchRecord(sqsRecord(sent?.MessageBody ?? ''));
    expect(next.attempt).toBe(1);
    expect(next.parentArn).toBe(dataset);
    expect(next.belief).toEqual({ shape: 'uniform', lowSeconds: 300, highSeconds: 3600 });
    expect(next.detail.resourceArn).toBe(JOB);
    expect(eventsMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it("waits for a dataset's schema update, not its creation, when asked to watch the update", async () => {
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
    expect(second).toEqual({ outcome: 'published', status: 'UPDATE FAILED', failureReason: 'schema rejected', checks: 1 });
    expect(publishedDetails()[0]).toMatchObject({ operation: 'update', status: 'UPDATE FAILED', resourceKind: 'dataset' });
  });

  it('relays a wait longer than SQS allows through messages that make no Personalize call', async () => {
    // Prepare: earlier versions of the solution trained for about 3 h, so the next check is hours away.
    const solution = `${ARN}:solution/s`;
    const version = `${solution}/abcd1234`;
    const trained = (id: string, startIso: string, hours: number) => ({
      solutionVersionArn: `${solution}/${id}`,
      status: 'ACTIVE',
      creationDateTime: new Date(startIso),
      lastUpdatedDateTime: new Date(Date.parse(startIso) + hours * 3_600_000),
    });
    personalizeMock.on(ListSolutionVersionsCommand).resolves({
      solutionVersions: [
        { solutionVersionArn: version, status: 'CREATE IN_PROGRESS', creationDateTime: new Date(REQUESTED_AT) },
        trained('old2', '2026-11-24T10:00:00.000Z', 3.1),
        trained('old1', '2026-11-23T10:00:00.000Z', 2.9),
      ],
    });
    const watch = watchOf({ resourceKind: 'solutionVersion', resourceArn: version });

    // Act
    const first = await checkWatch(watch, deps());
    const relayBody = sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? '';
    const relayed = await checkWatch(parseWatchRecord(sqsRecord(relayBody)), deps('2026-11-25T10:16:00.000Z'));

    // Assess: one List answered status and history; the relay hop made no call at all.
    expect(first).toMatchObject({ outcome: 'rescheduled', delaySeconds: 900, checks: 1 });
    expect(relayed).toEqual({ outcome: 'relayed', delaySeconds: 900, checks: 0 });
    expect(personalizeMock.calls()).toHaveLength(1);
    const checkAt = Date.parse(parseWatchRecord(sqsRecord(relayBody)).checkAt ?? '');
    expect(checkAt - Date.parse(REQUESTED_AT)).toBeGreaterThan(2 * 3_600_000);
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

  it('keeps waiting when a just-created resource is not found yet, forming its belief at a later check', async () => {
    personalizeMock.on(DescribeDatasetImportJobCommand).rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }));

    const outcome = await checkWatch(watchOf(), deps());

    expect(outcome).toMatchObject({ outcome: 'rescheduled', status: 'NOT FOUND' });
    const next = parseWatchRecord(sqsRecord(sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? ''));
    expect(next.belief).toBeUndefined();
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
  it('caps every wait with RECOPS_WATCH_MAX_DELAY_SECONDS, and the check spacing with it', () => {
    const policy = watchPolicyFromEnv({ RECOPS_WATCH_MAX_DELAY_SECONDS: '0.25' });
    expect(policy.maxDelaySeconds).toBe(0.25);
    expect(policy.budget.minIntervalSeconds).toBe(0.25);
    expect(policy.kinds.solutionVersion.deadlineSeconds).toBe(48 * 3600);
  });

  it('refuses a cap above the SQS maximum', () => {
    expect(() => watchPolicyFromEnv({ RECOPS_WATCH_MAX_DELAY_SECONDS: '901' })).toThrow(/from 0.05 to 900, got "901"/);
  });
});
