/**
 * Structured logs and EMF metrics with Powertools for AWS Lambda. One logger and one metrics
 * buffer per service: several services may share a process locally, so nothing is global.
 */
import { Console } from 'node:console';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricsOptions } from '@aws-lambda-powertools/metrics/types';

/** CloudWatch namespace of every recops metric. */
export const METRICS_NAMESPACE = 'recops';

/** Metric names the runtime itself emits (services add their own). */
export const RUNTIME_METRIC = {
  recordsProcessed: 'RecordsProcessed',
  recordsFailed: 'RecordsFailed',
  recordsRetried: 'RecordsRetried',
  recordsDeadLettered: 'RecordsDeadLettered',
  eventsPublished: 'EventsPublished',
} as const;

/**
 * Dimension carrying the deployment stage (`RECOPS_STAGE`) next to Powertools' `service`, so
 * stages that share an account and region keep their metrics, and their alarms, apart.
 */
export const STAGE_DIMENSION = 'stage';

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** Logger and metrics for one service; log level from `POWERTOOLS_LOG_LEVEL` (INFO by default). */
export function createObservability(serviceName: string): Observability {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName, logger: metricsWarnings() }),
  };
}

/**
 * Where Powertools Metrics reports its own warnings: stderr, as by default, except the one it
 * gives each time the stage dimension is set again. The handler runtime sets the stage on every
 * invocation, and single metrics may set it again (the run tracker sets the run's stage), both
 * on purpose.
 */
function metricsWarnings(): NonNullable<MetricsOptions['logger']> {
  const output = new Console({ stdout: process.stdout, stderr: process.stderr });
  const stageSetAgain = `Dimension "${STAGE_DIMENSION}" has already been added`;
  return {
    debug: (...content: unknown[]) => output.debug(...content),
    info: (...content: unknown[]) => output.info(...content),
    warn: (...content: unknown[]) => {
      if (typeof content[0] === 'string' && content[0].startsWith(stageSetAgain)) return;
      output.warn(...content);
    },
    error: (...content: unknown[]) => output.error(...content),
  };
}

export { Logger, Metrics, MetricUnit };
