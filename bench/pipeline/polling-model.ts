/**
 * Status checks and detection delay of per-step polling versus the status watcher's policy, for the
 * resources one run of the seed example (`mpe-sample-full.json`) waits on, at typical Personalize
 * durations. A model, not a measurement: `run.ts` measures the local pipeline.
 *
 * A strategy is a sequence of waits between checks; every strategy checks once right after the
 * Create call. A step of duration D costs 1 + n checks where n is the first count whose cumulative
 * wait reaches D, and is noticed (cumulative wait − D) late.
 */
import type { ResourceKind } from '@recops/events';
import { DEFAULT_WATCH_POLICY } from '../../services/status-watcher/policy';
import { nextCheckDelay } from '../../services/status-watcher/prediction';

export interface Strategy {
  readonly name: string;
  /** Wait in seconds before check number `attempt + 1`, `elapsed` seconds after the Create. */
  wait(kind: ResourceKind, attempt: number, elapsed: number): number;
}

export const STRATEGIES: readonly Strategy[] = [
  { name: 'poll 60 s × 1.02', wait: (_kind, attempt) => 60 * 1.02 ** attempt },
  { name: 'poll fixed 120 s', wait: () => 120 },
  { name: 'poll fixed 300 s', wait: () => 300 },
  {
    name: 'recops watcher (default policy, first run: priors, no history)',
    wait: (kind, _attempt, elapsed) =>
      nextCheckDelay(DEFAULT_WATCH_POLICY.kinds[kind].prior, DEFAULT_WATCH_POLICY.budget, elapsed, DEFAULT_WATCH_POLICY.maxDelaySeconds),
  },
];

/** Resources a run of the seed example waits on, with typical durations in seconds. */
export const SEED_RUN_STEPS: readonly { readonly kind: ResourceKind; readonly count: number; readonly seconds: number }[] = [
  { kind: 'datasetGroup', count: 1, seconds: 60 },
  { kind: 'dataset', count: 2, seconds: 20 },
  { kind: 'eventTracker', count: 1, seconds: 60 },
  { kind: 'datasetImportJob', count: 2, seconds: 15 * 60 },
  { kind: 'filter', count: 2, seconds: 60 },
  { kind: 'solution', count: 3, seconds: 30 },
  { kind: 'solutionVersion', count: 3, seconds: 90 * 60 },
];

export function checksFor(strategy: Strategy, kind: ResourceKind, seconds: number): { checks: number; lateSeconds: number } {
  let waited = 0;
  let checks = 1;
  while (waited < seconds) {
    waited += Math.max(1, strategy.wait(kind, checks - 1, waited));
    checks++;
  }
  return { checks, lateSeconds: waited - seconds };
}

export interface StrategyCost {
  readonly strategy: string;
  readonly checks: number;
  /** Mean delay between a resource becoming ACTIVE and the check that notices it. */
  readonly meanLateSeconds: number;
}

export function runCost(strategy: Strategy, steps = SEED_RUN_STEPS): StrategyCost {
  let checks = 0;
  let late = 0;
  let resources = 0;
  for (const step of steps) {
    const one = checksFor(strategy, step.kind, step.seconds);
    checks += one.checks * step.count;
    late += one.lateSeconds * step.count;
    resources += step.count;
  }
  return { strategy: strategy.name, checks, meanLateSeconds: late / resources };
}
