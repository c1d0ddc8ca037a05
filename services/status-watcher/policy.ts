import type { ResourceKind } from '@recops/events';

/**
 * How often and how long the watcher checks one kind of resource. Delays grow geometrically from
 * `firstDelaySeconds` by `factor` up to `maxDelaySeconds` (SQS allows at most 900 s of message
 * delay). A resource still in progress after `deadlineSeconds` is reported as DEADLINE EXCEEDED.
 */
interface KindPolicy {
  readonly firstDelaySeconds: number;
  readonly factor: number;
  readonly maxDelaySeconds: number;
  readonly deadlineSeconds: number;
}

type WatchPolicy = Readonly<Record<ResourceKind, KindPolicy>>;

/** SQS's ceiling for DelaySeconds. */
const SQS_MAX_DELAY_SECONDS = 900;

const MINUTE = 60;
const HOUR = 60 * MINUTE;

/**
 * Defaults sized to how long Personalize takes: containers (groups, datasets, filters, solutions)
 * are ready in seconds to minutes; imports take minutes to hours; training takes hours.
 */
const DEFAULT_WATCH_POLICY: WatchPolicy = {
  datasetGroup: { firstDelaySeconds: 5, factor: 2, maxDelaySeconds: MINUTE, deadlineSeconds: HOUR },
  dataset: { firstDelaySeconds: 5, factor: 2, maxDelaySeconds: MINUTE, deadlineSeconds: HOUR },
  eventTracker: { firstDelaySeconds: 5, factor: 2, maxDelaySeconds: MINUTE, deadlineSeconds: HOUR },
  filter: { firstDelaySeconds: 5, factor: 2, maxDelaySeconds: MINUTE, deadlineSeconds: HOUR },
  solution: { firstDelaySeconds: 5, factor: 2, maxDelaySeconds: MINUTE, deadlineSeconds: HOUR },
  datasetImportJob: { firstDelaySeconds: 30, factor: 1.5, maxDelaySeconds: 5 * MINUTE, deadlineSeconds: 24 * HOUR },
  solutionVersion: { firstDelaySeconds: 2 * MINUTE, factor: 1.5, maxDelaySeconds: 15 * MINUTE, deadlineSeconds: 48 * HOUR },
  campaign: { firstDelaySeconds: MINUTE, factor: 1.5, maxDelaySeconds: 10 * MINUTE, deadlineSeconds: 6 * HOUR },
  recommender: { firstDelaySeconds: 2 * MINUTE, factor: 1.5, maxDelaySeconds: 15 * MINUTE, deadlineSeconds: 48 * HOUR },
  batchInferenceJob: { firstDelaySeconds: MINUTE, factor: 1.5, maxDelaySeconds: 15 * MINUTE, deadlineSeconds: 24 * HOUR },
  batchSegmentJob: { firstDelaySeconds: MINUTE, factor: 1.5, maxDelaySeconds: 15 * MINUTE, deadlineSeconds: 24 * HOUR },
};

/**
 * Environment variable capping every delay, in seconds (0–900), so a run that takes seconds on the
 * local cloud is not re-checked minutes later. Local callers set it (`recops local` defaults it to
 * 5 s, `recops demo`, the e2e tests and bench/pipeline to 1 s); the runner itself sets no default.
 */
const WATCH_MAX_DELAY_ENV = 'RECOPS_WATCH_MAX_DELAY_SECONDS';

/** The default policy, with every delay capped by `RECOPS_WATCH_MAX_DELAY_SECONDS` when it is set. */
function watchPolicyFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): WatchPolicy {
  const raw = env[WATCH_MAX_DELAY_ENV]?.trim();
  if (raw === undefined || raw === '') return DEFAULT_WATCH_POLICY;
  const cap = Number(raw);
  if (!Number.isFinite(cap) || cap < 0 || cap > SQS_MAX_DELAY_SECONDS) {
    throw new RangeError(`${WATCH_MAX_DELAY_ENV} must be a number of seconds from 0 to ${SQS_MAX_DELAY_SECONDS}, got "${raw}"`);
  }
  const capped = Object.fromEntries(
    Object.entries(DEFAULT_WATCH_POLICY).map(([kind, policy]) => [
      kind,
      {
        ...policy,
        firstDelaySeconds: Math.min(policy.firstDelaySeconds, cap),
        maxDelaySeconds: Math.min(policy.maxDelaySeconds, cap),
      },
    ]),
  );
  return capped as unknown as WatchPolicy;
}

/** Delay before check number `attempt + 1` (attempt 0 = the check made on receipt of Watch Requested). */
function delayForAttempt(policy: KindPolicy, attempt: number): number {
  const raw = policy.firstDelaySeconds * policy.factor ** Math.max(0, attempt);
  return Math.max(0, Math.min(Math.round(raw), policy.maxDelaySeconds, SQS_MAX_DELAY_SECONDS));
}

export { DEFAULT_WATCH_POLICY, SQS_MAX_DELAY_SECONDS, WATCH_MAX_DELAY_ENV, delayForAttempt, watchPolicyFromEnv };
export type { KindPolicy, WatchPolicy };
