/**
 * Handler factories: the middy plumbing every service shares, so a service's handler is only
 * "parse the event, call the logic with clients, return".
 *
 * SQS consumers (`createSqsHandler`) use `@middy/sqs-partial-batch-failure`: each record is processed
 * on its own (Promise.allSettled over `Records`), only failed records are reported in
 * `batchItemFailures` and return to the queue; the others are deleted.
 *
 * When the whole batch fails:
 * - every record rejected → every messageId is listed in `batchItemFailures`; the invocation itself
 *   succeeds (no FullBatchFailureError as Powertools' BatchProcessor would throw), so Lambda does not
 *   count a function error; each record returns after its own visibility timeout and reaches the DLQ
 *   after maxReceiveCount.
 * - the handler throws before processing (e.g. a missing environment variable) → the middleware's
 *   onError reports every record as failed in the same way, so the outcome is identical.
 * The queue's event source mapping must enable `ReportBatchItemFailures` (stacks/ sets it; the local
 * runner honours it), otherwise a returned failure list is ignored and the whole batch is deleted.
 *
 * A failed record is, in this order (dead-letter.ts):
 * - dead-lettered at once when no retry heals the failure (AccessDenied and the like, an event that
 *   does not parse), or on its `maxReceiveCount`-th delivery: Message Dead-Lettered on the bus, the
 *   body in the service's DLQ with the reason as message attributes, the record deleted;
 * - returned with backoff when the failure may heal (throttling, LimitExceeded, ResourceInUse), with
 *   a Step Retrying event (one per failed delivery, so at most one per backoff step);
 * - otherwise returned after its visibility timeout.
 */
import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { EventValidationError, type PipelineStep } from '@recops/events';
import { clientConfig, createClients, type ClientOptions, type Clients } from './clients';
import { currentEnvironment, readRuntimeEnv, type RuntimeEnv } from './env';
import { RetryLaterError } from './errors';
import { isPermanentAwsError, permanentAwsErrorReason } from './aws-errors';
import {
  deadLetter,
  failureOf,
  isRedrivenCopy,
  reportRecovered,
  reportRetry,
  type RecordFailure,
  type RecordReporter,
} from './dead-letter';
import { isRetryableError, receiveCount, returnToQueueLater, type BackoffOptions } from './backoff';
import { createObservability, MetricUnit, RUNTIME_METRIC, STAGE_DIMENSION, type Observability } from './observability';

/** What the logic of one record gets: its clients, its environment, logging and metrics. */
export interface InvocationContext extends Observability {
  readonly env: RuntimeEnv;
  readonly clients: Clients;
  readonly lambdaContext: Context;
}

export interface RecordContext extends InvocationContext {
  /** How many times SQS has delivered this record (1 on the first delivery). */
  readonly receiveCount: number;
}

export interface SqsHandlerOptions {
  /** The service's manifest name; used as Powertools service name. */
  readonly serviceName: string;
  /** The step of a run the service performs, named by its Step Retrying and Message Dead-Lettered events. */
  readonly step: PipelineStep;
  /** Processes one record; throw to return it to the queue. */
  readonly processRecord: (record: SQSRecord, context: RecordContext) => Promise<void>;
  /** Which errors return the record with backoff (visibility change). Default: `isRetryableError`. */
  readonly isRetryable?: (error: unknown) => boolean;
  /** Which errors no retry heals: dead-lettered at once. Default: `isPermanentFailure`. */
  readonly isPermanent?: (error: unknown) => boolean;
  /** Clock of the events the runtime publishes (tests). */
  readonly now?: () => Date;
  readonly backoff?: BackoffOptions;
  /** Client settings (tests); by default from the environment. */
  readonly clientOptions?: ClientOptions;
}

export interface HandlerOptions<TEvent, TResult> {
  readonly serviceName: string;
  readonly handle: (event: TEvent, context: InvocationContext) => Promise<TResult>;
  readonly clientOptions?: ClientOptions;
}

const clientsByConfig = new Map<string, Clients>();

/** Clients shared by invocations with the same endpoint and region (keeps connections alive). */
function sharedClients(given: ClientOptions | undefined): Clients {
  const options: ClientOptions = { ...given, env: given?.env ?? currentEnvironment() };
  const key = JSON.stringify(clientConfig(options));
  let clients = clientsByConfig.get(key);
  if (!clients) {
    clients = createClients(options);
    clientsByConfig.set(key, clients);
  }
  return clients;
}

/**
 * Builds the invocation context at call time (environment read per invocation, never at import).
 * Every metric of the invocation gets the stage as a dimension (a default dimension, so it also
 * reaches single metrics): the alarms in stacks/alarms.ts filter on it. One handler serves one
 * stage (one per Lambda function; the local cloud runs a single stage), so the shared buffer never
 * holds metrics of two stages.
 */
function invocationContext(observability: Observability, lambdaContext: Context, clientOptions?: ClientOptions): InvocationContext {
  const env = readRuntimeEnv();
  observability.metrics.setDefaultDimensions({ [STAGE_DIMENSION]: env.stage });
  return { ...observability, env, clients: sharedClients(clientOptions), lambdaContext };
}

/**
 * A middy handler for an SQS event source with partial batch responses.
 * @example
 * export const main = createSqsHandler({
 *   serviceName: 'run-tracker',
 *   processRecord: (record, ctx) => trackEvent(parseCatalogEvent(record), record.messageId, ctx.clients, …),
 * });
 */
export function createSqsHandler(options: SqsHandlerOptions) {
  const observability = createObservability(options.serviceName);
  const { logger, metrics } = observability;
  const isRetryable = options.isRetryable ?? isRetryableError;

  const isPermanent = options.isPermanent ?? isPermanentFailure;
  const now = options.now ?? (() => new Date());

  const processOne = async (record: SQSRecord, base: InvocationContext): Promise<void> => {
    const context: RecordContext = { ...base, receiveCount: receiveCount(record) };
    const settings = base.env.deadLetter;
    const reporter: RecordReporter = {
      serviceName: options.serviceName,
      step: options.step,
      stage: base.env.stage,
      eventBridge: base.clients.eventBridge,
      busName: base.env.busName,
      now,
    };
    const giveUp = async (failure: RecordFailure, attempts: number): Promise<void> => {
      if (settings === undefined) return;
      const { run } = await deadLetter(record, failure, attempts, settings, { ...reporter, sqs: base.clients.sqs });
      metrics.addMetric(RUNTIME_METRIC.recordsDeadLettered, MetricUnit.Count, 1);
      logger.error(`record dead-lettered (${failure.cause}): ${failure.reason}`, {
        messageId: record.messageId,
        receiveCount: context.receiveCount,
        ...(run !== undefined && { runId: run.runId, datasetGroupName: run.datasetGroupName }),
      });
    };

    // Past maxReceiveCount: the earlier deliveries ended without a handled failure (crash, timeout).
    if (settings !== undefined && context.receiveCount > settings.maxReceiveCount) {
      const reason = `${options.serviceName} did not finish this message in ${context.receiveCount - 1} deliveries (the handler crashed or timed out each time)`;
      await giveUp({ reason, cause: 'retries-exhausted' }, context.receiveCount - 1);
      return;
    }
    try {
      await options.processRecord(record, context);
      // A DLQ copy moved back and handled now: the run it failed may complete (events/README.md).
      if (isRedrivenCopy(record)) await reportRecovered(record, reporter);
      metrics.addMetric(RUNTIME_METRIC.recordsProcessed, MetricUnit.Count, 1);
    } catch (error) {
      const retryable = isRetryable(error);
      const permanent = !retryable && isPermanent(error);
      if (settings !== undefined && (permanent || context.receiveCount >= settings.maxReceiveCount)) {
        const failure = failureOf(error);
        await giveUp({ ...failure, cause: permanent ? 'permanent' : 'retries-exhausted' }, context.receiveCount);
        return;
      }
      if (retryable && base.env.ownQueueUrl) {
        const delaySeconds = await returnToQueueLater(base.clients.sqs, base.env.ownQueueUrl, record, options.backoff);
        metrics.addMetric(RUNTIME_METRIC.recordsRetried, MetricUnit.Count, 1);
        logger.warn('record returned to the queue with backoff', {
          messageId: record.messageId,
          receiveCount: context.receiveCount,
          delaySeconds,
          error,
        });
        // The retry stands even when its report cannot be published; the log line above says it.
        await reportRetry(
          record,
          failureOf(error),
          context.receiveCount,
          settings?.maxReceiveCount ?? context.receiveCount,
          delaySeconds,
          reporter,
        ).catch((reportError: unknown) =>
          logger.warn('Step Retrying could not be published', { messageId: record.messageId, error: reportError }),
        );
        throw new RetryLaterError(`retry in ${delaySeconds} s: ${(error as Error).message}`, { cause: error, delaySeconds });
      }
      metrics.addMetric(RUNTIME_METRIC.recordsFailed, MetricUnit.Count, 1);
      // A permission or credential error will fail every receive: say so, so the DLQ entry is explained.
      const permanentReason = permanentAwsErrorReason(error);
      logger.error(permanentReason === undefined ? 'record failed' : `record failed and no retry will heal it: ${permanentReason}`, {
        messageId: record.messageId,
        receiveCount: context.receiveCount,
        error,
      });
      throw error;
    }
  };

  const handler = async (event: SQSEvent, lambdaContext: Context): Promise<PromiseSettledResult<void>[]> => {
    const base = invocationContext(observability, lambdaContext, options.clientOptions);
    return Promise.allSettled(event.Records.map((record) => processOne(record, base)));
  };

  // Failures are logged by processOne with context; the middleware's own logger would repeat them.
  return middy<SQSEvent, SQSBatchResponse>(handler as never)
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .use(sqsPartialBatchFailure({ logger: () => undefined }));
}

/**
 * A middy handler for a direct trigger (S3 notifications, Scheduler): logs and metrics, no batch
 * semantics. A thrown error fails the invocation, and Lambda's asynchronous retries apply.
 */
export function createHandler<TEvent, TResult>(options: HandlerOptions<TEvent, TResult>) {
  const observability = createObservability(options.serviceName);
  const handler = async (event: TEvent, lambdaContext: Context): Promise<TResult> =>
    options.handle(event, invocationContext(observability, lambdaContext, options.clientOptions));
  return middy<TEvent, TResult>(handler as never)
    .use(injectLambdaContext(observability.logger))
    .use(logMetrics(observability.metrics));
}

/**
 * Failures no retry heals, dead-lettered at once: AWS permission and credential errors, and an
 * event that does not match the catalog (it will not match on the next delivery either).
 */
function isPermanentFailure(error: unknown): boolean {
  return isPermanentAwsError(error) || error instanceof EventValidationError;
}
