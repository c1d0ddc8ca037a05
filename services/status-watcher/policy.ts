import type { ResourceKind } from '@recops/events';
import { SQS_MAX_DELAY_SECONDS, type CheckBudget, type UniformBelief } from './prediction';

/**
 * What the watcher knows of one kind before any history: the range its jobs usually take (the
 * prior the checks are spread over) and how long to wait before reporting DEADLINE EXCEEDED.
 */
interface KindPolicy {
  readonly prior: UniformBelief;
  readonly deadlineSeconds: number;
}

interface WatchPolicy {
  readonly kinds: Readonly<Record<ResourceKind, KindPolicy>>;
  readonly budget: CheckBudget;
  /**
   * Longest wait between two checks of one job, in seconds. Above 900 s (SQS's ceiling) the wait
   * is relayed through several messages that make no Personalize call.
   */
  readonly maxDelaySeconds: number;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;

function uniform(lowSeconds: number, highSeconds: number): UniformBelief {
  return { shape: 'uniform', lowSeconds, highSeconds };
}

/**
 * Priors sized to how long Personalize takes: containers (groups, datasets, filters, solutions)
 * are ready within seconds to two minutes; imports, training and batch jobs within 5–60 minutes
 * for the data sizes recops targets; campaigns and recommenders in minutes. A job past its prior's
 * range is not lost: the schedule backs off from there until the deadline.
 */
const DEFAULT_WATCH_POLICY: WatchPolicy = {
  kinds: {
    datasetGroup: { prior: uniform(5, 2 * MINUTE), deadlineSeconds: HOUR },
    dataset: { prior: uniform(5, 2 * MINUTE), deadlineSeconds: HOUR },
    eventTracker: { prior: uniform(5, 2 * MINUTE), deadlineSeconds: HOUR },
    filter: { prior: uniform(5, 2 * MINUTE), deadlineSeconds: HOUR },
    solution: { prior: uniform(5, 2 * MINUTE), deadlineSeconds: HOUR },
    datasetImportJob: { prior: uniform(5 * MINUTE, HOUR), deadlineSeconds: 24 * HOUR },
    solutionVersion: { prior: uniform(5 * MINUTE, HOUR), deadlineSeconds: 48 * HOUR },
    campaign: { prior: uniform(3 * MINUTE, 30 * MINUTE), deadlineSeconds: 6 * HOUR },
    recommender: { prior: uniform(10 * MINUTE, 2 * HOUR), deadlineSeconds: 48 * HOUR },
    batchInferenceJob: { prior: uniform(5 * MINUTE, HOUR), deadlineSeconds: 24 * HOUR },
    batchSegmentJob: { prior: uniform(5 * MINUTE, HOUR), deadlineSeconds: 24 * HOUR },
  },
  // Measured by bench/watcher: ~22 checks give a ~35 s mean delay on a 5–60 min prior; with two
  // to four earlier durations ~14 give ~14 s.
  budget: { priorChecks: 21, historyChecks: 15, minIntervalSeconds: 5 },
  maxDelaySeconds: 4 * HOUR,
};

/**
 * Environment variable capping every wait, in seconds (0.05–900), for a local cloud whose jobs
 * take seconds. Below one second the wait happens inside the invocation (SQS delays are whole
 * seconds). Local callers set it (`recops local` 5 s, `recops demo` 0.25 s, the e2e tests and
 * bench/pipeline 1 s); the runner itself sets no default.
 */
const WATCH_MAX_DELAY_ENV = 'RECOPS_WATCH_MAX_DELAY_SECONDS';
const MIN_CAP_SECONDS = 0.05;

/** The default policy, with every wait capped by `RECOPS_WATCH_MAX_DELAY_SECONDS` when it is set. */
function watchPolicyFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): WatchPolicy {
  const raw = env[WATCH_MAX_DELAY_ENV]?.trim();
  if (raw === undefined || raw === '') return DEFAULT_WATCH_POLICY;
  const cap = Number(raw);
  if (!Number.isFinite(cap) || cap < MIN_CAP_SECONDS || cap > SQS_MAX_DELAY_SECONDS) {
    throw new RangeError(
      `${WATCH_MAX_DELAY_ENV} must be a number of seconds from ${MIN_CAP_SECONDS} to ${SQS_MAX_DELAY_SECONDS}, got "${raw}"`,
    );
  }
  return {
    ...DEFAULT_WATCH_POLICY,
    budget: { ...DEFAULT_WATCH_POLICY.budget, minIntervalSeconds: Math.min(DEFAULT_WATCH_POLICY.budget.minIntervalSeconds, cap) },
    maxDelaySeconds: cap,
  };
}

export { DEFAULT_WATCH_POLICY, watchPolicyFromEnv };
export type { WatchPolicy };
