/**
 * Deploy-time settings: stage rules and the few options read from the environment of the
 * `sst deploy` process (documented in the README's deploy section).
 */
import { DEFAULT_FINISHED_RUN_RETENTION_DAYS } from '@recops/platform';

import { isProductionStage } from '@recops/platform';

/**
 * Stages treated as production: protected from `sst remove`, resources retained, Personalize names
 * kept as the file writes them (the one list, in the platform contract).
 */
export { isProductionStage };

/** Function settings every service gets (the issue pins Node.js 22 on Graviton). */
export const FUNCTION_RUNTIME = 'nodejs22.x' as const;
export const FUNCTION_ARCHITECTURE = 'arm64' as const;

/** CloudWatch namespace and metric names emitted by `packages/core/src/runtime/observability.ts`
 *  (copied, not imported, so the SST config does not bundle Powertools; a test keeps them equal). */
export const METRICS_NAMESPACE = 'recops';
export const RECORDS_FAILED_METRIC = 'RecordsFailed';
/** Emitted by `services/run-tracker/metrics.ts` once per failed run, with `service` and `stage` dimensions. */
export const PIPELINES_FAILED_METRIC = 'PipelinesFailed';
export const RUN_TRACKER_SERVICE = 'run-tracker';
/** Dimension the handler runtime adds to every metric (`RECOPS_STAGE`). */
export const STAGE_DIMENSION = 'stage';

export interface StackOptions {
  /** Address subscribed (after confirmation) to the alarm topic. */
  readonly alarmEmail?: string;
  /** KMS keys the Personalize role may use (datasetGroup.kmsKeyArn in parameter files). */
  readonly personalizeKmsKeyArns: readonly string[];
  /** Days the bus archive keeps events for replay. */
  readonly archiveRetentionDays: number;
  /** Days a finished run's documents (and every noncurrent version under `runs/`) are kept. */
  readonly runRetentionDays: number;
}

/** Days the event log group keeps events (a CloudWatch Logs retention value). */
export function eventLogRetentionDays(stage: string): number {
  return isProductionStage(stage) ? 90 : 14;
}

export class StackConfigError extends Error {
  override readonly name = 'StackConfigError';
}

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Reads `RECOPS_ALARM_EMAIL`, `RECOPS_PERSONALIZE_KMS_KEY_ARNS` (comma-separated),
 * `RECOPS_ARCHIVE_RETENTION_DAYS` and `RECOPS_RUN_RETENTION_DAYS`; invalid values stop the deploy
 * with the variable named.
 */
export function loadStackOptions(env: Readonly<Record<string, string | undefined>>, stage: string): StackOptions {
  const email = env.RECOPS_ALARM_EMAIL?.trim();
  if (email !== undefined && email !== '' && !EMAIL.test(email)) {
    throw new StackConfigError(`RECOPS_ALARM_EMAIL: "${email}" is not an e-mail address`);
  }
  const keys = (env.RECOPS_PERSONALIZE_KMS_KEY_ARNS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  for (const key of keys) {
    if (!KMS_KEY_ARN.test(key)) {
      throw new StackConfigError(`RECOPS_PERSONALIZE_KMS_KEY_ARNS: "${key}" is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)`);
    }
  }
  return {
    ...(email !== undefined && email !== '' ? { alarmEmail: email } : {}),
    personalizeKmsKeyArns: keys,
    archiveRetentionDays: wholeDays(env, 'RECOPS_ARCHIVE_RETENTION_DAYS', isProductionStage(stage) ? 365 : 30),
    runRetentionDays: wholeDays(env, 'RECOPS_RUN_RETENTION_DAYS', DEFAULT_FINISHED_RUN_RETENTION_DAYS),
  };
}

/** A whole number of days ≥ 1 from `env[variable]`, or `fallback` when unset or blank. */
function wholeDays(env: Readonly<Record<string, string | undefined>>, variable: string, fallback: number): number {
  const text = env[variable]?.trim();
  const days = text === undefined || text === '' ? fallback : Number(text);
  if (!Number.isInteger(days) || days < 1) throw new StackConfigError(`${variable}: "${text}" must be a whole number of days ≥ 1`);
  return days;
}
