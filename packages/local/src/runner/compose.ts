/**
 * How the bus services (SQS, EventBridge, Scheduler) and the manifest runner join the local cloud
 * (`cloud.ts` calls these two functions). Each keeps its state under its own folder of the data
 * directory and reports events, deliveries, DLQ moves and schedule firings to the event log.
 */
import { EventBridgeService, EventBridgeStore } from '../eventbridge';
import { SchedulerService, SchedulerStore } from '../scheduler';
import { SqsService, SqsStore } from '../sqs';
import type { WireService } from '../wire';
import { startRunner, type Runner, type RunnerOptions, type RunnerS3 } from './runner';
import type { ServiceDefinition } from '@recops/platform';
import type { FaultInjector } from '../faults/injector';

/** The subset of `LocalCloudContext` the bus services use. */
export interface BusContext {
  readonly dataDir: string;
  readonly endpoint: string;
  readonly stage: string;
  readonly eventLog: { append(kind: string, data: Readonly<Record<string, unknown>>): Promise<unknown> };
  readonly s3?: RunnerS3;
  readonly options: { readonly manifest?: readonly ServiceDefinition[] };
  register(service: WireService): void;
  onClose(close: () => Promise<void> | void): void;
  readonly faults?: FaultInjector;
}

export interface BusServices {
  readonly sqs: SqsStore;
  readonly eventBridge: EventBridgeStore;
  readonly scheduler: SchedulerStore;
}

function logTo(context: BusContext): (kind: string, data: Record<string, unknown>) => void {
  return (kind, data) => {
    // The log is an observer: a failed append must not fail the delivery it describes.
    void context.eventLog.append(kind, data).catch(() => undefined);
  };
}

/** Builds SQS, EventBridge and Scheduler, registers their wire services and their cleanup. */
export async function attachBusServices(context: BusContext): Promise<BusServices> {
  const onLog = logTo(context);
  const sqs = await SqsStore.open({ dataDir: context.dataDir, onEvent: onLog });
  context.register(new SqsService({ store: sqs }));
  context.onClose(() => sqs.close());
  const eventBridge = await EventBridgeStore.open({ dataDir: context.dataDir, sqs, onLog });
  context.register(new EventBridgeService(eventBridge));
  context.onClose(() => eventBridge.close());
  const scheduler = await SchedulerStore.open({ dataDir: context.dataDir, eventBridge, sqs, onLog });
  context.register(new SchedulerService(scheduler));
  context.onClose(() => scheduler.close());
  return { sqs, eventBridge, scheduler };
}

/**
 * Starts the manifest's services when the cloud was given a manifest. Call it after every other
 * service is registered: queued messages from an earlier run are delivered right away.
 */
export async function attachRunner(
  context: BusContext,
  bus: BusServices,
  overrides: Partial<Omit<RunnerOptions, 'manifest' | 'endpoint' | 'stage' | 'sqs' | 'eventBridge'>> = {},
): Promise<Runner | undefined> {
  const manifest = context.options.manifest;
  if (!manifest || manifest.length === 0) return undefined;
  const runner = await startRunner({
    manifest,
    endpoint: context.endpoint,
    stage: context.stage,
    sqs: bus.sqs,
    eventBridge: bus.eventBridge,
    scheduler: bus.scheduler,
    ...(context.s3 ? { s3: context.s3 } : {}),
    onLog: logTo(context),
    ...(context.faults ? { faults: context.faults } : {}),
    ...overrides,
  });
  context.onClose(() => runner.close());
  return runner;
}
