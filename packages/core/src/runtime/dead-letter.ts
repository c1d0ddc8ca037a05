/**
 * What the queue runtime does with a record it gives up on, and what it says about a retry.
 *
 * Dead-lettering happens here rather than in the queue's redrive policy, so that the DLQ copy can
 * carry the reason (SQS moves a message unchanged, and a message's attributes cannot be changed in
 * flight). On the record's `maxReceiveCount`-th failed delivery, or at once for a failure no retry
 * heals, the runtime publishes Message Dead-Lettered (the run tracker fails the run with it), sends
 * the body to the service's DLQ with the reason as message attributes, and lets the record be
 * deleted. The queue's own redrive policy allows one receive more (`redriveMaxReceiveCount`): it
 * only catches a record whose handler crashed or timed out on every delivery, and that extra
 * delivery is dead-lettered here before the logic runs, with a reason saying so.
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { messageDeadLettered, messageRecovered, PERSONALIZE_NAME, stepRetrying, type PipelineStep } from '@recops/events';
import { publish } from './publish';

/** Message attributes of a DLQ copy (SQS allows 10 per message; recops adds these 5). */
export const DEAD_LETTER_ATTRIBUTE = {
  reason: 'recops.failure-reason',
  service: 'recops.service',
  attempts: 'recops.attempts',
  errorName: 'recops.error-name',
  /** The message as first dead-lettered: a redriven copy dead-lettered again keeps it. */
  messageId: 'recops.message-id',
} as const;

const SQS_MAX_MESSAGE_ATTRIBUTES = 10;
/** Reasons are clipped: an error may quote a whole bad value. */
const MAX_REASON_CHARS = 1000;

/** Where a record goes when the runtime gives up on it. */
export interface DeadLetterSettings {
  readonly queueUrl: string;
  /** Deliveries before the record is dead-lettered (the manifest's maxReceiveCount). */
  readonly maxReceiveCount: number;
}

/** The run a record is about, read leniently from its body (an EventBridge event). */
export interface RecordRun {
  readonly runId: string;
  readonly datasetGroupName: string;
  readonly stage: string;
  readonly eventType?: string;
}

/** Why the runtime gave up on a record. */
export interface RecordFailure {
  readonly reason: string;
  readonly errorName?: string;
  readonly cause: 'retries-exhausted' | 'permanent';
}

/** What publishing about a record needs. */
export interface RecordReporter {
  readonly serviceName: string;
  readonly step: PipelineStep;
  /** The service's stage, for a record whose event names none. */
  readonly stage: string;
  readonly eventBridge: EventBridgeClient;
  readonly busName: string;
  readonly now: () => Date;
}

/** Retries and dead letters are never reported about themselves: no loop through the bus. */
const SELF_REPORTS: ReadonlySet<string> = new Set([stepRetrying.detailType, messageDeadLettered.detailType, messageRecovered.detailType]);

/**
 * The run of a record whose body is a catalog event, without validating the rest: a record that
 * failed may fail exactly because its detail is invalid. Undefined when the body names no run, or
 * the event is itself a retry or dead-letter report.
 */
function recordRunOf(record: SQSRecord, defaultStage: string): RecordRun | undefined {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const envelope = body as { 'detail-type'?: unknown; detail?: unknown };
  const eventType = typeof envelope['detail-type'] === 'string' ? envelope['detail-type'] : undefined;
  if (eventType !== undefined && SELF_REPORTS.has(eventType)) return undefined;
  const detail = (typeof envelope.detail === 'object' && envelope.detail !== null ? envelope.detail : {}) as Record<string, unknown>;
  const { runId, datasetGroupName, stage } = detail;
  if (!isName(runId) || !isName(datasetGroupName)) return undefined;
  return {
    runId,
    datasetGroupName,
    stage: typeof stage === 'string' && stage.length > 0 && stage.length <= 64 ? stage : defaultStage,
    ...(eventType !== undefined && eventType.length <= 128 && { eventType }),
  };
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && PERSONALIZE_NAME.test(value);
}

/**
 * The reason of a thrown value, clipped: an AWS error as `<name>: <message>` (AccessDenied: User …),
 * recops' own errors by their message, which already says what was attempted and what AWS answered.
 */
export function failureOf(error: unknown): { reason: string; errorName?: string } {
  const name = error instanceof Error ? error.name : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const fromAws = typeof error === 'object' && error !== null && '$metadata' in error;
  const reason = clip(
    name && (fromAws || !message) && !message.startsWith(name) ? `${name}: ${message}` : message || (name ?? 'unknown error'),
  );
  return { reason, ...(name !== undefined && name.length <= 128 && { errorName: name }) };
}

function clip(text: string): string {
  const trimmed = text.trim() || 'unknown error';
  return trimmed.length <= MAX_REASON_CHARS ? trimmed : `${trimmed.slice(0, MAX_REASON_CHARS - 1)}…`;
}

/**
 * Publishes Message Dead-Lettered (when the record names a run), then sends the record's body to
 * the DLQ with the reason. Publishing first: if the send fails the record stays on its queue and
 * the next delivery repeats both, so a run is never left without its failure (a repeated event is
 * harmless, the run tracker keeps the first outcome).
 */
export async function deadLetter(
  record: SQSRecord,
  failure: RecordFailure,
  attempts: number,
  settings: DeadLetterSettings,
  reporter: RecordReporter & { readonly sqs: SQSClient },
): Promise<{ readonly run?: RecordRun }> {
  const run = recordRunOf(record, reporter.stage);
  const messageId = firstMessageId(record);
  if (run !== undefined) {
    const entry = messageDeadLettered.entry(
      {
        runId: run.runId,
        datasetGroupName: run.datasetGroupName,
        stage: run.stage,
        service: reporter.serviceName,
        step: reporter.step,
        ...(run.eventType !== undefined && { eventType: run.eventType }),
        messageId,
        attempts,
        reason: failure.reason,
        ...(failure.errorName !== undefined && { errorName: failure.errorName }),
        cause: failure.cause,
        deadLetterQueueUrl: settings.queueUrl,
        deadLetteredAt: reporter.now().toISOString(),
      },
      reporter.busName,
    );
    await publish(reporter.eventBridge, [entry]);
  }
  await reporter.sqs.send(
    new SendMessageCommand({
      QueueUrl: settings.queueUrl,
      MessageBody: record.body,
      MessageAttributes: {
        ...keptAttributes(record),
        [DEAD_LETTER_ATTRIBUTE.reason]: { DataType: 'String', StringValue: failure.reason },
        [DEAD_LETTER_ATTRIBUTE.service]: { DataType: 'String', StringValue: reporter.serviceName },
        [DEAD_LETTER_ATTRIBUTE.attempts]: { DataType: 'Number', StringValue: String(attempts) },
        [DEAD_LETTER_ATTRIBUTE.messageId]: { DataType: 'String', StringValue: messageId },
        ...(failure.errorName !== undefined && {
          [DEAD_LETTER_ATTRIBUTE.errorName]: { DataType: 'String', StringValue: failure.errorName },
        }),
      },
    }),
  );
  return run === undefined ? {} : { run };
}

/** The record's own message attributes (none for bus deliveries), as many as fit beside recops'. */
function keptAttributes(record: SQSRecord): Record<string, MessageAttributeValue> {
  const ours = new Set<string>(Object.values(DEAD_LETTER_ATTRIBUTE));
  const kept: Record<string, MessageAttributeValue> = {};
  let room = SQS_MAX_MESSAGE_ATTRIBUTES - ours.size;
  for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
    if (room === 0 || ours.has(name)) continue;
    if (value.stringValue !== undefined) kept[name] = { DataType: value.dataType, StringValue: value.stringValue };
    else if (value.binaryValue !== undefined)
      kept[name] = { DataType: value.dataType, BinaryValue: Buffer.from(value.binaryValue, 'base64') };
    else continue;
    room--;
  }
  return kept;
}

/** Publishes Step Retrying for one failed delivery that returns with backoff (when the record names a run). */
export async function reportRetry(
  record: SQSRecord,
  failure: { readonly reason: string; readonly errorName?: string },
  attempt: number,
  maxAttempts: number,
  delaySeconds: number,
  reporter: RecordReporter,
): Promise<boolean> {
  const run = recordRunOf(record, reporter.stage);
  if (run === undefined) return false;
  const failedAt = reporter.now();
  const entry = stepRetrying.entry(
    {
      runId: run.runId,
      datasetGroupName: run.datasetGroupName,
      stage: run.stage,
      service: reporter.serviceName,
      step: reporter.step,
      ...(run.eventType !== undefined && { eventType: run.eventType }),
      messageId: record.messageId,
      attempt,
      maxAttempts,
      reason: failure.reason,
      ...(failure.errorName !== undefined && { errorName: failure.errorName }),
      delaySeconds,
      nextAttemptAt: new Date(failedAt.getTime() + delaySeconds * 1000).toISOString(),
      failedAt: failedAt.toISOString(),
    },
    reporter.busName,
  );
  await publish(reporter.eventBridge, [entry]);
  return true;
}

/** The id the record had when it was first dead-lettered (itself, unless it is a redriven copy). */
function firstMessageId(record: SQSRecord): string {
  const kept = record.messageAttributes?.[DEAD_LETTER_ATTRIBUTE.messageId]?.stringValue;
  return kept !== undefined && kept.length > 0 && kept.length <= 128 ? kept : record.messageId;
}

/** True for a DLQ copy moved back to its queue (it carries the reason the runtime gave it). */
export function isRedrivenCopy(record: SQSRecord): boolean {
  return record.messageAttributes?.[DEAD_LETTER_ATTRIBUTE.reason] !== undefined;
}

/** Publishes Message Recovered for a redriven copy its service has now handled (when it names a run). */
export async function reportRecovered(record: SQSRecord, reporter: RecordReporter): Promise<void> {
  const run = recordRunOf(record, reporter.stage);
  if (run === undefined) return;
  const entry = messageRecovered.entry(
    {
      runId: run.runId,
      datasetGroupName: run.datasetGroupName,
      stage: run.stage,
      service: reporter.serviceName,
      ...(run.eventType !== undefined && { eventType: run.eventType }),
      messageId: firstMessageId(record),
      recoveredAt: reporter.now().toISOString(),
    },
    reporter.busName,
  );
  await publish(reporter.eventBridge, [entry]);
}
