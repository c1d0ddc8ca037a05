/**
 * Composition of the local cloud: one HTTP server, one data directory, one event log, and the
 * emulated services registered on the server in order.
 *
 * Adding a service (SQS, EventBridge, Scheduler, Personalize, the manifest runner):
 *   1. Import its factory at the top.
 *   2. In `createLocalCloud`, in the "services" section, build it from `context` (data directory,
 *      endpoint, stage, event log, S3 handle, …) after the services it depends on, then
 *      `context.register(service)` for its `WireService` (if it speaks HTTP) and
 *      `context.onClose(() => service.close())` for its cleanup. Services close in reverse order.
 *   3. Add its handle to `LocalCloud` as an optional member and set it in the returned object.
 * Each service keeps its state under its own subdirectory of `dataDir` (e.g. `<dataDir>/sqs/`).
 */
import { join, resolve } from 'node:path';
import type { PersonalizeEngine } from '@recops/engine';
import type { ServiceDefinition } from '@recops/platform';
import { EVENT_LOG_KIND, EventLog } from './event-log';
import { LocalIam } from './iam';
import { FAULT_LOG_KIND, FAULT_SETTINGS_LOG_KIND, FaultInjector } from './faults/injector';
import { faultOptionsFromEnv, hasFaults, type FaultOptions } from './faults/options';
import { createLocalS3, type LocalS3 } from './s3';
import { deliverConfiguredNotifications } from './s3/configured-notifications';
import { queueNameFromArn } from './sqs';
import { attachBusServices, attachRunner, type BusServices } from './runner/compose';
import { attachPersonalize } from './personalize/compose';
import type { LocalPersonalize } from './personalize/service';
import type { Runner } from './runner';
import { ensureDir } from './persist';
import { startServer, type LocalServer } from './server';
import { ACCOUNT_ID, REGION, type WireService } from './wire';

export interface LocalCloudOptions {
  /** Where all state lives (objects, queues, resources, schedules, the event log). */
  readonly dataDir: string;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Stage name handlers see in their environment. Default `local`. */
  readonly stage?: string;
  /** Services to run in-process, as `services/manifest.ts` lists them. */
  readonly manifest?: readonly ServiceDefinition[];
  /** Recommender engine behind the local Personalize service. Default: the real engine (packages/engine). */
  readonly engine?: PersonalizeEngine;
  /**
   * Enforce each manifest service's IAM grants on its calls (`servicePolicy` of @recops/platform, as in AWS).
   * Default true. Calls signed with any other key (CLI, tests) are never restricted.
   */
  readonly iam?: boolean;
  /** Delay of each Personalize status step (CREATE PENDING → CREATE IN_PROGRESS → …). Default 500 ms. */
  readonly personalizeStepDelayMs?: number;
  /**
   * Faults to inject (see `faults/options.ts`). Default: the `RECOPS_LOCAL_FAULTS` environment
   * variable (JSON), else none.
   */
  readonly faults?: FaultOptions;
  /**
   * Delays before the two retries of a failed S3-triggered invocation, before the event goes to the
   * service's async DLQ. Default 60 s and 120 s, as Lambda.
   */
  readonly s3RetryDelaysMs?: readonly [number, number];
  /** How a `handlerExitRate` fault ends the process. Default: SIGKILL to itself. */
  readonly faultExit?: () => void;
}

/** What a service factory gets to build itself. */
export interface LocalCloudContext {
  readonly dataDir: string;
  readonly endpoint: string;
  readonly stage: string;
  readonly region: string;
  readonly accountId: string;
  readonly eventLog: EventLog;
  readonly options: LocalCloudOptions;
  /** Buckets and objects; `s3.blobs` is the engine's BlobStore, `s3.onObjectCreated` the notifications. */
  readonly s3: LocalS3;
  /** Adds an HTTP service after those already registered (the server asks them in order). */
  register(service: WireService): void;
  /** Runs `close` when the cloud closes; later registrations close first. */
  onClose(close: () => Promise<void> | void): void;
  /** Injected faults of this run, when any are switched on. */
  readonly faults?: FaultInjector;
}

export interface LocalCloud {
  /** `http://127.0.0.1:<port>`: what `AWS_ENDPOINT_URL` should point at. */
  readonly endpoint: string;
  readonly port: number;
  readonly dataDir: string;
  readonly stage: string;
  readonly region: string;
  readonly accountId: string;
  readonly eventLog: EventLog;
  readonly server: LocalServer;
  readonly s3: LocalS3;
  /** SQS, EventBridge and Scheduler state (queues, buses, rules, schedules). */
  readonly bus?: BusServices;
  /** The manifest's services running in-process (when a manifest was given). */
  readonly runner?: Runner;
  /** The local Personalize (control plane, runtime, events). */
  readonly personalize?: LocalPersonalize;
  /** The services' principals and their grants (absent with `iam: false`). */
  readonly iam?: LocalIam;
  /** Stops the runner and every service, closes the server and flushes the data directory. */
  close(): Promise<void>;
}

export async function createLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const dataDir = resolve(options.dataDir);
  const stage = options.stage ?? 'local';
  const faultOptions = options.faults ?? faultOptionsFromEnv(process.env);
  await ensureDir(dataDir);
  const eventLog = await EventLog.open(dataDir);
  const faults = hasFaults(faultOptions)
    ? new FaultInjector({
        faults: faultOptions,
        onFault: (data) => void eventLog.append(FAULT_LOG_KIND, data).catch(() => undefined),
        ...(options.faultExit ? { exit: options.faultExit } : {}),
      })
    : undefined;
  if (faults) await eventLog.append(FAULT_SETTINGS_LOG_KIND, { ...faultOptions, seed: faults.seed });
  const iam =
    options.iam === false
      ? undefined
      : new LocalIam((denial) => {
          // The log is an observer: a failed append must not change the answer.
          void eventLog.append(EVENT_LOG_KIND.accessDenied, { ...denial }).catch(() => undefined);
        });
  // Listen first: services and the runner need the endpoint (handlers' AWS_ENDPOINT_URL).
  // Listening before the services exist, the server answers 503 (retried by SDKs) until all are ready.
  const server = await startServer({
    port: options.port ?? 0,
    ready: false,
    spoolDir: join(dataDir, 'tmp', 'bodies'),
    ...(iam ? { authorize: (request, forward) => iam.authorize(request, forward) } : {}),
    onError: (error, request) => {
      process.stderr.write(`local cloud: ${request.method} ${request.rawPath} failed: ${(error as Error).stack ?? String(error)}\n`);
    },
  });
  const closers: (() => Promise<void> | void)[] = [];
  let s3: LocalS3;
  try {
    s3 = await createLocalS3({ dataDir, eventLog, deferNotifications: true });
  } catch (error) {
    await server.close();
    await eventLog.close();
    throw error;
  }
  server.register(s3.wire);
  closers.push(() => s3.close());

  const context: LocalCloudContext = {
    dataDir,
    endpoint: server.endpoint,
    stage,
    region: REGION,
    accountId: ACCOUNT_ID,
    eventLog,
    options,
    s3,
    register: (service) => server.register(faults ? faults.wrapWire(service) : service),
    onClose: (close) => closers.push(close),
    ...(faults ? { faults } : {}),
  };

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Stop the runner first while the server still answers, so running handlers finish their
      // calls instead of failing into retries; then stop taking requests, then the services
      // (reverse order; the runner's own closer is then a no-op), then the log.
      await runner?.close();
      await server.close();
      for (const closer of closers.reverse()) {
        try {
          await closer();
        } catch (error) {
          process.stderr.write(`local cloud: a service failed to close: ${(error as Error).message}\n`);
        }
      }
      await eventLog.close();
    })();
    return closing;
  };

  let bus: BusServices | undefined;
  let runner: Runner | undefined;
  let personalize: LocalPersonalize | undefined;
  try {
    // ---- services (in registration order; S3 is built above because every other service may use it) ----
    // e.g. const sqs = await createLocalSqs(context); context.register(sqs.wire); context.onClose(() => sqs.close());
    bus = await attachBusServices(context);
    const sqs = bus.sqs;
    // Bucket notification configurations set through the S3 API deliver to their SQS queues.
    context.onClose(
      deliverConfiguredNotifications(s3, async (queueArn, body) => {
        const queue = queueNameFromArn(queueArn);
        if (queue === undefined) throw new Error(`not an SQS queue ARN: ${queueArn}`);
        await sqs.send(queue, [{ body }]);
      }),
    );
    personalize = await attachPersonalize(context);
    // Keep last: the runner delivers queued messages at once, to handlers that call every service.
    runner = await attachRunner(context, bus, {
      ...(iam ? { iam } : {}),
      ...(options.s3RetryDelaysMs ? { s3RetryDelaysMs: options.s3RetryDelaysMs } : {}),
    });
    // Every service, queue, rule and listener exists: answer requests, then hand out again the
    // notifications journaled before a restart (uploads arriving meanwhile wait behind them).
    server.markReady();
    await s3.startNotifications();
  } catch (error) {
    await close();
    throw error;
  }

  return {
    endpoint: server.endpoint,
    port: server.port,
    dataDir,
    stage,
    region: REGION,
    accountId: ACCOUNT_ID,
    eventLog,
    server,
    s3,
    ...(bus ? { bus } : {}),
    ...(runner ? { runner } : {}),
    ...(personalize ? { personalize } : {}),
    ...(iam ? { iam } : {}),
    close,
  };
}
