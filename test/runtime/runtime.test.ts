import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  backoffSeconds,
  createClients,
  createSqsHandler,
  publish,
  PublishError,
  readRuntimeEnv,
  runWithEnvironment,
  RuntimeConfigError,
} from '@recops/core/runtime';
import { emfDocuments } from '../support/emf';
import { fakeContext, RUNTIME_TEST_ENV, sqsRecord } from './fixtures';

describe('Function: createClients', () => {
  it('points every client at AWS_ENDPOINT_URL and forces path-style S3', async () => {
    const clients = createClients({ env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' } });
    const s3Endpoint = await clients.s3.config.endpoint?.();
    const personalizeEndpoint = await clients.personalize.config.endpoint?.();
    expect(clients.s3.config.forcePathStyle).toBe(true);
    expect(s3Endpoint?.hostname).toBe('127.0.0.1');
    expect(personalizeEndpoint?.port).toBe(4566);
    expect(await clients.sqs.config.region()).toBe('us-east-1');
  });

  it('leaves S3 virtual-hosted when no endpoint is set', () => {
    const clients = createClients({ env: { AWS_REGION: 'eu-west-1' } });
    expect(clients.s3.config.forcePathStyle).toBe(false);
  });
});

describe('Function: readRuntimeEnv', () => {
  it('throws naming the missing variable', () => {
    expect(() => readRuntimeEnv({ RECOPS_STAGE: 'x', RECOPS_BUCKET_NAME: 'b' })).toThrow(new RuntimeConfigError('RECOPS_BUS_NAME'));
  });
});

describe('Function: backoffSeconds', () => {
  it('doubles per receive and stops at the cap', () => {
    const noJitter = { random: () => 0 };
    expect([1, 2, 3, 4].map((n) => backoffSeconds(n, noJitter))).toEqual([10, 20, 40, 80]);
    expect(backoffSeconds(30, noJitter)).toBe(900);
    expect(backoffSeconds(30, { random: () => 0.99 })).toBe(900);
  });
});

describe('Function: publish', () => {
  const eventBridge = mockClient(EventBridgeClient);
  afterEach(() => eventBridge.reset());
  const entry = (n: number) => ({ Source: 's', DetailType: `t${n}`, Detail: '{}', EventBusName: 'b' });

  it('sends at most 10 entries per PutEvents call', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    await publish(
      new EventBridgeClient({}),
      Array.from({ length: 23 }, (_, i) => entry(i)),
    );
    const sizes = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length);
    expect(sizes).toEqual([10, 10, 3]);
  });

  it('throws PublishError naming each rejected entry', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ EventId: '1' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }],
    });
    const act = publish(new EventBridgeClient({}), [entry(0), entry(1)]);
    await expect(act).rejects.toThrow(PublishError);
    await expect(act).rejects.toThrow('t1: ThrottlingException slow down');
    await expect(act).rejects.toMatchObject({ retryable: true });
  });
});

describe('Function: createSqsHandler', () => {
  const sqs = mockClient(SQSClient);
  beforeEach(() => {
    for (const [k, v] of Object.entries(RUNTIME_TEST_ENV)) vi.stubEnv(k, v);
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    sqs.reset();
  });

  it('returns only the failed records in batchItemFailures', async () => {
    const ok = sqsRecord({ n: 1 });
    const bad = sqsRecord({ n: 2 });
    const seen: number[] = [];
    const handler = createSqsHandler({
      serviceName: 'test',
      step: 'training',
      processRecord: async (record) => {
        const { n } = JSON.parse(record.body) as { n: number };
        seen.push(n);
        if (n === 2) throw new Error('broken record');
      },
    });
    const response = await handler({ Records: [ok, bad] }, fakeContext);
    expect(seen.sort()).toEqual([1, 2]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
  });

  it('returns a throttled record to the queue with a backoff visibility timeout', async () => {
    const throttled = sqsRecord({}, 3);
    const handler = createSqsHandler({
      serviceName: 'test',
      step: 'training',
      backoff: { random: () => 0 },
      processRecord: async () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
    });
    const response = await handler({ Records: [throttled] }, fakeContext);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: throttled.messageId }] });
    const calls = sqs.commandCalls(ChangeMessageVisibilityCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      QueueUrl: RUNTIME_TEST_ENV.RECOPS_QUEUE_URL,
      ReceiptHandle: throttled.receiptHandle,
      VisibilityTimeout: 40,
    });
  });

  it("reads each invocation's own environment under runWithEnvironment", async () => {
    const seen: string[] = [];
    const handler = createSqsHandler({
      serviceName: 'test',
      step: 'training',
      processRecord: async (_record, ctx) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push(`${ctx.env.stage}:${ctx.env.ownQueueUrl}`);
      },
    });
    await Promise.all(
      ['a', 'b'].map((name) =>
        runWithEnvironment({ ...RUNTIME_TEST_ENV, RECOPS_STAGE: name, RECOPS_QUEUE_URL: `http://q/${name}` }, () =>
          handler({ Records: [sqsRecord({})] }, fakeContext),
        ),
      ),
    );
    expect(seen.sort()).toEqual(['a:http://q/a', 'b:http://q/b']);
  });

  it("emits RecordsFailed with the service and the invocation's stage as dimensions", async () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('RECOPS_STAGE', 'staging');
    const handler = createSqsHandler({
      serviceName: 'test',
      step: 'training',
      processRecord: async (record) => {
        if (record.body === 'bad') throw new Error('broken record');
      },
    });
    const warnings = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const emitted = await emfDocuments(async () => {
      for (let invocation = 0; invocation < 2; invocation += 1) {
        await handler({ Records: [sqsRecord('ok'), sqsRecord('bad')] }, fakeContext);
      }
    });
    const written = warnings.mock.calls.map(([chunk]) => String(chunk));
    warnings.mockRestore();
    // The stage is set again on the second invocation without Powertools warning about it.
    expect(written).toEqual([]);
    const document = {
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: 'recops',
            Dimensions: [['service', 'stage']],
            Metrics: [
              { Name: 'RecordsProcessed', Unit: 'Count' },
              { Name: 'RecordsFailed', Unit: 'Count' },
            ],
          },
        ],
      },
      service: 'test',
      stage: 'staging',
      RecordsProcessed: 1,
      RecordsFailed: 1,
    };
    expect(emitted).toEqual([document, document]);
  });

  it('reports every record failed when the handler cannot start', async () => {
    vi.stubEnv('RECOPS_BUS_NAME', '');
    const records = [sqsRecord({}), sqsRecord({})];
    const handler = createSqsHandler({ serviceName: 'test', step: 'training', processRecord: async () => undefined });
    const response = await handler({ Records: records }, fakeContext);
    expect(response).toEqual({ batchItemFailures: records.map((r) => ({ itemIdentifier: r.messageId })) });
  });
});
