/**
 * The queue runtime's retries and dead letters, with real SDK clients against the local cloud: a
 * failure that may heal is returned with backoff and reported as Step Retrying; one that outlasts
 * its retries, or cannot heal, goes to the DLQ with the reason as message attributes and is
 * reported as Message Dead-Lettered; a redriven copy handled later is reported as Message Recovered.
 */
import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, type Message } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageDeadLettered, messageRecovered, stepRetrying } from '@recops/events';
import { createSqsHandler, DEAD_LETTER_ATTRIBUTE, runWithEnvironment } from '@recops/core/runtime';
import { startTestCloud, type TestCloud } from '../e2e/support/local';
import { fakeContext } from './fixtures';

const BUS = 'recops-dead-letter-bus';

/** A Pipeline Requested-shaped event of run `runId` (the runtime reads only the run identity). */
function runEvent(runId: string) {
  return {
    version: '0',
    id: `event-${runId}`,
    source: 'recops.personalize',
    'detail-type': 'Solution Version Status Changed',
    detail: { runId, datasetGroupName: 'shop', stage: 'test', status: 'ACTIVE' },
  };
}

describe('Runtime: retries and dead letters on the local cloud', () => {
  let test: TestCloud;
  const busEvents: { detailType: string; detail: Record<string, unknown> }[] = [];

  const previousLogLevel = process.env.POWERTOOLS_LOG_LEVEL;
  beforeAll(async () => {
    process.env.POWERTOOLS_LOG_LEVEL = 'CRITICAL';
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    test = await startTestCloud();
    await test.clients.eventBridge.send(new CreateEventBusCommand({ Name: BUS }));
    test.cloud.eventLog.subscribe((entry) => {
      const event = (entry.data as { event?: { 'detail-type': string; detail: Record<string, unknown> } }).event;
      if (entry.kind === 'bus.event' && event) busEvents.push({ detailType: event['detail-type'], detail: event.detail });
    });
  });
  afterAll(async () => {
    await test.close();
    if (previousLogLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = previousLogLevel;
    delete process.env.POWERTOOLS_METRICS_DISABLED;
  });

  /** A queue and its DLQ, and the handler environment that points the runtime at them. */
  async function queues(name: string, maxReceiveCount: number) {
    const queueUrl = (await test.clients.sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl as string;
    const dlqUrl = (await test.clients.sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl as string;
    const env = {
      ...process.env,
      AWS_ENDPOINT_URL: test.cloud.endpoint,
      AWS_REGION: test.cloud.region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      RECOPS_STAGE: 'test',
      RECOPS_BUS_NAME: BUS,
      RECOPS_BUCKET_NAME: test.bucket,
      RECOPS_QUEUE_URL: queueUrl,
      RECOPS_DLQ_URL: dlqUrl,
      RECOPS_MAX_RECEIVE_COUNT: String(maxReceiveCount),
    };
    return { queueUrl, dlqUrl, env };
  }

  /** Receives the next message as Lambda hands it over. */
  async function receive(queueUrl: string): Promise<SQSRecord> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const { Messages } = await test.clients.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['All'],
          MessageAttributeNames: ['All'],
          WaitTimeSeconds: 1,
        }),
      );
      const message = Messages?.[0];
      if (message) return toRecord(message);
    }
    throw new Error(`nothing to receive on ${queueUrl}`);
  }

  function toRecord(message: Message): SQSRecord {
    const attributes = Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        { stringValue: value.StringValue, dataType: value.DataType ?? 'String', stringListValues: [], binaryListValues: [] },
      ]),
    );
    return {
      messageId: message.MessageId as string,
      receiptHandle: message.ReceiptHandle as string,
      body: message.Body as string,
      attributes: message.Attributes as unknown as SQSRecord['attributes'],
      messageAttributes: attributes,
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
      awsRegion: 'us-east-1',
    };
  }

  const limitExceeded = () =>
    Object.assign(new Error('CreateSolutionVersion sims failed: LimitExceededException: More than 5 resources PENDING or IN_PROGRESS'), {
      name: 'LimitExceededException',
    });

  it('reports each retried delivery as Step Retrying, then dead-letters a quota error that outlasts its retries, with its message', async () => {
    // Prepare: two deliveries allowed, no backoff wait.
    const { queueUrl, dlqUrl, env } = await queues('quota', 2);
    let calls = 0;
    const handler = createSqsHandler({
      serviceName: 'solution-trainer',
      step: 'training',
      backoff: { baseSeconds: 0 },
      processRecord: async () => {
        calls++;
        throw limitExceeded();
      },
    });
    await test.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(runEvent('run-quota')) }));

    // Act: the first delivery fails and returns; the second is the last allowed.
    const first = await runWithEnvironment(env, async () => handler({ Records: [await receive(queueUrl)] }, fakeContext));
    const second = await runWithEnvironment(env, async () => handler({ Records: [await receive(queueUrl)] }, fakeContext));

    // Assess
    expect(calls).toBe(2);
    expect(first.batchItemFailures).toHaveLength(1);
    expect(second.batchItemFailures).toEqual([]);
    const retries = busEvents.filter((e) => e.detailType === stepRetrying.detailType && e.detail.runId === 'run-quota');
    expect(retries).toHaveLength(1);
    expect(retries[0]?.detail).toMatchObject({
      service: 'solution-trainer',
      step: 'training',
      attempt: 1,
      maxAttempts: 2,
      errorName: 'LimitExceededException',
      delaySeconds: 0,
      reason: expect.stringContaining('More than 5 resources PENDING or IN_PROGRESS'),
    });
    const dead = busEvents.filter((e) => e.detailType === messageDeadLettered.detailType && e.detail.runId === 'run-quota');
    expect(dead).toHaveLength(1);
    expect(dead[0]?.detail).toMatchObject({
      service: 'solution-trainer',
      step: 'training',
      attempts: 2,
      cause: 'retries-exhausted',
      eventType: 'Solution Version Status Changed',
      deadLetterQueueUrl: dlqUrl,
      reason: 'CreateSolutionVersion sims failed: LimitExceededException: More than 5 resources PENDING or IN_PROGRESS',
    });
    const copy = await receive(dlqUrl);
    expect(JSON.parse(copy.body)).toEqual(runEvent('run-quota'));
    expect(copy.messageAttributes[DEAD_LETTER_ATTRIBUTE.reason]?.stringValue).toContain('More than 5 resources PENDING or IN_PROGRESS');
    expect(copy.messageAttributes[DEAD_LETTER_ATTRIBUTE.service]?.stringValue).toBe('solution-trainer');
    expect(copy.messageAttributes[DEAD_LETTER_ATTRIBUTE.attempts]?.stringValue).toBe('2');
    expect(copy.messageAttributes[DEAD_LETTER_ATTRIBUTE.errorName]?.stringValue).toBe('LimitExceededException');
  });

  it('dead-letters an AccessDenied at the first delivery, and reports the redriven copy as recovered once it is handled', async () => {
    const { queueUrl, dlqUrl, env } = await queues('denied', 10);
    let denied = true;
    const handler = createSqsHandler({
      serviceName: 'schedule-manager',
      step: 'scheduling',
      processRecord: async () => {
        if (denied)
          throw Object.assign(new Error('User: x is not authorized to perform: scheduler:CreateSchedule'), {
            name: 'AccessDeniedException',
            $metadata: { httpStatusCode: 400 },
          });
      },
    });
    await test.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(runEvent('run-denied')) }));

    const record = await receive(queueUrl);
    const response = await runWithEnvironment(env, async () => handler({ Records: [record] }, fakeContext));
    expect(response.batchItemFailures).toEqual([]);
    const dead = busEvents.find((e) => e.detailType === messageDeadLettered.detailType && e.detail.runId === 'run-denied');
    expect(dead?.detail).toMatchObject({
      attempts: 1,
      cause: 'permanent',
      messageId: record.messageId,
      reason: 'AccessDeniedException: User: x is not authorized to perform: scheduler:CreateSchedule',
    });

    // The grant is fixed; the copy goes back to the queue (a redrive keeps its attributes) and succeeds.
    denied = false;
    const copy = await receive(dlqUrl);
    await test.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: copy.body,
        MessageAttributes: Object.fromEntries(
          Object.entries(copy.messageAttributes).map(([name, value]) => [
            name,
            { DataType: value.dataType, StringValue: value.stringValue },
          ]),
        ),
      }),
    );
    const redriven = await receive(queueUrl);
    expect((await runWithEnvironment(env, async () => handler({ Records: [redriven] }, fakeContext))).batchItemFailures).toEqual([]);
    const recovered = busEvents.filter((e) => e.detailType === messageRecovered.detailType && e.detail.runId === 'run-denied');
    expect(recovered.map((e) => e.detail)).toEqual([
      expect.objectContaining({ service: 'schedule-manager', messageId: record.messageId, eventType: 'Solution Version Status Changed' }),
    ]);
  });

  it('dead-letters the delivery after the last one at once when every delivery crashed, saying so', async () => {
    const { queueUrl, dlqUrl, env } = await queues('crashed', 2);
    let calls = 0;
    const handler = createSqsHandler({
      serviceName: 'model-evaluator',
      step: 'evaluation',
      processRecord: async () => {
        calls++;
      },
    });
    await test.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(runEvent('run-crash')) }));
    // Two deliveries the handler never finished: received and left to time out.
    for (let i = 0; i < 2; i++) {
      const { Messages } = await test.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, VisibilityTimeout: 0, WaitTimeSeconds: 1 }),
      );
      expect(Messages).toHaveLength(1);
    }
    const third = await receive(queueUrl);
    expect((await runWithEnvironment(env, async () => handler({ Records: [third] }, fakeContext))).batchItemFailures).toEqual([]);
    expect(calls).toBe(0);
    const copy = await receive(dlqUrl);
    expect(copy.messageAttributes[DEAD_LETTER_ATTRIBUTE.reason]?.stringValue).toBe(
      'model-evaluator did not finish this message in 2 deliveries (the handler crashed or timed out each time)',
    );
    expect(busEvents.find((e) => e.detailType === messageDeadLettered.detailType && e.detail.runId === 'run-crash')?.detail).toMatchObject({
      step: 'evaluation',
      attempts: 2,
      cause: 'retries-exhausted',
    });
  });
});
