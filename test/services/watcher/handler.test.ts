import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DescribeDatasetGroupCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../services/status-watcher/handler';

// Powertools reads these when the handler module builds its logger and metrics.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});
import { ARN, RUNTIME_TEST_ENV, busRecord, lambdaContext } from './helpers';
import { acceptPutEvents, putEventsEntries } from '../bus-mock';

const personalizeMock = mockClient(PersonalizeClient);
const sqsMock = mockClient(SQSClient);
const eventsMock = mockClient(EventBridgeClient);
const s3Mock = mockClient(S3Client);

/** The bucket's objects, with S3's `If-None-Match: *` semantics on PutObject. */
const objects = new Map<string, string>();

/** Requested just now, so the dataset group's one-hour deadline is far away. */
function watchRequestedRecord() {
  return busRecord('recops.personalize', 'Watch Requested', {
    runId: 'run-1',
    datasetGroupName: 'g1',
    stage: 'test',
    resourceKind: 'datasetGroup',
    resourceArn: `${ARN}:dataset-group/g1`,
    requestedAt: new Date().toISOString(),
    schemaVersion: 1,
  });
}

beforeEach(() => {
  for (const [name, value] of Object.entries(RUNTIME_TEST_ENV)) vi.stubEnv(name, value);
  personalizeMock.reset();
  sqsMock.reset();
  eventsMock.reset();
  acceptPutEvents(eventsMock);
  objects.clear();
  s3Mock.reset();
  s3Mock.on(PutObjectCommand).callsFake((input) => {
    if (input.IfNoneMatch === '*' && objects.has(input.Key)) {
      throw new S3ServiceException({ name: 'PreconditionFailed', $fault: 'client', $metadata: { httpStatusCode: 412 } });
    }
    objects.set(input.Key, String(input.Body));
    return {};
  });
  s3Mock
    .on(GetObjectCommand)
    .callsFake((input) => ({ ETag: '"1"', Body: { transformToString: async () => objects.get(input.Key) ?? '' } as never }));
});
afterEach(() => vi.unstubAllEnvs());

describe('Handler: status-watcher', () => {
  it('reports only the malformed record as failed and publishes for the valid one', async () => {
    // Prepare
    personalizeMock.on(DescribeDatasetGroupCommand).resolves({ datasetGroup: { status: 'ACTIVE' } });
    const valid = watchRequestedRecord();
    const malformed = busRecord('recops.personalize', 'Watch Requested', { runId: 'run-1' });

    // Act
    const response = await main({ Records: [valid, malformed] }, lambdaContext());

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: malformed.messageId }] });
    const entries = putEventsEntries(eventsMock);
    expect(entries.map((e) => e.DetailType)).toEqual(['Dataset Group Status Changed']);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('runs one watch for duplicate Watch Requested messages, and keeps it for a redelivered message', async () => {
    // Prepare: the group is still being created, so a claimed watch re-checks itself later.
    personalizeMock.on(DescribeDatasetGroupCommand).resolves({ datasetGroup: { status: 'CREATE PENDING' } });
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm' });
    const first = watchRequestedRecord();
    const duplicate = watchRequestedRecord();

    // Act
    await main({ Records: [first, duplicate] }, lambdaContext());
    await main({ Records: [first] }, lambdaContext()); // the same message again, e.g. after a timeout

    // Assess: one claim; the first message re-checked twice (once per delivery), the duplicate never.
    expect([...objects.keys()]).toEqual([expect.stringMatching(/^runs\/g1\/run-1\/watches\/datasetGroup-create-[0-9a-f]{16}\.json$/)]);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(2);
    expect(personalizeMock.commandCalls(DescribeDatasetGroupCommand)).toHaveLength(2);
  });

  it('makes no Personalize call for an empty batch', async () => {
    await main({ Records: [] }, lambdaContext());
    expect(personalizeMock.calls()).toHaveLength(0);
  });
});
