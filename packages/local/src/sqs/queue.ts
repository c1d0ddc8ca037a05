/**
 * One SQS queue as plain data plus the rules that move its messages: delays, visibility timeouts,
 * receive counts and the hand-off of exhausted messages to a dead-letter queue. Time is passed in, so
 * the model is deterministic; the store adds persistence and waiting.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ACCOUNT_ID, REGION } from '../wire';
import { SqsError } from './errors';
import { md5Hex, md5OfMessageAttributes, type MessageAttributeValue } from './md5';

export interface StoredMessage {
  readonly id: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes?: Record<string, MessageAttributeValue>;
  readonly md5OfMessageAttributes?: string;
  readonly messageGroupId?: string;
  /** Epoch ms of the original send; kept across DLQ moves, as SQS does for standard queues. */
  readonly sentAt: number;
  /** Epoch ms from which the message may be received (delay or visibility timeout). */
  availableAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  /** Receipt handle of the latest receive; only that one may change visibility. */
  receiptHandle?: string;
  /** ARN of the queue the message was dead-lettered from. */
  deadLetterSourceArn?: string;
  /**
   * Set while a consumer inside the local cloud's own process (the runner) holds the message: that
   * consumer cannot outlive the process, so on the next start the message is visible at once.
   */
  heldBy?: string;
}

export interface QueueState {
  readonly name: string;
  readonly createdAt: number;
  modifiedAt: number;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  messages: StoredMessage[];
  purgedAt?: number;
}

export const QUEUE_DEFAULTS = {
  VisibilityTimeout: '30',
  MessageRetentionPeriod: '345600',
  DelaySeconds: '0',
  ReceiveMessageWaitTimeSeconds: '0',
  MaximumMessageSize: '1048576',
} as const;

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

export interface SendInput {
  readonly body: string;
  readonly delaySeconds?: number;
  readonly messageAttributes?: Record<string, MessageAttributeValue>;
  readonly messageGroupId?: string;
}

export interface ReceiveResult {
  readonly received: StoredMessage[];
  /** Messages past maxReceiveCount, already removed here, for the caller to put on the DLQ. */
  readonly exhausted: StoredMessage[];
}

export const queueArn = (name: string): string => `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${name}`;

export const queueNameFromArn = (arn: string): string | undefined => {
  const parts = arn.split(':');
  return parts.length === 6 && parts[0] === 'arn' && parts[2] === 'sqs' ? parts[5] : undefined;
};

const encodeReceiptHandle = (queueName: string, messageId: string): string =>
  Buffer.from(`${queueName}\n${messageId}\n${randomBytes(12).toString('hex')}`, 'utf8').toString('base64url');

function decodeReceiptHandle(handle: string): { queueName: string; messageId: string } {
  const parts = Buffer.from(handle, 'base64url').toString('utf8').split('\n');
  if (parts.length !== 3 || !parts[0] || !parts[1]) {
    throw new SqsError(
      'ReceiptHandleIsInvalid',
      `The input receipt handle "${handle}" is not a valid receipt handle.`,
      'ReceiptHandleIsInvalid',
      404,
    );
  }
  return { queueName: parts[0], messageId: parts[1] };
}

export class SqsQueue {
  constructor(readonly state: QueueState) {}

  get name(): string {
    return this.state.name;
  }

  get arn(): string {
    return queueArn(this.state.name);
  }

  attribute(name: keyof typeof QUEUE_DEFAULTS): number {
    return Number(this.state.attributes[name] ?? QUEUE_DEFAULTS[name]);
  }

  redrivePolicy(): RedrivePolicy | undefined {
    const raw = this.state.attributes.RedrivePolicy;
    if (!raw) return undefined;
    const parsed = JSON.parse(raw) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
    return { deadLetterTargetArn: parsed.deadLetterTargetArn, maxReceiveCount: Number(parsed.maxReceiveCount) };
  }

  send(input: SendInput, now: number): StoredMessage {
    const delay = input.delaySeconds ?? this.attribute('DelaySeconds');
    const attributes = input.messageAttributes && Object.keys(input.messageAttributes).length > 0 ? input.messageAttributes : undefined;
    const message: StoredMessage = {
      id: randomUUID(),
      body: input.body,
      md5OfBody: md5Hex(input.body),
      ...(attributes ? { messageAttributes: attributes, md5OfMessageAttributes: md5OfMessageAttributes(attributes) } : {}),
      ...(input.messageGroupId ? { messageGroupId: input.messageGroupId } : {}),
      sentAt: now,
      availableAt: now + delay * 1000,
      receiveCount: 0,
    };
    this.state.messages.push(message);
    return message;
  }

  /**
   * Adds a message moved from another queue (DLQ hand-off or redrive), keeping id, body, attributes
   * and send time; the receive count starts over.
   */
  adopt(message: StoredMessage, now: number, deadLetterSourceArn?: string): StoredMessage {
    const { receiptHandle: _handle, firstReceiveAt: _first, deadLetterSourceArn: _previous, heldBy: _holder, ...rest } = message;
    const adopted: StoredMessage = { ...rest, availableAt: now, receiveCount: 0 };
    if (deadLetterSourceArn) adopted.deadLetterSourceArn = deadLetterSourceArn;
    this.state.messages.push(adopted);
    return adopted;
  }

  /** `maxReceiveCount` is passed only when the dead-letter queue exists to take exhausted messages. */
  receive(now: number, maxMessages: number, visibilityTimeoutSeconds: number, maxReceiveCount?: number, holder?: string): ReceiveResult {
    this.dropExpired(now);
    const received: StoredMessage[] = [];
    const exhausted: StoredMessage[] = [];
    for (const message of this.state.messages) {
      if (received.length >= maxMessages) break;
      if (message.availableAt > now) continue;
      // SQS moves a message when a receive would take it past maxReceiveCount.
      if (maxReceiveCount !== undefined && message.receiveCount >= maxReceiveCount) {
        exhausted.push(message);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceiveAt ??= now;
      message.availableAt = now + visibilityTimeoutSeconds * 1000;
      message.receiptHandle = encodeReceiptHandle(this.name, message.id);
      if (holder === undefined) delete message.heldBy;
      else message.heldBy = holder;
      received.push(message);
    }
    if (exhausted.length > 0) {
      const gone = new Set(exhausted);
      this.state.messages = this.state.messages.filter((message) => !gone.has(message));
    }
    return { received, exhausted };
  }

  /**
   * Deletes by receipt handle and returns the id it removed. Deleting a message that is already
   * gone succeeds, as in SQS.
   */
  delete(receiptHandle: string): string | undefined {
    const { messageId } = decodeReceiptHandle(receiptHandle);
    const index = this.state.messages.findIndex((message) => message.id === messageId);
    if (index < 0) return undefined;
    this.state.messages.splice(index, 1);
    return messageId;
  }

  changeVisibility(receiptHandle: string, visibilityTimeoutSeconds: number, now: number): StoredMessage {
    const { messageId } = decodeReceiptHandle(receiptHandle);
    const message = this.state.messages.find((candidate) => candidate.id === messageId);
    if (!message || message.receiptHandle !== receiptHandle || message.availableAt <= now) {
      throw new SqsError(
        'MessageNotInflight',
        `Message with receipt handle ${receiptHandle} is not in flight.`,
        'AWS.SimpleQueueService.MessageNotInflight',
      );
    }
    message.availableAt = now + visibilityTimeoutSeconds * 1000;
    return message;
  }

  /** Makes every message a dead in-process consumer held visible now; returns them. */
  releaseHeld(now: number): StoredMessage[] {
    const released: StoredMessage[] = [];
    for (const message of this.state.messages) {
      if (message.heldBy === undefined) continue;
      delete message.heldBy;
      if (message.availableAt > now) message.availableAt = now;
      released.push(message);
    }
    return released;
  }

  purge(now: number): void {
    this.state.messages = [];
    this.state.purgedAt = now;
  }

  /** Removes and returns the messages visible now (the ones a redrive task moves). */
  takeAvailable(now: number, limit: number, accept: (message: StoredMessage) => boolean = () => true): StoredMessage[] {
    this.dropExpired(now);
    const taken: StoredMessage[] = [];
    this.state.messages = this.state.messages.filter((message) => {
      if (taken.length < limit && message.availableAt <= now && accept(message)) {
        taken.push(message);
        return false;
      }
      return true;
    });
    return taken;
  }

  counts(now: number): { visible: number; inFlight: number; delayed: number } {
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const message of this.state.messages) {
      if (message.availableAt <= now) visible += 1;
      else if (message.receiveCount > 0) inFlight += 1;
      else delayed += 1;
    }
    return { visible, inFlight, delayed };
  }

  /** Earliest time a currently hidden message becomes receivable, for long-poll wake-ups. */
  nextAvailableAt(now: number): number | undefined {
    let next: number | undefined;
    for (const message of this.state.messages) {
      if (message.availableAt > now && (next === undefined || message.availableAt < next)) next = message.availableAt;
    }
    return next;
  }

  private dropExpired(now: number): void {
    const retentionMs = this.attribute('MessageRetentionPeriod') * 1000;
    if (this.state.messages.some((message) => message.sentAt + retentionMs <= now)) {
      this.state.messages = this.state.messages.filter((message) => message.sentAt + retentionMs > now);
    }
  }
}
