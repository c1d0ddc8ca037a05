import type { ResourceKind } from '@recops/events';

/**
 * When a job will end, as a belief over its duration, and where the watcher spends its checks.
 *
 * A belief is either a prior per kind (uniform over the range such jobs usually take) or, when
 * Personalize lists earlier jobs of the same parent, a normal curve around their durations. Checks
 * are spaced by sqrt(2λ·S(t)/f(t)) — S the chance the job is still running at t, f the density of
 * it ending at t — which minimises the expected delay for a given expected number of checks:
 * sparse while an end is unlikely, dense where it is likely. λ is solved from the kind's check
 * budget. Past the belief's upper end the job is running longer than anything expected, and the
 * schedule falls back to backoff (from the shortest interval, ×1.5 per check).
 */

/** Uniform over [low, high] seconds: what is known of a kind without history. */
interface UniformBelief {
  readonly shape: 'uniform';
  readonly lowSeconds: number;
  readonly highSeconds: number;
}

/** Normal around earlier durations; `samples` is how many earlier jobs it rests on. */
interface NormalBelief {
  readonly shape: 'normal';
  readonly meanSeconds: number;
  readonly sdSeconds: number;
  readonly samples: number;
}

type DurationBelief = UniformBelief | NormalBelief;

/** How one kind's checks are spent. */
interface CheckBudget {
  /** Expected checks inside the belief's window without history. */
  readonly priorChecks: number;
  /** Expected checks inside the window when earlier durations are known. */
  readonly historyChecks: number;
  /** Never check more often than this (seconds); also the tick checks are aligned to. */
  readonly minIntervalSeconds: number;
}

/** SQS's ceiling for DelaySeconds: a longer wait is relayed through several messages. */
const SQS_MAX_DELAY_SECONDS = 900;

/** Beyond the belief's end, each delay grows by this share of the overrun: ×1.5 per check. */
const OVERRUN_DELAY_SHARE = 0.5;

/** A normal belief's window: mean ± this many standard deviations. */
const NORMAL_WINDOW_SDS = 3;

/** Relative spread assumed when history cannot measure its own (fewer than two durations). */
const SINGLE_SAMPLE_SPREAD = 0.15;
/** Relative spread added to what history shows: Personalize's durations vary even between identical jobs. */
const SPREAD_FLOOR = 0.05;

/** Earlier durations used: the most recent ones, since data and settings drift. */
const MAX_HISTORY = 5;

function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Upper tail of the standard normal (Abramowitz–Stegun 7.1.26 via erfc), error < 1.5e-7. */
function normalTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** [start, end] of the window where the belief expects the job to end. */
function windowOf(belief: DurationBelief): { readonly start: number; readonly end: number } {
  if (belief.shape === 'uniform') return { start: belief.lowSeconds, end: belief.highSeconds };
  const half = NORMAL_WINDOW_SDS * belief.sdSeconds;
  return { start: Math.max(0, belief.meanSeconds - half), end: belief.meanSeconds + half };
}

/** Density f(t) and survival S(t) of the belief at t seconds. */
function densityAndSurvival(belief: DurationBelief, t: number): { readonly density: number; readonly survival: number } {
  if (belief.shape === 'uniform') {
    const width = belief.highSeconds - belief.lowSeconds;
    if (t < belief.lowSeconds) return { density: 0, survival: 1 };
    if (t >= belief.highSeconds) return { density: 0, survival: 0 };
    return { density: 1 / width, survival: (belief.highSeconds - t) / width };
  }
  const z = (t - belief.meanSeconds) / belief.sdSeconds;
  return { density: normalPdf(z) / belief.sdSeconds, survival: normalTail(z) };
}

/** ∫ sqrt(S·f) over the window: the expected checks are this over sqrt(2λ). */
function checkMass(belief: DurationBelief): number {
  const { start, end } = windowOf(belief);
  if (belief.shape === 'uniform') return (2 / 3) * Math.sqrt(end - start);
  const steps = 240;
  const h = (end - start) / steps;
  let sum = 0;
  for (let i = 0; i < steps; i += 1) {
    const { density, survival } = densityAndSurvival(belief, start + (i + 0.5) * h);
    sum += Math.sqrt(density * survival);
  }
  return sum * h;
}

/** λ (seconds of delay one check is worth) that spends `checks` inside the window on average. */
function lambdaFor(belief: DurationBelief, checks: number): number {
  const perCheck = checkMass(belief) / Math.max(1, checks);
  return (perCheck * perCheck) / 2;
}

/**
 * Seconds from `elapsedSeconds` (time since the job started) to its next check. Before the window:
 * wait for the window's start. Inside it: sqrt(2λ·S/f), at least `minIntervalSeconds`. Past it:
 * backoff. Never more than `maxDelaySeconds` (which may exceed 900 s: the caller relays).
 */
function nextCheckDelay(belief: DurationBelief, budget: CheckBudget, elapsedSeconds: number, maxDelaySeconds: number): number {
  const { start, end } = windowOf(belief);
  const t = Math.max(0, elapsedSeconds);
  const floor = budget.minIntervalSeconds;
  const checks = belief.shape === 'uniform' ? budget.priorChecks : budget.historyChecks;
  const lambda = lambdaFor(belief, checks);
  const optimalAt = (at: number): number => {
    const { density, survival } = densityAndSurvival(belief, at);
    return density > 0 ? Math.sqrt((2 * lambda * survival) / density) : end - at;
  };
  const middle = expectedSeconds(belief);
  const spacingAt = (at: number): number => {
    // Past a normal belief's mean the optimum packs checks ever closer (a job still running there
    // is ever likelier to end next); holding the spacing found at the mean keeps a job that
    // overruns its window from costing dozens of checks there. A uniform prior ends abruptly and
    // needs no such guard.
    const spacing = belief.shape === 'normal' && at > middle ? Math.max(optimalAt(at), optimalAt(middle)) : optimalAt(at);
    // A check scheduled past the window's end would skip its last stretch.
    return Math.min(Math.max(spacing, floor), Math.max(floor, end - at));
  };
  let delay: number;
  if (t < start) {
    // A check right at the window's start would almost never find the job done: the first one
    // goes where the spacing from the start lands.
    delay = start - t + spacingAt(start);
  } else if (t < end) {
    delay = spacingAt(t);
  } else {
    delay = floor + OVERRUN_DELAY_SHARE * (t - end);
  }
  return Math.min(Math.max(delay, floor), maxDelaySeconds);
}

/** One earlier job: how long it ran and, when Personalize says, in which mode. */
interface PastJob {
  readonly durationSeconds: number;
  /** Training mode (FULL/UPDATE), import mode (FULL/INCREMENTAL), batch mode; undefined when unknown. */
  readonly mode?: string;
  /** When it was created (ms), to keep the most recent. */
  readonly createdAtMs: number;
}

/**
 * Belief about a job of `kind` from earlier jobs of the same parent. Only jobs in the same mode
 * count when the mode is known (a FULL retrain and an UPDATE differ by an order of magnitude);
 * the most recent {@link MAX_HISTORY} are used. Without any, the kind's prior.
 */
function predictDuration(
  kind: ResourceKind,
  history: readonly PastJob[],
  mode: string | undefined,
  priors: Readonly<Record<ResourceKind, UniformBelief>>,
): DurationBelief {
  const sameMode = history.filter((job) => job.durationSeconds > 0 && (mode === undefined || job.mode === undefined || job.mode === mode));
  const recent = [...sameMode].sort((a, b) => b.createdAtMs - a.createdAtMs).slice(0, MAX_HISTORY);
  if (recent.length === 0) return priors[kind];
  const durations = recent.map((job) => job.durationSeconds);
  const mean = durations.reduce((sum, d) => sum + d, 0) / durations.length;
  let spread = SINGLE_SAMPLE_SPREAD;
  if (durations.length >= 2) {
    const variance = durations.reduce((sum, d) => sum + (d - mean) ** 2, 0) / (durations.length - 1);
    // The mean of n misses by the sample spread over √n; the floor covers what n jobs cannot show.
    const relative = Math.sqrt(variance) / mean;
    spread = Math.hypot(relative / Math.sqrt(durations.length), SPREAD_FLOOR);
  }
  return { shape: 'normal', meanSeconds: mean, sdSeconds: mean * spread, samples: durations.length };
}

/** Where the belief expects the end (seconds since start): for logs and tests. */
function expectedSeconds(belief: DurationBelief): number {
  return belief.shape === 'uniform' ? (belief.lowSeconds + belief.highSeconds) / 2 : belief.meanSeconds;
}

export { SQS_MAX_DELAY_SECONDS, expectedSeconds, nextCheckDelay, predictDuration, windowOf };
export type { CheckBudget, DurationBelief, PastJob, UniformBelief };
