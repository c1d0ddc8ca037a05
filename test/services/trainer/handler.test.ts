import { readFileSync } from 'node:fs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateSolutionVersionCommand } from '@aws-sdk/client-personalize';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadParameterFile, resolvePlan } from '@recops/core';
import { main } from '../../../services/solution-trainer/handler';
import { fakePersonalize } from '../ops/fake-personalize';
import { RUNTIME_TEST_ENV, busRecord, lambdaContext } from '../watcher/helpers';
import { acceptPutEvents } from '../bus-mock';
import { plannedRunOf } from '../../support/planned-run';

const RUN_ID = '2026_11_25_10_00_00-abcd1234';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const fake = fakePersonalize();
const s3Mock = mockClient(S3Client);
const eventsMock = mockClient(EventBridgeClient);
const sqsMock = mockClient(SQSClient);

const plan = resolvePlan(
  loadParameterFile(readFileSync(`${import.meta.dirname}/../../core/fixtures/seed-examples/mpe-sample-full.json`, 'utf8')).file,
  {
    stage: 'prod',
    bucket: 'recops-data',
    configKey: 'train/dataset-group-name-1/config.json',
    runStamp: '2026_11_25_10_00_00',
  },
);

function solutionStatusChanged(solutionArn: string, status: string, extra: Record<string, unknown> = {}) {
  return busRecord('recops.personalize', 'Solution Status Changed', {
    runId: '2026_11_25_10_00_00-abcd1234',
    datasetGroupName: 'dataset-group-name-1',
    stage: 'test',
    resourceKind: 'solution',
    resourceArn: solutionArn,
    status,
    requestedAt: '2026-11-25T10:05:00.000Z',
    observedAt: '2026-11-25T10:06:00.000Z',
    schemaVersion: 1,
    ...extra,
  });
}

beforeEach(() => {
  for (const [name, value] of Object.entries(RUNTIME_TEST_ENV)) vi.stubEnv(name, value);
  fake.reset();
  s3Mock.reset();
  eventsMock.reset();
  sqsMock.reset();
  sqsMock.on(ChangeMessageVisibilityCommand).resolves({});
  acceptPutEvents(eventsMock);
  s3Mock.on(GetObjectCommand).callsFake(() => ({
    ETag: '"1"',
    Body: { transformToString: async () => JSON.stringify(plannedRunOf(plan, { runId: RUN_ID })) } as never,
  }));
});
afterEach(() => vi.unstubAllEnvs());

describe('Handler: solution-trainer', () => {
  it('trains the version on Solution Status Changed ACTIVE and ignores a failed one', async () => {
    // Prepare
    const group = fake.seed('datasetGroup', 'dataset-group-name-1');
    const solution = fake.seed('solution', 'sims-solution', { recipeArn: 'arn:aws:personalize:::recipe/aws-sims' }, group);

    // Act
    const response = await main(
      {
        Records: [
          solutionStatusChanged(solution, 'ACTIVE'),
          solutionStatusChanged(solution, 'CREATE FAILED', { failureReason: 'Internal error' }),
        ],
      },
      lambdaContext(),
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(fake.mock.commandCalls(CreateSolutionVersionCommand)).toHaveLength(1);
  });

  it("returns the record to the queue, creating nothing, when another delivery holds the version's claim", async () => {
    // Prepare: the claim object exists and names another message.
    const group = fake.seed('datasetGroup', 'dataset-group-name-1');
    const solution = fake.seed('solution', 'sims-solution', { recipeArn: 'arn:aws:personalize:::recipe/aws-sims' }, group);
    s3Mock.on(PutObjectCommand).rejects(
      Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), {
        name: 'PreconditionFailed',
        $metadata: { httpStatusCode: 412 },
      }),
    );
    s3Mock.on(GetObjectCommand).callsFake((input) => {
      const body = input.Key.includes('/claims/')
        ? JSON.stringify({ owner: 'another-message' })
        : JSON.stringify(plannedRunOf(plan, { runId: RUN_ID }));
      return { ETag: '"1"', Body: { transformToString: async () => body } as never };
    });
    const record = solutionStatusChanged(solution, 'ACTIVE');

    // Act
    const response = await main({ Records: [record] }, lambdaContext());

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input).toMatchObject({ ReceiptHandle: record.receiptHandle });
    expect(fake.mock.commandCalls(CreateSolutionVersionCommand)).toHaveLength(0);
    // The only event is the retry's report.
    expect(eventsMock.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries?.map((e) => e.DetailType))).toEqual([
      'Step Retrying',
    ]);
  });
});
