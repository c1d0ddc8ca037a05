/**
 * SQS over the JSON 1.0 protocol (`X-Amz-Target: AmazonSQS.<Operation>`,
 * `Content-Type: application/x-amz-json-1.0`), which the SDK v3 and botocore ≥ 1.31 use, and over
 * the older query protocol (see `query-protocol.ts`) for clients from before that switch.
 *
 * Queue URLs are built from the request's Host header (`http://<host>/<account>/<name>`), as SQS
 * builds them from its own endpoint; a queue is found by the last path segment of its URL.
 */
import { randomUUID } from 'node:crypto';
import { ACCOUNT_ID, type WireRequest, type WireResponse, type WireService } from '../wire';
import { READABLE_ATTRIBUTES, readQueueAttributes, validateQueueAttributes } from './attributes';
import { SqsError, invalidParameter, missingParameter } from './errors';
import type { MessageAttributeValue } from './md5';
import type { SendInput, StoredMessage } from './queue';
import { parseQueryRequest, renderQueryError, renderQueryResponse } from './query-protocol';
import type { SqsStore } from './store';
import { clip, quote } from '../errors';

const TARGET_PREFIX = 'AmazonSQS.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/;
/** Characters SQS accepts in a message body (XML 1.0 character set). */
// eslint-disable-next-line no-control-regex
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters SQS accepts in a body, tab/LF/CR included
const INVALID_BODY_CHAR = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

type Json = Record<string, unknown>;

export interface SqsServiceOptions {
  readonly store: SqsStore;
}

export function queueUrlFor(host: string, name: string): string {
  return `http://${host}/${ACCOUNT_ID}/${name}`;
}

export function queueNameFromUrl(url: unknown): string {
  if (typeof url !== 'string' || url === '') throw missingParameter('QueueUrl');
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url;
  }
  const name = path.split('/').filter(Boolean).pop();
  if (!name) {
    throw new SqsError('InvalidAddress', `The address ${url} is not valid for this endpoint.`, 'InvalidAddress', 404);
  }
  return name;
}

function integerParam(body: Json, field: string, min: number, max: number): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(`Value ${quote(value)} for parameter ${field} is invalid. Reason: must be an integer from ${min} to ${max}.`);
  }
  return value;
}

function stringList(body: Json, field: string): string[] {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    throw invalidParameter(`${field} must be a list of strings.`);
  return value as string[];
}

function validateMessageAttributes(raw: unknown, where: string): Record<string, MessageAttributeValue> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object') throw invalidParameter(`${where}MessageAttributes must be a map.`);
  const entries = Object.entries(raw as Record<string, Json>);
  if (entries.length > 10)
    throw invalidParameter(`${where}Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`);
  const result: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of entries) {
    const dataType = value?.DataType;
    if (typeof dataType !== 'string' || !/^(String|Number|Binary)(\..+)?$/.test(dataType)) {
      throw invalidParameter(
        `${where}Message attribute ${clip(name)} must have a DataType of String, Number or Binary (optionally with a custom label).`,
      );
    }
    if (dataType.startsWith('Binary')) {
      if (typeof value.BinaryValue !== 'string')
        throw invalidParameter(`${where}Message attribute ${clip(name)} of type Binary must have a BinaryValue.`);
      result[name] = { DataType: dataType, BinaryValue: value.BinaryValue };
    } else {
      if (typeof value.StringValue !== 'string' || value.StringValue === '') {
        throw invalidParameter(`${where}Message attribute ${clip(name)} must have a non-empty StringValue.`);
      }
      if (dataType.startsWith('Number') && !Number.isFinite(Number(value.StringValue))) {
        throw invalidParameter(
          `${where}Message attribute ${clip(name)} of type Number has the non-numeric value ${quote(value.StringValue)}.`,
        );
      }
      result[name] = { DataType: dataType, StringValue: value.StringValue };
    }
  }
  return result;
}

/** Validates one message to send; returns the store's input. */
function sendInput(entry: Json, maxSize: number, where = ''): SendInput {
  const body = entry.MessageBody;
  if (typeof body !== 'string' || body === '') throw missingParameter(`${where}MessageBody`);
  if (INVALID_BODY_CHAR.test(body)) {
    throw new SqsError(
      'InvalidMessageContents',
      `${where}Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
      'InvalidMessageContents',
    );
  }
  const messageAttributes = validateMessageAttributes(entry.MessageAttributes, where);
  const size =
    Buffer.byteLength(body) +
    Object.entries(messageAttributes ?? {}).reduce(
      (sum, [name, value]) =>
        sum + Buffer.byteLength(name) + Buffer.byteLength(value.DataType) + Buffer.byteLength(value.StringValue ?? value.BinaryValue ?? ''),
      0,
    );
  if (size > maxSize) {
    throw invalidParameter(`${where}One or more parameters are invalid. Reason: Message must be shorter than ${maxSize} bytes.`);
  }
  const delaySeconds = integerParam(entry, 'DelaySeconds', 0, 900);
  return {
    body,
    ...(delaySeconds !== undefined ? { delaySeconds } : {}),
    ...(messageAttributes ? { messageAttributes } : {}),
    ...(typeof entry.MessageGroupId === 'string' ? { messageGroupId: entry.MessageGroupId } : {}),
  };
}

function checkBatch(entries: unknown, maxEntries = 10): Json[] {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new SqsError(
      'EmptyBatchRequest',
      'There should be at least one entry in the request.',
      'AWS.SimpleQueueService.EmptyBatchRequest',
    );
  }
  if (entries.length > maxEntries) {
    throw new SqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${maxEntries}. You have sent ${entries.length}.`,
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    );
  }
  const seen = new Set<string>();
  for (const entry of entries as Json[]) {
    const id = entry?.Id;
    if (typeof id !== 'string' || !BATCH_ID.test(id)) {
      throw new SqsError(
        'InvalidBatchEntryId',
        `A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long. Got ${quote(id)}.`,
        'AWS.SimpleQueueService.InvalidBatchEntryId',
      );
    }
    if (seen.has(id))
      throw new SqsError('BatchEntryIdsNotDistinct', `Id ${clip(id)} repeated.`, 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct');
    seen.add(id);
  }
  return entries as Json[];
}

function batchFailure(id: string, error: unknown): Json {
  if (error instanceof SqsError) return { Id: id, SenderFault: true, Code: error.queryCode, Message: error.message };
  return { Id: id, SenderFault: false, Code: 'InternalError', Message: (error as Error).message };
}

const SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'MessageGroupId',
  'DeadLetterQueueSourceArn',
] as const;

function systemAttributes(message: StoredMessage, wanted: readonly string[]): Record<string, string> | undefined {
  if (wanted.length === 0) return undefined;
  const all = wanted.includes('All');
  const values: Record<string, string | undefined> = {
    SenderId: ACCOUNT_ID,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: message.firstReceiveAt === undefined ? undefined : String(message.firstReceiveAt),
    MessageGroupId: message.messageGroupId,
    DeadLetterQueueSourceArn: message.deadLetterSourceArn,
  };
  const result: Record<string, string> = {};
  for (const name of SYSTEM_ATTRIBUTES) {
    const value = values[name];
    if ((all || wanted.includes(name)) && value !== undefined) result[name] = value;
  }
  return result;
}

function selectMessageAttributes(message: StoredMessage, wanted: readonly string[]): Record<string, MessageAttributeValue> | undefined {
  if (!message.messageAttributes || wanted.length === 0) return undefined;
  const selected: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(message.messageAttributes)) {
    const match = wanted.some(
      (pattern) =>
        pattern === 'All' || pattern === '.*' || pattern === name || (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))),
    );
    if (match) selected[name] = value;
  }
  return Object.keys(selected).length > 0 ? selected : undefined;
}

function paginate<T>(items: readonly T[], body: Json): { page: T[]; nextToken?: string } {
  const max = integerParam(body, 'MaxResults', 1, 1000);
  const start = typeof body.NextToken === 'string' ? Number(Buffer.from(body.NextToken, 'base64').toString('utf8')) || 0 : 0;
  if (max === undefined) return { page: items.slice(start, start + 1000) };
  const end = start + max;
  return { page: items.slice(start, end), ...(end < items.length ? { nextToken: Buffer.from(String(end)).toString('base64') } : {}) };
}

export class SqsService implements WireService {
  private readonly store: SqsStore;

  constructor(options: SqsServiceOptions) {
    this.store = options.store;
  }

  matches(request: WireRequest): boolean {
    if (request.target !== undefined) return request.target.startsWith(TARGET_PREFIX);
    return request.signingName === 'sqs';
  }

  async handle(request: WireRequest): Promise<WireResponse> {
    return request.target === undefined ? this.handleQuery(request) : this.handleJson(request);
  }

  private async handleQuery(request: WireRequest): Promise<WireResponse> {
    const host = request.headers.host ?? '127.0.0.1';
    try {
      const { action, input } = parseQueryRequest(request.query, request.body, request.path, host);
      const result = await this.dispatch(action, input, host);
      return {
        status: 200,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() },
        body: renderQueryResponse(action, result),
      };
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      return {
        status: error.status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() },
        body: renderQueryError(error),
      };
    }
  }

  private async handleJson(request: WireRequest): Promise<WireResponse> {
    const operation = request.target?.slice(TARGET_PREFIX.length) ?? '';
    const host = request.headers.host ?? '127.0.0.1';
    try {
      let body: Json;
      try {
        body = request.body.length === 0 ? {} : (JSON.parse(request.body.toString('utf8')) as Json);
      } catch {
        throw new SqsError(
          'SerializationException',
          'The request body is not valid JSON.',
          'SerializationException',
          400,
          'com.amazon.coral.service#SerializationException',
        );
      }
      const result = await this.dispatch(operation, body ?? {}, host);
      return { status: 200, headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID() }, body: JSON.stringify(result) };
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      return {
        status: error.status,
        headers: {
          'content-type': CONTENT_TYPE,
          'x-amzn-requestid': randomUUID(),
          'x-amzn-query-error': `${error.queryCode};${error.status >= 500 ? 'Receiver' : 'Sender'}`,
        },
        body: JSON.stringify({ __type: error.typeId, message: error.message }),
      };
    }
  }

  private async dispatch(operation: string, body: Json, host: string): Promise<Json> {
    const store = this.store;
    const queueExists = (arn: string): boolean => store.queueByArn(arn) !== undefined;
    switch (operation) {
      case 'CreateQueue': {
        if (typeof body.QueueName !== 'string') throw missingParameter('QueueName');
        const attributes = validateQueueAttributes(body.Attributes as Json | undefined, queueExists);
        const { queue, written } = store.createQueue(body.QueueName, attributes, (body.tags as Record<string, string>) ?? {});
        await written;
        return { QueueUrl: queueUrlFor(host, queue.name) };
      }
      case 'GetQueueUrl': {
        if (typeof body.QueueName !== 'string') throw missingParameter('QueueName');
        return { QueueUrl: queueUrlFor(host, store.getQueue(body.QueueName).name) };
      }
      case 'ListQueues': {
        const prefix = typeof body.QueueNamePrefix === 'string' ? body.QueueNamePrefix : '';
        const { page, nextToken } = paginate(store.listQueues(prefix), body);
        return { QueueUrls: page.map((queue) => queueUrlFor(host, queue.name)), ...(nextToken ? { NextToken: nextToken } : {}) };
      }
      case 'DeleteQueue':
        await store.deleteQueue(queueNameFromUrl(body.QueueUrl));
        return {};
      case 'GetQueueAttributes': {
        const queue = store.getQueue(queueNameFromUrl(body.QueueUrl));
        const names = stringList(body, 'AttributeNames');
        for (const name of names) {
          if (name !== 'All' && !(READABLE_ATTRIBUTES as readonly string[]).includes(name)) {
            throw new SqsError('InvalidAttributeName', `Unknown Attribute ${clip(name)}.`, 'InvalidAttributeName');
          }
        }
        return { Attributes: readQueueAttributes(queue, names, store.now()) };
      }
      case 'SetQueueAttributes': {
        const name = queueNameFromUrl(body.QueueUrl);
        store.getQueue(name);
        await store.setAttributes(name, validateQueueAttributes(body.Attributes as Json | undefined, queueExists));
        return {};
      }
      case 'SendMessage': {
        const name = queueNameFromUrl(body.QueueUrl);
        const input = sendInput(body, store.getQueue(name).attribute('MaximumMessageSize'));
        const [message] = await store.send(name, [input]);
        if (!message) throw new Error('SendMessage stored nothing');
        return {
          MessageId: message.id,
          MD5OfMessageBody: message.md5OfBody,
          ...(message.md5OfMessageAttributes ? { MD5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
        };
      }
      case 'SendMessageBatch': {
        const name = queueNameFromUrl(body.QueueUrl);
        const queue = store.getQueue(name);
        const entries = checkBatch(body.Entries);
        const totalSize = entries.reduce((sum, entry) => sum + Buffer.byteLength(String(entry.MessageBody ?? '')), 0);
        if (totalSize > queue.attribute('MaximumMessageSize')) {
          throw new SqsError(
            'BatchRequestTooLong',
            `Batch requests cannot be longer than ${queue.attribute('MaximumMessageSize')} bytes. You have sent ${totalSize} bytes.`,
            'AWS.SimpleQueueService.BatchRequestTooLong',
          );
        }
        const failed: Json[] = [];
        const accepted: { id: string; input: SendInput }[] = [];
        for (const entry of entries) {
          try {
            accepted.push({ id: entry.Id as string, input: sendInput(entry, queue.attribute('MaximumMessageSize')) });
          } catch (error) {
            failed.push(batchFailure(entry.Id as string, error));
          }
        }
        const sent = await store.send(
          name,
          accepted.map((entry) => entry.input),
        );
        return {
          Successful: sent.map((message, index) => ({
            Id: accepted[index]?.id,
            MessageId: message.id,
            MD5OfMessageBody: message.md5OfBody,
            ...(message.md5OfMessageAttributes ? { MD5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
          })),
          Failed: failed,
        };
      }
      case 'ReceiveMessage': {
        const name = queueNameFromUrl(body.QueueUrl);
        store.getQueue(name);
        const maxMessages = integerParam(body, 'MaxNumberOfMessages', 1, 10) ?? 1;
        const visibilityTimeoutSeconds = integerParam(body, 'VisibilityTimeout', 0, 43_200);
        const waitTimeSeconds = integerParam(body, 'WaitTimeSeconds', 0, 20);
        const wantedSystem = [...stringList(body, 'AttributeNames'), ...stringList(body, 'MessageSystemAttributeNames')];
        const wantedAttributes = stringList(body, 'MessageAttributeNames');
        const messages = await store.receive(name, {
          maxMessages,
          ...(visibilityTimeoutSeconds !== undefined ? { visibilityTimeoutSeconds } : {}),
          ...(waitTimeSeconds !== undefined ? { waitTimeSeconds } : {}),
        });
        return {
          Messages: messages.map((message) => {
            const attributes = systemAttributes(message, wantedSystem);
            const messageAttributes = selectMessageAttributes(message, wantedAttributes);
            return {
              MessageId: message.id,
              ReceiptHandle: message.receiptHandle,
              MD5OfBody: message.md5OfBody,
              Body: message.body,
              ...(attributes ? { Attributes: attributes } : {}),
              ...(messageAttributes
                ? { MessageAttributes: messageAttributes, MD5OfMessageAttributes: message.md5OfMessageAttributes }
                : {}),
            };
          }),
        };
      }
      case 'DeleteMessage': {
        if (typeof body.ReceiptHandle !== 'string') throw missingParameter('ReceiptHandle');
        const [error] = await store.deleteMessages(queueNameFromUrl(body.QueueUrl), [body.ReceiptHandle]);
        if (error) throw error;
        return {};
      }
      case 'DeleteMessageBatch': {
        const name = queueNameFromUrl(body.QueueUrl);
        store.getQueue(name);
        const entries = checkBatch(body.Entries);
        const successful: Json[] = [];
        const failed: Json[] = [];
        const handled: { id: string; handle: string }[] = [];
        for (const entry of entries) {
          if (typeof entry.ReceiptHandle !== 'string') failed.push(batchFailure(entry.Id as string, missingParameter('ReceiptHandle')));
          else handled.push({ id: entry.Id as string, handle: entry.ReceiptHandle });
        }
        const results = await store.deleteMessages(
          name,
          handled.map((entry) => entry.handle),
        );
        handled.forEach((entry, index) => {
          const error = results[index];
          if (error) failed.push(batchFailure(entry.id, error));
          else successful.push({ Id: entry.id });
        });
        return { Successful: successful, Failed: failed };
      }
      case 'ChangeMessageVisibility': {
        if (typeof body.ReceiptHandle !== 'string') throw missingParameter('ReceiptHandle');
        const timeout = integerParam(body, 'VisibilityTimeout', 0, 43_200);
        if (timeout === undefined) throw missingParameter('VisibilityTimeout');
        await store.changeVisibility(queueNameFromUrl(body.QueueUrl), body.ReceiptHandle, timeout);
        return {};
      }
      case 'ChangeMessageVisibilityBatch': {
        const name = queueNameFromUrl(body.QueueUrl);
        store.getQueue(name);
        const entries = checkBatch(body.Entries);
        const successful: Json[] = [];
        const failed: Json[] = [];
        for (const entry of entries) {
          try {
            if (typeof entry.ReceiptHandle !== 'string') throw missingParameter('ReceiptHandle');
            const timeout = integerParam(entry, 'VisibilityTimeout', 0, 43_200) ?? 0;
            await store.changeVisibility(name, entry.ReceiptHandle, timeout);
            successful.push({ Id: entry.Id });
          } catch (error) {
            failed.push(batchFailure(entry.Id as string, error));
          }
        }
        return { Successful: successful, Failed: failed };
      }
      case 'PurgeQueue':
        await store.purge(queueNameFromUrl(body.QueueUrl));
        return {};
      case 'ListDeadLetterSourceQueues': {
        const name = queueNameFromUrl(body.QueueUrl);
        store.getQueue(name);
        const { page, nextToken } = paginate(store.deadLetterSources(name), body);
        return { queueUrls: page.map((queue) => queueUrlFor(host, queue.name)), ...(nextToken ? { NextToken: nextToken } : {}) };
      }
      case 'StartMessageMoveTask': {
        if (typeof body.SourceArn !== 'string') throw missingParameter('SourceArn');
        const rate = integerParam(body, 'MaxNumberOfMessagesPerSecond', 1, 500);
        const task = store.startMoveTask(body.SourceArn, typeof body.DestinationArn === 'string' ? body.DestinationArn : undefined, rate);
        return { TaskHandle: task.taskHandle };
      }
      case 'ListMessageMoveTasks': {
        if (typeof body.SourceArn !== 'string') throw missingParameter('SourceArn');
        const max = integerParam(body, 'MaxResults', 1, 10) ?? 1;
        return {
          Results: store.listMoveTasks(body.SourceArn, max).map((task) => ({
            TaskHandle: task.status === 'RUNNING' ? task.taskHandle : undefined,
            Status: task.status,
            SourceArn: task.sourceArn,
            DestinationArn: task.destinationArn,
            MaxNumberOfMessagesPerSecond: task.maxNumberOfMessagesPerSecond,
            ApproximateNumberOfMessagesMoved: task.approximateNumberOfMessagesMoved,
            ApproximateNumberOfMessagesToMove: task.approximateNumberOfMessagesToMove,
            FailureReason: task.failureReason,
            StartedTimestamp: task.startedTimestamp,
          })),
        };
      }
      case 'CancelMessageMoveTask': {
        if (typeof body.TaskHandle !== 'string') throw missingParameter('TaskHandle');
        return { ApproximateNumberOfMessagesMoved: store.cancelMoveTask(body.TaskHandle).approximateNumberOfMessagesMoved };
      }
      case 'TagQueue':
        await store.tag(queueNameFromUrl(body.QueueUrl), (body.Tags as Record<string, string>) ?? {});
        return {};
      case 'UntagQueue':
        await store.untag(queueNameFromUrl(body.QueueUrl), stringList(body, 'TagKeys'));
        return {};
      case 'ListQueueTags':
        return { Tags: { ...store.getQueue(queueNameFromUrl(body.QueueUrl)).state.tags } };
      default:
        throw new SqsError(
          'UnsupportedOperation',
          `Operation ${operation || '(none)'} is not supported by the local SQS.`,
          'AWS.SimpleQueueService.UnsupportedOperation',
        );
    }
  }
}
