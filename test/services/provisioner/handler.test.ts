import { readFileSync } from 'node:fs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient, ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import { CreateDatasetGroupCommand } from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadParameterFile, resolvePlan } from '@recops/core';
import { main } from '../../../services/dataset-provisioner/handler';
import { fakePersonalize } from '../ops/fake-personalize';
import { RUNTIME_TEST_ENV, busRecord, lambdaContext } from '../watcher/helpers';
import { acceptPutEvents, putEventsEntries } from '../bus-mock';
import { pipelineRequestedDetail, plannedRunOf } from '../../support/planned-run';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const fake = fakePersonalize();
const s3Mock = mockClient(S3Client);
const sqsMock = mockClient(SQSClient);
const eventsMock = mockClient(EventBridgeClient);

const plan = resolvePlan(
  loadParameterFile(readFileSync(`${import.meta.dirname}/../../core/fixtures/seed-examples/mpe-sample-full.json`, 'utf8')).file,
  {
    stage: 'prod',
    bucket: 'recops-data',
    configKey: 'train/dataset-group-name-1/config.json',
    runStamp: '2026_11_25_10_00_00',
  },
);

const document = plannedRunOf(plan, { runId: '2026_11_25_10_00_00-abcd1234' });

function pipelineRequested() {
  return busRecord('recops.pipeline', 'Pipeline Requested', pipelineRequestedDetail(document));
}

beforeEach(() => {
  for (const [name, value] of Object.entries(RUNTIME_TEST_ENV)) vi.stubEnv(name, value);
  fake.reset();
  sqsMock.reset();
  eventsMock.reset();
  acceptPutEvents(eventsMock);
  sqsMock.on(ChangeMessageVisibilityCommand).resolves({});
  s3Mock
    .on(GetObjectCommand)
    .callsFake(() => ({ ETag: '"1"', Body: { transformToString: async () => JSON.stringify(document) } as never }));
});
afterEach(() => vi.unstubAllEnvs());

describe('Handler: dataset-provisioner', () => {
  it('handles Pipeline Requested and asks the watcher for the new dataset group', async () => {
    const response = await main({ Records: [pipelineRequested()] }, lambdaContext());

    expect(response).toEqual({ batchItemFailures: [] });
    const types = putEventsEntries(eventsMock).map((e) => e.DetailType);
    expect(types).toEqual(['Watch Requested']);
  });

  it('returns a throttled record to the queue with a longer visibility timeout', async () => {
    // Prepare
    fake.mock.on(CreateDatasetGroupCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const record = pipelineRequested();

    // Act
    const response = await main({ Records: [record] }, lambdaContext());

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    const change = sqsMock.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input;
    expect(change).toMatchObject({ QueueUrl: RUNTIME_TEST_ENV.RECOPS_QUEUE_URL, ReceiptHandle: record.receiptHandle });
    expect(change?.VisibilityTimeout).toBeGreaterThanOrEqual(10);
  });
});
