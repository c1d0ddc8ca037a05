/**
 * The deployable topology of recops as plain, sorted data: what routes which events to which
 * service, with which delivery settings. Both readers of the manifest are compared to it:
 * `stacks/` (recorded through the SST stand-in, `test/infra/stand-in/`) and the local cloud's runner.
 * Anything AWS-only (IAM, alarms, encryption) stays out: the local cloud cannot build it.
 */
import { redriveMaxReceiveCount, RUNTIME_ENV, type BusPattern, type ServiceDefinition } from './manifest-types';

export interface QueueTopology {
  readonly batchSize: number;
  readonly batchingWindowSeconds: number;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly dlqRetentionSeconds: number;
  /** Always true: every subscription reports partial batch failures. */
  readonly partialBatchResponses: boolean;
}

export interface S3TriggerTopology {
  readonly prefix: string;
  readonly suffix: string | null;
}

export interface ServiceTopology {
  readonly name: string;
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMB: number;
  /** Environment variable names the handler receives, sorted. */
  readonly environment: readonly string[];
  readonly queue: QueueTopology | null;
  /** Canonical JSON (sorted keys) of each bus rule pattern routed to the service's queue, sorted. */
  readonly busRules: readonly string[];
  /** S3 ObjectCreated notifications to the function, sorted by prefix then suffix. */
  readonly s3Triggers: readonly S3TriggerTopology[];
}

export interface Topology {
  readonly services: readonly ServiceTopology[];
}

/** Environment names every handler gets; the queue and DLQ settings only when the service has a queue. */
export function environmentNames(service: Pick<ServiceDefinition, 'queue'>): string[] {
  const names: string[] = [
    RUNTIME_ENV.stage,
    RUNTIME_ENV.busName,
    RUNTIME_ENV.bucketName,
    RUNTIME_ENV.personalizeRoleArn,
    RUNTIME_ENV.schedulerGroupName,
    RUNTIME_ENV.schedulerRoleArn,
  ];
  if (service.queue !== undefined) names.push(RUNTIME_ENV.ownQueueUrl, RUNTIME_ENV.deadLetterQueueUrl, RUNTIME_ENV.maxReceiveCount);
  return names.sort();
}

/** JSON with object keys sorted at every level, so equal patterns compare equal as strings. */
export function canonicalPattern(pattern: BusPattern | Readonly<Record<string, unknown>>): string {
  return JSON.stringify(sortKeys(pattern));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

export function sortTriggers(triggers: readonly S3TriggerTopology[]): S3TriggerTopology[] {
  return [...triggers].sort((a, b) => a.prefix.localeCompare(b.prefix) || (a.suffix ?? '').localeCompare(b.suffix ?? ''));
}

/** Sorts services by name so two readings compare with deep equality. */
export function normalizeTopology(topology: Topology): Topology {
  return {
    services: [...topology.services]
      .map((s) => ({
        ...s,
        environment: [...s.environment].sort(),
        busRules: [...s.busRules].sort(),
        s3Triggers: sortTriggers(s.s3Triggers),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** What any faithful reader of the manifest must build. */
export function topologyFromManifest(services: readonly ServiceDefinition[]): Topology {
  return normalizeTopology({
    services: services.map((service) => ({
      name: service.name,
      handler: service.handler,
      timeoutSeconds: service.timeoutSeconds,
      memoryMB: service.memoryMB,
      environment: environmentNames(service),
      queue:
        service.queue === undefined
          ? null
          : {
              batchSize: service.queue.batchSize,
              batchingWindowSeconds: service.queue.batchingWindowSeconds,
              visibilityTimeoutSeconds: service.queue.visibilityTimeoutSeconds,
              maxReceiveCount: redriveMaxReceiveCount(service.queue),
              dlqRetentionSeconds: service.queue.dlqRetentionSeconds,
              partialBatchResponses: true,
            },
      busRules: service.subscriptions.map((pattern) => canonicalPattern(pattern)),
      s3Triggers: service.s3Triggers.map((t) => ({ prefix: t.prefix, suffix: t.suffix ?? null })),
    })),
  });
}
