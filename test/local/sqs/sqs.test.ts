import { createHash } from 'node:crypto';
import {
  CancelMessageMoveTaskCommand,
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  TagQueueCommand,
  TooManyEntriesInBatchRequest,
  BatchEntryIdsNotDistinct,
  PurgeQueueInProgress,
  MessageNotInflight,
  UntagQueueCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-sqs';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientConfig, startBus, tempDir, type SqsHarness } from './harness';

describe('Service: local SQS (JSON 1.0, SDK v3)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cloud: SqsHarness;
  let sqs: SQSClient;

  beforeAll(async () => {
    dir = await tempDir('recops-sqs-');
    cloud = await startBus(dir.dir);
    sqs = new SQSClient(clientConfig(cloud.endpoint));
  });

  afterAll(async () => {
    sqs.destroy();
    await cloud.close();
    await dir.remove();
  });

  const createQueue = async (name: string, Attributes?: Record<string, string>): Promise<string> =>
    (await sqs.send(new CreateQueueCommand({ QueueName: name, ...(Attributes ? { Attributes } : {}) }))).QueueUrl!;

  it('creates a queue idempotently and refuses the same name with other attributes', async () => {
    const url = await createQueue('orders', { VisibilityTimeout: '45' });
    expect(url).toBe(`${cloud.endpoint}/000000000000/orders`);
    expect(await createQueue('orders', { VisibilityTimeout: '45' })).toBe(url);
    await expect(createQueue('orders', { VisibilityTimeout: '10' })).rejects.toBeInstanceOf(QueueNameExists);
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }));
    expect(QueueUrl).toBe(url);
  });

  it('raises QueueDoesNotExist with the query error code for unknown queues', async () => {
    const error = await sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QueueDoesNotExist);
    expect((error as QueueDoesNotExist & { Code?: string }).Code).toBe('AWS.SimpleQueueService.NonExistentQueue');
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl: `${cloud.endpoint}/000000000000/nope`, MessageBody: 'x' })),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('rejects invalid attribute values naming the attribute and the range', async () => {
    await expect(createQueue('bad', { VisibilityTimeout: '99999' })).rejects.toThrow(/VisibilityTimeout.*0 to 43200/);
    await expect(createQueue('bad', { Colour: 'blue' })).rejects.toThrow(/Unknown Attribute Colour/);
  });

  it('lists queues by prefix with pagination', async () => {
    for (const name of ['list-a', 'list-b', 'list-c']) await createQueue(name);
    const first = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'list-', MaxResults: 2 }));
    expect(first.QueueUrls).toHaveLength(2);
    const second = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'list-', MaxResults: 2, NextToken: first.NextToken }));
    expect(second.QueueUrls?.map((url) => url.split('/').pop())).toEqual(['list-c']);
    expect(second.NextToken).toBeUndefined();
  });

  it('sends and receives with MD5s, message attributes and system attributes', async () => {
    const url = await createQueue('roundtrip');
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: '{"hello":"wörld"}',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'greeting' }, n: { DataType: 'Number', StringValue: '7' } },
      }),
    );
    expect(sent.MD5OfMessageBody).toBe(createHash('md5').update('{"hello":"wörld"}', 'utf8').digest('hex'));
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }),
    );
    const message = received.Messages?.[0];
    expect(message?.MessageId).toBe(sent.MessageId);
    expect(message?.Body).toBe('{"hello":"wörld"}');
    expect(message?.MessageAttributes?.kind?.StringValue).toBe('greeting');
    expect(message?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes);
    expect(message?.Attributes?.ApproximateReceiveCount).toBe('1');
    expect(Number(message?.Attributes?.SentTimestamp)).toBeGreaterThan(0);
  });

  it('hides received messages for the visibility timeout and counts receives', async () => {
    const url = await createQueue('visibility');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a' }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 30 }));
    expect(first.Messages).toHaveLength(1);
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages ?? []).toHaveLength(0);
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    expect(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('1');
    expect(attributes.Attributes?.QueueArn).toBe('arn:aws:sqs:us-east-1:000000000000:visibility');
    // Making it visible again returns it with a higher receive count.
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: first.Messages![0]!.ReceiptHandle!, VisibilityTimeout: 0 }),
    );
    const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    expect(second.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    // The stale handle no longer controls the message.
    await expect(
      sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: first.Messages![0]!.ReceiptHandle!, VisibilityTimeout: 0 }),
      ),
    ).rejects.toBeInstanceOf(MessageNotInflight);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second.Messages![0]!.ReceiptHandle! }));
    const after = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    expect(after.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it('rejects a malformed receipt handle', async () => {
    const url = await createQueue('handles');
    await expect(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' }))).rejects.toBeInstanceOf(
      ReceiptHandleIsInvalid,
    );
  });

  it('delays messages per message and reports them as delayed', async () => {
    const url = await createQueue('delayed');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 900 }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages ?? []).toHaveLength(0);
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }),
    );
    expect(attributes.Attributes?.ApproximateNumberOfMessagesDelayed).toBe('1');
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', DelaySeconds: 901 }))).rejects.toThrow(/DelaySeconds/);
  });

  it('long-polls until a message arrives', async () => {
    const url = await createQueue('long-poll');
    const receiving = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 10 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'woken' }));
    expect((await receiving).Messages?.[0]?.Body).toBe('woken');
  });

  it('sends, changes visibility and deletes in batches with per-entry results', async () => {
    const url = await createQueue('batches');
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'one', MessageBody: '1' },
          { Id: 'two', MessageBody: '2' },
          { Id: 'bad', MessageBody: 'nul \u0000 char' },
        ],
      }),
    );
    expect(sent.Successful?.map((entry) => entry.Id)).toEqual(['one', 'two']);
    expect(sent.Failed).toEqual([expect.objectContaining({ Id: 'bad', Code: 'InvalidMessageContents', SenderFault: true })]);
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    expect(received.Messages).toHaveLength(2);
    const visibility = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: received.Messages!.map((message, index) => ({
          Id: `m${index}`,
          ReceiptHandle: message.ReceiptHandle!,
          VisibilityTimeout: 60,
        })),
      }),
    );
    expect(visibility.Successful).toHaveLength(2);
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          ...received.Messages!.map((message, index) => ({ Id: `d${index}`, ReceiptHandle: message.ReceiptHandle! })),
          { Id: 'junk', ReceiptHandle: 'junk' },
        ],
      }),
    );
    expect(deleted.Successful?.map((entry) => entry.Id)).toEqual(['d0', 'd1']);
    expect(deleted.Failed?.[0]).toMatchObject({ Id: 'junk', Code: 'ReceiptHandleIsInvalid' });
    await expect(
      sqs.send(
        new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' })) }),
      ),
    ).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
    await expect(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'same', MessageBody: 'a' },
            { Id: 'same', MessageBody: 'b' },
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(BatchEntryIdsNotDistinct);
  });

  it('purges a queue once per minute', async () => {
    const url = await createQueue('purge-me');
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages ?? []).toHaveLength(0);
    await expect(sqs.send(new PurgeQueueCommand({ QueueUrl: url }))).rejects.toBeInstanceOf(PurgeQueueInProgress);
  });

  it('moves a message to the DLQ after maxReceiveCount and redrives it back with StartMessageMoveTask', async () => {
    const dlqUrl = await createQueue('work-dlq');
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!
      .QueueArn!;
    const url = await createQueue('work');
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: url,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) },
      }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }));
    for (let attempt = 0; attempt < 2; attempt++) {
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }));
      expect(received.Messages).toHaveLength(1);
    }
    // The third receive would exceed maxReceiveCount: the message moves instead.
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages ?? []).toHaveLength(0);
    const inDlq = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, VisibilityTimeout: 0, MessageSystemAttributeNames: ['All'] }),
    );
    expect(inDlq.Messages?.[0]?.Body).toBe('poison');
    expect(inDlq.Messages?.[0]?.Attributes?.DeadLetterQueueSourceArn).toBe('arn:aws:sqs:us-east-1:000000000000:work');
    const sources = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlqUrl }));
    expect(sources.queueUrls).toEqual([url]);

    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    expect(TaskHandle).toBeTruthy();
    let status: string | undefined;
    for (let poll = 0; poll < 50 && status !== 'COMPLETED'; poll++) {
      status = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results?.[0]?.Status;
      if (status !== 'COMPLETED') await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe('COMPLETED');
    const back = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    expect(back.Messages?.[0]?.Body).toBe('poison');
    expect(back.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
    await expect(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: TaskHandle! }))).rejects.toThrow(/cannot be cancelled/);
    await expect(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: 'arn:aws:sqs:us-east-1:000000000000:missing' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      sqs.send(
        new StartMessageMoveTaskCommand({
          SourceArn: (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!,
        }),
      ),
    ).rejects.toThrow(/dead-letter queue/);
  });

  it('refuses a RedrivePolicy whose dead-letter queue does not exist', async () => {
    const url = await createQueue('orphan');
    await expect(
      sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: url,
          Attributes: {
            RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:ghost', maxReceiveCount: 3 }),
          },
        }),
      ),
    ).rejects.toThrow(/Dead letter target does not exist/);
  });

  it('answers the query protocol (form parameters in, XML out) for clients older than the JSON switch', async () => {
    const query = async (params: Record<string, string>): Promise<{ status: number; xml: Record<string, any> }> => {
      const response = await fetch(`${cloud.endpoint}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
          authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: new URLSearchParams({ Version: '2012-11-05', ...params }).toString(),
      });
      return { status: response.status, xml: new XMLParser().parse(await response.text()) as Record<string, any> };
    };
    const created = await query({
      Action: 'CreateQueue',
      QueueName: 'query-proto',
      'Attribute.1.Name': 'DelaySeconds',
      'Attribute.1.Value': '0',
    });
    const url = created.xml.CreateQueueResponse.CreateQueueResult.QueueUrl as string;
    expect(url).toBe(`${cloud.endpoint}/000000000000/query-proto`);
    await query({
      Action: 'SendMessageBatch',
      QueueUrl: url,
      'SendMessageBatchRequestEntry.1.Id': 'a',
      'SendMessageBatchRequestEntry.1.MessageBody': 'first',
      'SendMessageBatchRequestEntry.2.Id': 'b',
      'SendMessageBatchRequestEntry.2.MessageBody': 'second',
      'SendMessageBatchRequestEntry.2.MessageAttribute.1.Name': 'kind',
      'SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType': 'String',
      'SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue': 'tagged',
    });
    const received = await query({
      Action: 'ReceiveMessage',
      QueueUrl: url,
      MaxNumberOfMessages: '10',
      'MessageAttributeName.1': 'All',
      'AttributeName.1': 'ApproximateReceiveCount',
    });
    const messages = received.xml.ReceiveMessageResponse.ReceiveMessageResult.Message as Record<string, any>[];
    expect(messages.map((message) => message.Body)).toEqual(['first', 'second']);
    expect(messages[0]?.Attribute).toEqual({ Name: 'ApproximateReceiveCount', Value: 1 });
    expect(messages[1]?.MessageAttribute).toMatchObject({ Name: 'kind', Value: { DataType: 'String', StringValue: 'tagged' } });
    const missing = await query({ Action: 'GetQueueUrl', QueueName: 'absent' });
    expect(missing.status).toBe(400);
    expect(missing.xml.ErrorResponse.Error).toMatchObject({ Type: 'Sender', Code: 'AWS.SimpleQueueService.NonExistentQueue' });
  });

  it('tags, untags and deletes queues', async () => {
    const url = await createQueue('tagged');
    await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { team: 'ml', stage: 'local' } }));
    await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['stage'] }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags).toEqual({ team: 'ml' });
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: 'tagged' }))).rejects.toBeInstanceOf(QueueDoesNotExist);
  });
});

describe('Service: local SQS persistence', () => {
  it('keeps queued, delayed and in-flight messages across a restart', async () => {
    const dir = await tempDir('recops-sqs-restart-');
    try {
      let cloud = await startBus(dir.dir);
      let sqs = new SQSClient(clientConfig(cloud.endpoint));
      const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'durable' }))).QueueUrl!;
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'a', MessageBody: 'a' },
            { Id: 'b', MessageBody: 'b' },
          ],
        }),
      );
      const inFlight = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 1 }));
      expect(inFlight.Messages).toHaveLength(1);
      sqs.destroy();
      await cloud.close();

      cloud = await startBus(dir.dir);
      sqs = new SQSClient(clientConfig(cloud.endpoint));
      const url2 = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'durable' }))).QueueUrl!;
      const bodies: string[] = [];
      const counts: string[] = [];
      for (let poll = 0; poll < 10 && bodies.length < 2; poll++) {
        const received = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url2,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['ApproximateReceiveCount'],
          }),
        );
        for (const message of received.Messages ?? []) {
          bodies.push(message.Body!);
          counts.push(message.Attributes!.ApproximateReceiveCount!);
        }
      }
      expect(bodies.sort()).toEqual(['a', 'b']);
      // The in-flight message kept its receive count through the restart.
      expect(counts.sort()).toEqual(['1', '2']);
      sqs.destroy();
      await cloud.close();
    } finally {
      await dir.remove();
    }
  });
});
