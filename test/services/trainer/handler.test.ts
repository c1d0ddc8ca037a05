import { readFileSync } from 'node:fs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateSolutionVersionCommand } from '@aws-sdk/client-personalize';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadParameterFile, resolvePlan } from '../../../packages/core/src';
import { main } from '../../../services/solution-trainer/handler';
import { fakePersonalize } from '../ops/fake-personalize';
import { RUNTIME_TEST_ENV, busRecord, lambdaContext } from '../watcher/helpers';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const fake = fakePersonalize();
const s3Mock = mockClient(S3Client);
const eventsMock = mockClient(EventBridgeClient);

const plan = resolvePlan(loadParameterFile(readFileSync('/work/shared/fixtures/seed-examples/mpe-sample-full.json', 'utf8')).file, {
  bucket: 'recops-data',
  configKey: 'train/dataset-group-name-1/config.json',
  runStamp: '2026_11_25_10_00_00',
});

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
  eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
  s3Mock.on(GetObjectCommand).callsFake(() => ({ Body: { transformToString: async () => JSON.stringify(plan) } as never }));
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
});
