/**
 * Structured logs and EMF metrics with Powertools for AWS Lambda. One logger and one metrics
 * buffer per service: several services may share a process locally, so nothing is global.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** CloudWatch namespace of every recops metric. */
export const METRICS_NAMESPACE = 'recops';

/** Metric names the runtime itself emits (services add their own). */
export const RUNTIME_METRIC = {
  recordsProcessed: 'RecordsProcessed',
  recordsFailed: 'RecordsFailed',
  recordsRetried: 'RecordsRetried',
  eventsPublished: 'EventsPublished',
} as const;

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** Logger and metrics for one service; log level from `POWERTOOLS_LOG_LEVEL` (INFO by default). */
export function createObservability(serviceName: string): Observability {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName }),
  };
}

export { Logger, Metrics, MetricUnit };
