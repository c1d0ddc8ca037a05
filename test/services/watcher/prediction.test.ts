import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RESOURCE_KINDS } from '@recops/events';
import { DEFAULT_WATCH_POLICY } from '../../../services/status-watcher/policy';
import {
  SQS_MAX_DELAY_SECONDS,
  nextCheckDelay,
  predictDuration,
  windowOf,
  type DurationBelief,
  type PastJob,
} from '../../../services/status-watcher/prediction';

const { budget } = DEFAULT_WATCH_POLICY;
const priors = Object.fromEntries(RESOURCE_KINDS.map((kind) => [kind, DEFAULT_WATCH_POLICY.kinds[kind].prior])) as Parameters<
  typeof predictDuration
>[3];

function past(durationSeconds: number, daysAgo: number, mode?: string): PastJob {
  return { durationSeconds, createdAtMs: Date.parse('2026-11-25T00:00:00Z') - daysAgo * 86_400_000, ...(mode !== undefined && { mode }) };
}

describe('Function: predictDuration', () => {
  it("uses the kind's prior when Personalize lists no earlier job", () => {
    expect(predictDuration('solutionVersion', [], undefined, priors)).toEqual({ shape: 'uniform', lowSeconds: 300, highSeconds: 3600 });
  });

  it('centres on the earlier durations, counting only jobs in the same training mode', () => {
    const history = [past(2400, 1, 'FULL'), past(2600, 2, 'FULL'), past(200, 3, 'UPDATE')];

    const full = predictDuration('solutionVersion', history, 'FULL', priors);
    const update = predictDuration('solutionVersion', history, 'UPDATE', priors);

    expect(full).toMatchObject({ shape: 'normal', meanSeconds: 2500, samples: 2 });
    expect(update).toMatchObject({ shape: 'normal', meanSeconds: 200, samples: 1 });
  });

  it('keeps the five most recent earlier jobs: an old slow run does not drag the prediction', () => {
    const history = [past(9000, 30), ...[1, 2, 3, 4, 5].map((d) => past(1000, d))];
    expect(predictDuration('datasetImportJob', history, undefined, priors)).toMatchObject({ meanSeconds: 1000, samples: 5 });
  });

  it('widens the window when earlier durations disagree', () => {
    const steady = predictDuration('solutionVersion', [past(2000, 1), past(2010, 2), past(1990, 3)], undefined, priors);
    const erratic = predictDuration('solutionVersion', [past(1500, 1), past(2500, 2), past(2000, 3)], undefined, priors);
    const width = (b: DurationBelief) => windowOf(b).end - windowOf(b).start;
    expect(width(erratic)).toBeGreaterThan(1.5 * width(steady));
  });
});

describe('Function: nextCheckDelay', () => {
  const belief: DurationBelief = { shape: 'normal', meanSeconds: 2400, sdSeconds: 200, samples: 3 };

  it('waits past the start of the window, then checks most densely near the expected end', () => {
    const first = nextCheckDelay(belief, budget, 0, Infinity);
    const atMean = nextCheckDelay(belief, budget, 2400, Infinity);
    const early = nextCheckDelay(belief, budget, 2400 - 2.5 * 200, Infinity);

    expect(first).toBeGreaterThan(windowOf(belief).start);
    expect(atMean).toBeLessThan(early);
    expect(atMean).toBeLessThan(60);
  });

  it('backs off ×1.5 once the job outlives its window', () => {
    const end = windowOf(belief).end;
    const delays = [0, 100, 1000].map((over) => nextCheckDelay(belief, budget, end + over, Infinity));
    expect(delays[0]).toBe(budget.minIntervalSeconds);
    expect(delays[1]).toBe(budget.minIntervalSeconds + 50);
    expect(delays[2]).toBe(budget.minIntervalSeconds + 500);
  });

  it('stays between the minimum interval and the cap, for any belief and time', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RESOURCE_KINDS),
        fc.double({ min: 0, max: 200_000, noNaN: true }),
        fc.double({ min: 1, max: SQS_MAX_DELAY_SECONDS, noNaN: true }),
        (kind, elapsed, cap) => {
          const delay = nextCheckDelay(DEFAULT_WATCH_POLICY.kinds[kind].prior, budget, elapsed, cap);
          expect(delay).toBeGreaterThanOrEqual(Math.min(budget.minIntervalSeconds, cap));
          expect(delay).toBeLessThanOrEqual(cap);
        },
      ),
    );
  });
});

describe('Value: DEFAULT_WATCH_POLICY', () => {
  it('gives training the longest deadline: hours, not minutes', () => {
    expect(DEFAULT_WATCH_POLICY.kinds.solutionVersion.deadlineSeconds).toBe(48 * 3600);
    expect(DEFAULT_WATCH_POLICY.kinds.datasetGroup.deadlineSeconds).toBe(3600);
  });
});
