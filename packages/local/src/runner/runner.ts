/**
 * Runs the services of the manifest inside the local cloud, the way AWS runs them:
 * - one bus (`recops-<stage>`), one data bucket, one Scheduler group;
 * - per service with a queue: a queue and its DLQ (redrive after `maxReceiveCount`), one rule per
 *   subscription pattern targeting the queue, and an SQS event source mapping (see
 *   `sqs-event-source.ts`) invoking the handler in-process;
 * - per S3 trigger: an ObjectCreated notification on the data bucket invoking the handler with the
 *   S3 event, retried twice on error like Lambda's asynchronous invocations; an event that still
 *   fails goes to the service's async DLQ (`recops-<stage>-<service>-async-dlq`) as Lambda's
 *   on-failure destination record (see `asyncFailureRecord`), as stacks/services.ts sets it up.
 *
 * Handler environment: `RUNTIME_ENV` values and `AWS_ENDPOINT_URL`/region/dummy credentials.
 * Values common to all services are written to `process.env` (so SDK clients a handler builds
 * itself reach the local cloud). Consequence: every AWS SDK client created anywhere in this
 * process while the runner runs talks to the local cloud with dummy credentials, not to AWS; the
 * previous values come back on close. Per-service values (`RECOPS_QUEUE_URL`) differ between
 * services sharing the process, so each handler module is imported, and each invocation runs,
 * inside `runWithEnvironment` (the runtime reads its environment from there with
 * `currentEnvironment()`). Code that reads `process.env.RECOPS_QUEUE_URL` directly finds nothing
 * locally: writing one service's value there would hand it to another service running at the same
 * time, a wrong queue instead of a missing one.
 */
import { resolve } from 'node:path';
import type { S3Event } from 'aws-lambda';
import { fileURLToPath } from 'node:url';
import { runWithEnvironment } from '@recops/core/runtime';
import {
  canonicalPattern,
  normalizeTopology,
  redriveMaxReceiveCount,
  RUNTIME_ENV,
  servicePolicy,
  type ServiceDefinition,
  type Topology,
} from '@recops/platform';
import { busArn, type EventBridgeStore } from '../eventbridge';
import { EVENT_LOG_KIND } from '../event-log';
import type { SchedulerStore } from '../scheduler';
import { queueArn, queueNameFromArn, type SqsStore } from '../sqs';
import { ACCOUNT_ID, REGION } from '../wire';
import { asyncFailureMessage } from './async-failure';
import { HandlerLoadError, ManifestError } from './errors';
import { loadHandler, type LambdaHandler } from './handler-loader';
import { DELIVERY_OUTCOME, SqsEventSource, withTimeout, type Delivery } from './sqs-event-source';
import { lambdaContext } from './lambda-events';
import type { FaultInjector, HandlerFaults } from '../faults/injector';
import type { LocalIam, ServicePrincipal } from '../iam';

/** The part of the local S3 the runner needs (see `LocalS3`). */
export interface RunnerS3 {
  ensureBucket(name: string): Promise<void>;
  onObjectCreated(
    listener: (event: S3Event) => void | Promise<void>,
    filter?: { bucket?: string; prefix?: string; suffix?: string; configurationId?: string },
  ): () => void;
}

export interface RunnerNames {
  readonly busName: string;
  readonly bucketName: string;
  readonly schedulerGroupName: string;
  readonly schedulerRoleArn: string;
  readonly personalizeRoleArn: string;
  queueName(service: string): string;
  /** The role a service's function runs as (locally also its access key). */
  roleName(service: string): string;
  deadLetterQueueName(service: string): string;
  /** Where S3 events a service still failed on after Lambda's asynchronous retries go (its on-failure destination). */
  asyncDeadLetterQueueName(service: string): string;
  ruleName(service: string, index: number): string;
}

/** Local resource names: `recops-<stage>-…`, like the stacks' `stageName`. */
export function localNames(stage: string): RunnerNames {
  const prefix = `recops-${stage}`;
  return {
    busName: prefix,
    bucketName: `${prefix}-data`,
    schedulerGroupName: `${prefix}-schedules`,
    schedulerRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/${prefix}-scheduler`,
    personalizeRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/${prefix}-personalize`,
    queueName: (service) => `${prefix}-${service}`,
    roleName: (service) => `${prefix}-${service}`,
    deadLetterQueueName: (service) => `${prefix}-${service}-dlq`,
    asyncDeadLetterQueueName: (service) => `${prefix}-${service}-async-dlq`,
    ruleName: (service, index) => `${prefix}-${service}-${index}`,
  };
}

/**
 * The identity a service runs as locally: its role, its access key and the statements stacks/ gives
 * that role in AWS, with this stage's local ARNs (and its Personalize name prefix).
 */
export function servicePrincipal(service: ServiceDefinition, names: RunnerNames, stage: string): ServicePrincipal {
  const queueName = service.queue ? names.queueName(service.name) : undefined;
  return {
    service: service.name,
    roleName: names.roleName(service.name),
    accessKeyId: names.roleName(service.name),
    statements: servicePolicy(
      service,
      {
        stage,
        partition: 'aws',
        region: REGION,
        accountId: ACCOUNT_ID,
        busArn: busArn(names.busName),
        bucketArn: `arn:aws:s3:::${names.bucketName}`,
        personalizeRoleArn: names.personalizeRoleArn,
        schedulerGroupName: names.schedulerGroupName,
        schedulerRoleArn: names.schedulerRoleArn,
        ...(queueName
          ? { ownQueueArn: queueArn(queueName), ownDeadLetterQueueArn: queueArn(names.deadLetterQueueName(service.name)) }
          : {}),
      },
      (strings, ...values) => String.raw({ raw: strings }, ...values),
    ),
  };
}

export interface RunnerOptions {
  readonly manifest: readonly ServiceDefinition[];
  /** The local cloud's endpoint (`AWS_ENDPOINT_URL` of the handlers). */
  readonly endpoint: string;
  readonly stage: string;
  readonly sqs: SqsStore;
  readonly eventBridge: EventBridgeStore;
  readonly scheduler?: SchedulerStore;
  readonly s3?: RunnerS3;
  /** Appends to the event log (`delivery` entries). */
  readonly onLog?: (kind: string, data: Record<string, unknown>) => void;
  /** Where handler paths are resolved; the repository root by default. */
  readonly rootDir?: string;
  readonly names?: RunnerNames;
  /** Concurrent batches per queue. Default 5: Lambda starts an SQS event source with five concurrent batches. */
  readonly pollersPerQueue?: number;
  /** Delays before the two retries of a failed S3-triggered invocation. Default 60 s and 120 s, as Lambda. */
  readonly s3RetryDelaysMs?: readonly [number, number];
  /**
   * How long `close` waits for running invocations. Default 5 s. A batch still running after that
   * is not deleted: it comes back after its visibility timeout on the next start (at-least-once).
   */
  readonly shutdownGraceMs?: number;
  /** Injected handler faults (see `faults/injector.ts`); none by default. */
  readonly faults?: FaultInjector;
  /** When given, each service signs with its own key and this IAM holds its grants. */
  readonly iam?: LocalIam;
}

export interface Runner {
  readonly names: RunnerNames;
  /** URL of a service's queue (what its `RECOPS_QUEUE_URL` holds). */
  queueUrl(service: string): string | undefined;
  /** The topology as built (read back from the queues, rules and triggers), for comparison with the manifest. */
  topology(): Topology;
  /** Stops polling, waits for running invocations, restores process.env. */
  close(): Promise<void>;
}

/** How long failed S3 events stay in a service's async DLQ: 14 days, the SQS maximum, as stacks/services.ts. */
const ASYNC_DLQ_RETENTION_SECONDS = 1_209_600;

const DEFAULT_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

/** Values every handler shares; written to process.env while the runner runs. */
function commonEnvironment(endpoint: string, stage: string, names: RunnerNames): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    [RUNTIME_ENV.stage]: stage,
    [RUNTIME_ENV.busName]: names.busName,
    [RUNTIME_ENV.bucketName]: names.bucketName,
    [RUNTIME_ENV.personalizeRoleArn]: names.personalizeRoleArn,
    [RUNTIME_ENV.schedulerGroupName]: names.schedulerGroupName,
    [RUNTIME_ENV.schedulerRoleArn]: names.schedulerRoleArn,
  };
}

function checkManifest(manifest: readonly ServiceDefinition[]): void {
  const seen = new Set<string>();
  for (const service of manifest) {
    if (seen.has(service.name)) throw new ManifestError(`Service ${service.name} appears twice in the manifest`);
    seen.add(service.name);
    if (service.subscriptions.length > 0 && !service.queue) {
      throw new ManifestError(`Service ${service.name} subscribes to bus events but has no queue settings`);
    }
    const queue = service.queue;
    if (!queue) continue;
    // Lambda refuses an SQS event source whose queue hides messages for less than the function timeout.
    if (queue.visibilityTimeoutSeconds < service.timeoutSeconds) {
      throw new ManifestError(
        `Service ${service.name}: queue visibility timeout ${queue.visibilityTimeoutSeconds}s is less than the function timeout ${service.timeoutSeconds}s`,
      );
    }
    if (queue.batchSize < 1 || queue.batchSize > 10_000)
      throw new ManifestError(`Service ${service.name}: batchSize must be 1-10000, got ${queue.batchSize}`);
    if (queue.batchSize > 10 && queue.batchingWindowSeconds < 1) {
      throw new ManifestError(`Service ${service.name}: batchSize above 10 needs a batching window of at least 1 second`);
    }
    if (queue.batchingWindowSeconds < 0 || queue.batchingWindowSeconds > 300) {
      throw new ManifestError(`Service ${service.name}: batchingWindowSeconds must be 0-300, got ${queue.batchingWindowSeconds}`);
    }
  }
}

export async function startRunner(options: RunnerOptions): Promise<Runner> {
  const { manifest, sqs, eventBridge, endpoint, stage } = options;
  checkManifest(manifest);
  const names = options.names ?? localNames(stage);
  const rootDir = options.rootDir ?? DEFAULT_ROOT;
  const log = options.onLog ?? (() => undefined);
  const onDelivery = (delivery: Delivery): void => log(EVENT_LOG_KIND.delivery, { ...delivery });
  const retryDelays = options.s3RetryDelaysMs ?? [60_000, 120_000];

  const common = commonEnvironment(endpoint, stage, names);
  const handlerFaults = new Map(manifest.map((service) => [service.name, options.faults?.handlerFaults(service.name)]));
  const faultsOf = (service: string): HandlerFaults | undefined => handlerFaults.get(service);
  // Queue URLs are known before the queues exist, so a handler module sees its own at import time.
  const queueUrls = new Map(
    manifest
      .filter((service) => service.queue)
      .map((service) => [service.name, `${endpoint}/${ACCOUNT_ID}/${names.queueName(service.name)}`]),
  );
  // Each service signs with its own key: the local IAM knows it as the service's role.
  const credentialsOf = (service: ServiceDefinition): Record<string, string> =>
    options.iam ? { AWS_ACCESS_KEY_ID: names.roleName(service.name), AWS_SECRET_ACCESS_KEY: 'local' } : {};
  const environmentOf = (service: ServiceDefinition): Record<string, string> => {
    const url = queueUrls.get(service.name);
    const queue: Record<string, string> =
      url && service.queue
        ? {
            [RUNTIME_ENV.ownQueueUrl]: url,
            [RUNTIME_ENV.deadLetterQueueUrl]: `${endpoint}/${ACCOUNT_ID}/${names.deadLetterQueueName(service.name)}`,
            [RUNTIME_ENV.maxReceiveCount]: String(service.queue.maxReceiveCount),
          }
        : {};
    return { ...common, ...credentialsOf(service), ...queue };
  };
  for (const service of manifest) options.iam?.register(servicePrincipal(service, names, stage));
  const invokeWithin =
    (service: ServiceDefinition) =>
    <T>(invoke: () => Promise<T>): Promise<T> =>
      runWithEnvironment({ ...process.env, ...environmentOf(service) }, invoke);
  const previous = new Map(Object.keys(common).map((key) => [key, process.env[key]]));
  const restoreEnvironment = (): void => {
    for (const [key, value] of previous) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  // Set before the handlers load: a module that builds clients or reads settings at import sees them.
  Object.assign(process.env, common);

  // Load every handler first: a typo in a handler string fails the start, not the first event.
  const handlers = new Map<string, LambdaHandler>();
  for (const service of manifest) {
    try {
      handlers.set(service.name, await invokeWithin(service)(() => loadHandler(rootDir, service.handler)));
    } catch (error) {
      restoreEnvironment();
      throw new HandlerLoadError(`Service ${service.name}: ${(error as Error).message}`, { cause: error });
    }
  }

  // ---- shared resources ----
  try {
    if (!eventBridge.listBuses(names.busName).some((bus) => bus.name === names.busName)) await eventBridge.createBus(names.busName);
    await options.s3?.ensureBucket(names.bucketName);
    if (
      options.scheduler &&
      !options.scheduler.listGroups(names.schedulerGroupName).some((group) => group.name === names.schedulerGroupName)
    ) {
      await options.scheduler.createGroup(names.schedulerGroupName);
    }
  } catch (error) {
    restoreEnvironment();
    throw error;
  }

  const deadLetterS3Event = async (service: ServiceDefinition, event: S3Event, attempts: number, error: unknown): Promise<void> => {
    const queue = names.asyncDeadLetterQueueName(service.name);
    const message = asyncFailureMessage({
      service: service.name,
      functionName: names.roleName(service.name),
      event,
      attempts,
      error,
      failedAt: new Date(),
    });
    const [sent] = await sqs.send(queue, [message]);
    const record = event.Records[0];
    const reason = message.messageAttributes['recops.failure-reason']?.StringValue;
    log(EVENT_LOG_KIND.asyncDeadLettered, {
      service: service.name,
      bucket: record?.s3.bucket.name,
      key: record?.s3.object.key,
      attempts,
      reason,
      deadLetterQueue: queue,
      messageId: sent?.id,
    });
  };

  const sources: SqsEventSource[] = [];
  const unsubscribers: (() => void)[] = [];
  const s3Invocations = new Set<Promise<void>>();
  const s3Triggers = new Map<string, { prefix: string; suffix: string | null }[]>();
  const rulesOf = new Map<string, string[]>();
  let closed = false;
  let signalClosing = (): void => {};
  const closing = new Promise<void>((resolveClosing) => (signalClosing = resolveClosing));

  try {
    for (const service of manifest) {
      const handler = handlers.get(service.name) as LambdaHandler;
      const queue = service.queue;
      if (queue) {
        const dlqName = names.deadLetterQueueName(service.name);
        const queueName = names.queueName(service.name);
        await sqs.createQueue(dlqName, {}).written;
        await sqs.setAttributes(dlqName, { MessageRetentionPeriod: String(queue.dlqRetentionSeconds) });
        if (!sqs.findQueue(queueName)) await sqs.createQueue(queueName, {}).written;
        await sqs.setAttributes(queueName, {
          VisibilityTimeout: String(queue.visibilityTimeoutSeconds),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: queueArn(dlqName), maxReceiveCount: redriveMaxReceiveCount(queue) }),
        });

        const ruleNames: string[] = [];
        for (const [index, pattern] of service.subscriptions.entries()) {
          const ruleName = names.ruleName(service.name, index);
          await eventBridge.putRule({ name: ruleName, bus: names.busName, eventPattern: JSON.stringify(pattern) });
          await eventBridge.putTargets(ruleName, names.busName, [{ Id: service.name, Arn: queueArn(queueName) }]);
          ruleNames.push(ruleName);
        }
        // Rules left over from an earlier manifest (a removed subscription) stop routing.
        for (const stale of eventBridge.listRules(names.busName, `${names.queueName(service.name)}-`)) {
          if (
            !ruleNames.includes(stale.name) &&
            /-\d+$/.test(stale.name) &&
            stale.name.slice(0, stale.name.lastIndexOf('-')) === names.queueName(service.name)
          ) {
            await eventBridge.deleteRule(stale.name, names.busName, true);
          }
        }
        rulesOf.set(service.name, ruleNames);

        const source = new SqsEventSource({
          service: service.name,
          memoryMB: service.memoryMB,
          timeoutSeconds: service.timeoutSeconds,
          queueName,
          queueArn: queueArn(queueName),
          settings: queue,
          sqs,
          handler,
          invokeWithin: invokeWithin(service),
          onDelivery,
          pollers: options.pollersPerQueue ?? 5,
          ...(faultsOf(service.name) ? { faults: faultsOf(service.name) } : {}),
        });
        sources.push(source);
      }

      if (service.s3Triggers.length > 0) {
        if (!options.s3) throw new ManifestError(`Service ${service.name} has S3 triggers but the local cloud has no S3`);
        const asyncDlqName = names.asyncDeadLetterQueueName(service.name);
        await sqs.createQueue(asyncDlqName, {}).written;
        await sqs.setAttributes(asyncDlqName, { MessageRetentionPeriod: String(ASYNC_DLQ_RETENTION_SECONDS) });
        s3Triggers.set(
          service.name,
          service.s3Triggers.map((trigger) => ({ prefix: trigger.prefix, suffix: trigger.suffix ?? null })),
        );
        for (const [index, trigger] of service.s3Triggers.entries()) {
          const invokeS3 = async (event: S3Event): Promise<void> => {
            const record = event.Records[0];
            for (let attempt = 0; attempt <= retryDelays.length && !closed; attempt++) {
              const started = Date.now();
              try {
                const context = lambdaContext(service.name, service.memoryMB, started + service.timeoutSeconds * 1000);
                faultsOf(service.name)?.beforeInvoke();
                await invokeWithin(service)(() => withTimeout(() => handler(event, context), service.timeoutSeconds));
                onDelivery({
                  service: service.name,
                  source: 's3',
                  outcome: DELIVERY_OUTCOME.succeeded,
                  durationMs: Date.now() - started,
                  bucket: record?.s3.bucket.name,
                  key: record?.s3.object.key,
                  attempt: attempt + 1,
                });
                return;
              } catch (error) {
                onDelivery({
                  service: service.name,
                  source: 's3',
                  outcome: DELIVERY_OUTCOME.failed,
                  durationMs: Date.now() - started,
                  bucket: record?.s3.bucket.name,
                  key: record?.s3.object.key,
                  attempt: attempt + 1,
                  error: (error as Error)?.message ?? String(error),
                });
                const delay = retryDelays[attempt];
                if (delay === undefined) {
                  // Out of retries: Lambda sends the event to the on-failure destination. If that send
                  // fails, the notification stays journaled and is delivered again on the next start.
                  await deadLetterS3Event(service, event, attempt + 1, error);
                  return;
                }
                // A retry waits, but never past close(): S3 keeps the event, AWS would too.
                await new Promise<void>((resolveDelay) => {
                  const timer = setTimeout(resolveDelay, delay);
                  closing.then(() => {
                    clearTimeout(timer);
                    resolveDelay();
                  });
                });
              }
            }
            // Stopped before the handler succeeded or ran out of retries: the notification stays
            // journaled and is delivered again on the next start.
            throw new Error(
              `The local cloud stopped before ${service.name} handled s3://${record?.s3.bucket.name}/${record?.s3.object.key}`,
            );
          };
          unsubscribers.push(
            options.s3.onObjectCreated(
              (event) => {
                const invocation = invokeS3(event).finally(() => s3Invocations.delete(invocation));
                s3Invocations.add(invocation);
                return invocation;
              },
              {
                bucket: names.bucketName,
                prefix: trigger.prefix,
                ...(trigger.suffix !== undefined ? { suffix: trigger.suffix } : {}),
                configurationId: `${service.name}-${index}`,
              },
            ),
          );
        }
      }
    }
  } catch (error) {
    restoreEnvironment();
    for (const unsubscribe of unsubscribers) unsubscribe();
    throw error;
  }

  for (const source of sources) source.start();

  return {
    names,
    queueUrl: (service) => queueUrls.get(service),
    topology(): Topology {
      return normalizeTopology({
        services: manifest.map((service) => {
          const queue = sqs.findQueue(names.queueName(service.name));
          const policy = queue?.redrivePolicy();
          const dlqName = policy ? queueNameFromArn(policy.deadLetterTargetArn) : undefined;
          const dlq = dlqName ? sqs.findQueue(dlqName) : undefined;
          const rules = (rulesOf.get(service.name) ?? []).map((name) => eventBridge.getRule(name, names.busName));
          return {
            name: service.name,
            handler: service.handler,
            timeoutSeconds: service.timeoutSeconds,
            memoryMB: service.memoryMB,
            environment: Object.keys(environmentOf(service)).filter((key) => key.startsWith('RECOPS_')),
            queue:
              queue && service.queue
                ? {
                    batchSize: service.queue.batchSize,
                    batchingWindowSeconds: service.queue.batchingWindowSeconds,
                    visibilityTimeoutSeconds: queue.attribute('VisibilityTimeout'),
                    maxReceiveCount: policy?.maxReceiveCount ?? 0,
                    dlqRetentionSeconds: dlq?.attribute('MessageRetentionPeriod') ?? 0,
                    partialBatchResponses: true,
                  }
                : null,
            busRules: rules.map((rule) => canonicalPattern(JSON.parse(rule.eventPattern ?? '{}') as Record<string, unknown>)),
            s3Triggers: s3Triggers.get(service.name) ?? [],
          };
        }),
      });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      signalClosing();
      for (const unsubscribe of unsubscribers) unsubscribe();
      const running = Promise.allSettled([...sources.map((source) => source.stop()), ...s3Invocations]);
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([
        running,
        new Promise<void>((resolveGrace) => (grace = setTimeout(resolveGrace, options.shutdownGraceMs ?? 5_000))),
      ]);
      clearTimeout(grace);
      restoreEnvironment();
    },
  };
}
