/**
 * An SQS event source mapping, as Lambda runs it: pollers long-poll the queue, gather up to
 * `batchSize` records (waiting at most `batchingWindowSeconds` after the first one), invoke the
 * function, then delete what succeeded. With `ReportBatchItemFailures` (always on for recops):
 * - the handler returns `{ batchItemFailures: [{ itemIdentifier }] }` → only those records stay
 *   (they come back after the visibility timeout and reach the DLQ after maxReceiveCount);
 * - the handler throws or times out → the whole batch stays;
 * - a failure entry with an empty or unknown identifier → Lambda treats the whole batch as failed.
 */
import type { SQSBatchResponse } from 'aws-lambda';
import { runUntilAborted } from '@recops/core/runtime';
import type { SqsStore, StoredMessage } from '../sqs';
import type { QueueSettings } from '@recops/platform';
import { HandlerTimeoutError } from './errors';
import type { LambdaHandler } from './handler-loader';
import { lambdaContext, sqsRecord } from './lambda-events';
import type { HandlerFaults } from '../faults/injector';

export const DELIVERY_OUTCOME = {
  succeeded: 'succeeded',
  partial: 'partial',
  failed: 'failed',
} as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOME)[keyof typeof DELIVERY_OUTCOME];

export interface Delivery {
  readonly service: string;
  readonly source: 'sqs' | 's3';
  readonly outcome: DeliveryOutcome;
  readonly durationMs: number;
  readonly queue?: string;
  readonly messageIds?: readonly string[];
  readonly failedMessageIds?: readonly string[];
  /** Ids of the bus events carried by the batch (record bodies that are EventBridge events), for timelines. */
  readonly eventIds?: readonly string[];
  readonly error?: string;
  readonly [other: string]: unknown;
}

export interface SqsEventSourceOptions {
  readonly service: string;
  readonly memoryMB: number;
  readonly timeoutSeconds: number;
  readonly queueName: string;
  readonly queueArn: string;
  readonly settings: QueueSettings;
  readonly sqs: SqsStore;
  readonly handler: LambdaHandler;
  /** Runs the invocation inside the service's environment. */
  readonly invokeWithin: <T>(invoke: () => Promise<T>) => Promise<T>;
  readonly onDelivery: (delivery: Delivery) => void;
  /** Concurrent pollers (Lambda starts with several; each handles one batch at a time). */
  readonly pollers: number;
  /** Injected faults for this service's deliveries (see `faults/injector.ts`); none by default. */
  readonly faults?: HandlerFaults;
}

/** Marks messages the runner holds (see `StoredMessage.heldBy`). */
const RUNNER_HOLDER = 'runner';

/**
 * Runs one invocation against the function timeout. At the timeout the invocation fails with
 * Lambda's message. JavaScript cannot stop the handler itself, so the invocation's signal is
 * aborted when it ends (returned, failed or timed out): from then on its runtime clients refuse
 * every AWS call (`runUntilAborted` of @recops/core/runtime), as Lambda would have stopped or
 * frozen the function, and a late handler cannot act alongside the next delivery of the message.
 * (middy answers a few milliseconds before the timeout, so a slow handler usually ends that way.)
 */
export async function withTimeout<T>(invoke: () => T | Promise<T>, timeoutSeconds: number): Promise<T> {
  const fence = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new HandlerTimeoutError(`Task timed out after ${timeoutSeconds.toFixed(2)} seconds`)),
      timeoutSeconds * 1000,
    );
  });
  let end = new Error('the invocation has ended');
  try {
    return await Promise.race([runUntilAborted(fence.signal, async () => invoke()), timeout]);
  } catch (error) {
    if (error instanceof HandlerTimeoutError) end = error;
    throw error;
  } finally {
    clearTimeout(timer);
    fence.abort(end);
  }
}

/** The `id` of a record body that is an EventBridge event, else undefined. */
function busEventId(body: string): string | undefined {
  if (!body.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(body) as { id?: unknown; 'detail-type'?: unknown };
    return typeof parsed.id === 'string' && typeof parsed['detail-type'] === 'string' ? parsed.id : undefined;
  } catch {
    return undefined;
  }
}

export class SqsEventSource {
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];
  private stopped = false;

  constructor(private readonly options: SqsEventSourceOptions) {}

  start(): void {
    for (let poller = 0; poller < Math.max(1, this.options.pollers); poller++) this.loops.push(this.poll());
  }

  /** Stops polling and waits for batches being handled to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await Promise.allSettled(this.loops);
  }

  private async poll(): Promise<void> {
    while (!this.stopped && !this.options.sqs.closed) {
      let batch: StoredMessage[];
      try {
        batch = await this.collect();
      } catch (error) {
        // The queue was deleted or the store closed: stop this poller.
        if (!this.stopped)
          this.options.onDelivery(this.report([], DELIVERY_OUTCOME.failed, 0, [], `polling stopped: ${(error as Error).message}`));
        return;
      }
      if (batch.length === 0) continue;
      const faults = this.options.faults;
      if (faults) {
        const holdMs = faults.holdBackMs();
        if (holdMs > 0) await new Promise((resolveHold) => setTimeout(resolveHold, holdMs));
        batch = faults.order(batch);
      }
      await this.invoke(batch);
    }
  }

  private async collect(): Promise<StoredMessage[]> {
    const { sqs, queueName, settings } = this.options;
    const signal = this.abort.signal;
    const records = await sqs.receive(queueName, {
      maxMessages: Math.min(10, settings.batchSize),
      waitTimeSeconds: 20,
      signal,
      holder: RUNNER_HOLDER,
    });
    if (records.length === 0 || settings.batchingWindowSeconds <= 0) return records;
    const windowEnds = Date.now() + settings.batchingWindowSeconds * 1000;
    while (records.length < settings.batchSize && !this.stopped) {
      const remainingMs = windowEnds - Date.now();
      if (remainingMs <= 0) break;
      const more = await sqs.receive(queueName, {
        maxMessages: Math.min(10, settings.batchSize - records.length),
        waitTimeSeconds: remainingMs / 1000,
        signal,
        holder: RUNNER_HOLDER,
      });
      records.push(...more);
    }
    return records;
  }

  private async invoke(batch: readonly StoredMessage[]): Promise<void> {
    const { sqs, queueName, queueArn, handler, timeoutSeconds } = this.options;
    const started = Date.now();
    const event = { Records: batch.map((message) => sqsRecord(message, queueArn)) };
    const ids = batch.map((message) => message.id);
    let failedIds: string[];
    let error: string | undefined;
    try {
      const context = lambdaContext(this.options.service, this.options.memoryMB, started + timeoutSeconds * 1000);
      this.options.faults?.beforeInvoke();
      const response = await this.options.invokeWithin(() => withTimeout(() => handler(event, context), timeoutSeconds));
      const failures = (response as SQSBatchResponse | undefined)?.batchItemFailures ?? [];
      const known = new Set(ids);
      const invalid = failures.find((failure) => !failure?.itemIdentifier || !known.has(failure.itemIdentifier));
      if (invalid) {
        failedIds = ids;
        error = `batchItemFailures names ${JSON.stringify(invalid?.itemIdentifier ?? null)}, which is not in the batch: the whole batch fails`;
      } else {
        failedIds = [...new Set(failures.map((failure) => failure.itemIdentifier))];
      }
    } catch (caught) {
      failedIds = ids;
      error = (caught as Error)?.message ?? String(caught);
    }
    const failed = new Set(failedIds);
    const succeeded = batch.filter((message) => !failed.has(message.id));
    // An injected crash between the handler's return and the delete: the batch stays in flight.
    if (this.options.faults?.exitBeforeDelete()) return;
    if (succeeded.length > 0) {
      await sqs
        .deleteMessages(
          queueName,
          succeeded.map((message) => message.receiptHandle ?? ''),
        )
        .catch(() => undefined);
    }
    const outcome =
      failedIds.length === 0
        ? DELIVERY_OUTCOME.succeeded
        : failedIds.length === ids.length
          ? DELIVERY_OUTCOME.failed
          : DELIVERY_OUTCOME.partial;
    this.options.onDelivery(this.report(ids, outcome, Date.now() - started, failedIds, error, batch));
    const again = this.options.faults?.duplicates(succeeded) ?? [];
    if (again.length > 0) await this.deliverDuplicate(again);
  }

  /** Hands records already handled (and deleted) to the handler once more, as SQS may. */
  private async deliverDuplicate(batch: readonly StoredMessage[]): Promise<void> {
    const { queueArn, handler, timeoutSeconds } = this.options;
    const started = Date.now();
    const ids = batch.map((message) => message.id);
    let failedIds: string[] = [];
    let error: string | undefined;
    try {
      const context = lambdaContext(this.options.service, this.options.memoryMB, started + timeoutSeconds * 1000);
      const event = { Records: batch.map((message) => sqsRecord(message, queueArn)) };
      const response = await this.options.invokeWithin(() => withTimeout(() => handler(event, context), timeoutSeconds));
      failedIds = ((response as SQSBatchResponse | undefined)?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier);
    } catch (caught) {
      failedIds = ids;
      error = (caught as Error)?.message ?? String(caught);
    }
    const outcome =
      failedIds.length === 0
        ? DELIVERY_OUTCOME.succeeded
        : failedIds.length === ids.length
          ? DELIVERY_OUTCOME.failed
          : DELIVERY_OUTCOME.partial;
    this.options.onDelivery({ ...this.report(ids, outcome, Date.now() - started, failedIds, error, batch), duplicate: true });
  }

  private report(
    ids: readonly string[],
    outcome: DeliveryOutcome,
    durationMs: number,
    failedIds: readonly string[],
    error?: string,
    batch: readonly StoredMessage[] = [],
  ): Delivery {
    return {
      service: this.options.service,
      source: 'sqs',
      queue: this.options.queueName,
      outcome,
      durationMs,
      messageIds: ids,
      failedMessageIds: failedIds,
      receiveCounts: batch.map((message) => message.receiveCount),
      eventIds: batch.map((message) => busEventId(message.body)).filter((id): id is string => id !== undefined),
      ...(error !== undefined ? { error } : {}),
    };
  }
}
