import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeDatasetGroupCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
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

const personalizeMock = mockClient(PersonalizeClient);
const sqsMock = mockClient(SQSClient);
const eventsMock = mockClient(EventBridgeClient);

beforeEach(() => {
  for (const [name, value] of Object.entries(RUNTIME_TEST_ENV)) vi.stubEnv(name, value);
  personalizeMock.reset();
  sqsMock.reset();
  eventsMock.reset();
  eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
});
afterEach(() => vi.unstubAllEnvs());

describe('Handler: status-watcher', () => {
  it('reports only the malformed record as failed and publishes for the valid one', async () => {
    // Prepare
    personalizeMock.on(DescribeDatasetGroupCommand).resolves({ datasetGroup: { status: 'ACTIVE' } });
    const valid = busRecord('recops.personalize', 'Watch Requested', {
      runId: 'run-1',
      datasetGroupName: 'g1',
      stage: 'test',
      resourceKind: 'datasetGroup',
      resourceArn: `${ARN}:dataset-group/g1`,
      requestedAt: '2026-11-25T10:00:00.000Z',
      schemaVersion: 1,
    });
    const malformed = busRecord('recops.personalize', 'Watch Requested', { runId: 'run-1' });

    // Act
    const response = await main({ Records: [valid, malformed] }, lambdaContext());

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: malformed.messageId }] });
    const entries = eventsMock.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(entries.map((e) => e.DetailType)).toEqual(['Dataset Group Status Changed']);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('makes no Personalize call for an empty batch', async () => {
    await main({ Records: [] }, lambdaContext());
    expect(personalizeMock.calls()).toHaveLength(0);
  });
});
