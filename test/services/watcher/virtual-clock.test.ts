/**
 * The watcher's real checkWatch on a virtual clock (bench/watcher/simulator.ts): Personalize,
 * SQS and EventBridge answered in memory, time moving only between deliveries.
 */
import { describe, expect, it } from 'vitest';
import { simulate, type SimJob } from '../../../bench/watcher/simulator';

const HOUR = 3600;

describe('Status watcher on a virtual clock', () => {
  it('makes no Personalize call while nothing is in flight, and none once every watch has ended', async () => {
    // Two jobs a day apart: the watcher is idle between them and after them.
    const jobs: SimJob[] = [
      { kind: 'solutionVersion', parent: 'a', startSeconds: 0, durationSeconds: 1200 },
      { kind: 'solutionVersion', parent: 'a', startSeconds: 24 * HOUR, durationSeconds: 1500 },
    ];

    const result = await simulate(jobs);

    expect(result.outcomes.map((o) => o.status)).toEqual(['ACTIVE', 'ACTIVE']);
    expect(result.idleCalls).toBe(0);
    const lastNoticed = 24 * HOUR + 1500 + (result.outcomes[1]?.delaySeconds ?? 0);
    expect(Math.max(...result.callTimes.map((c) => c.atSeconds))).toBeLessThanOrEqual(lastNoticed);
    expect(result.callTimes.filter((c) => c.atSeconds > 1200 + 600 && c.atSeconds < 24 * HOUR)).toEqual([]);
  });

  it('spends its checks around the end predicted from earlier versions of the solution', async () => {
    // Earlier versions trained 38–42 min; this one takes 40 min.
    const job: SimJob = {
      kind: 'solutionVersion',
      parent: 's',
      startSeconds: 0,
      durationSeconds: 2400,
      previousDurationsSeconds: [2280, 2520, 2400],
    };

    const result = await simulate([job]);

    const times = result.callTimes.map((c) => c.atSeconds);
    const near = times.filter((t) => t >= 0.8 * 2400 && t <= 1.2 * 2400);
    expect(times.filter((t) => t > 60 && t < 0.7 * 2400)).toEqual([]); // nothing in the first half-hour but the first check
    expect(near.length).toBeGreaterThanOrEqual(times.length - 1);
    expect(result.outcomes[0]?.delaySeconds).toBeLessThan(30);
    expect(result.totalCalls).toBeLessThanOrEqual(15);
  });

  it('still finds a job far longer than predicted, backing off instead of checking densely', async () => {
    // History says 10 minutes; this import takes 6 hours.
    const job: SimJob = {
      kind: 'datasetImportJob',
      parent: 'd',
      startSeconds: 0,
      durationSeconds: 6 * HOUR,
      previousDurationsSeconds: [600, 620],
    };

    const result = await simulate([job]);

    expect(result.outcomes[0]?.status).toBe('ACTIVE');
    // Backoff ×1.5 from the window's end: noticed within half the overrun, with few checks after
    // the first 20 minutes (the overrun's log, not its length), longer waits relayed through SQS.
    expect(result.outcomes[0]?.delaySeconds).toBeLessThan(0.5 * 6 * HOUR);
    const afterWindow = result.callTimes.filter((c) => c.atSeconds > 1200);
    expect(afterWindow.length).toBeLessThanOrEqual(12);
    const gaps = afterWindow.slice(1).map((c, i) => c.atSeconds - (afterWindow[i]?.atSeconds ?? 0));
    gaps.slice(1).forEach((gap, i) => expect(gap).toBeGreaterThan(gaps[i] ?? 0));
    expect(result.relays).toBeGreaterThan(0);
  });

  it('reports DEADLINE EXCEEDED at the deadline for a job that never ends within it', async () => {
    const job: SimJob = {
      kind: 'solutionVersion',
      parent: 's',
      startSeconds: 0,
      durationSeconds: 10 * HOUR,
      previousDurationsSeconds: [1200, 1300],
    };

    const result = await simulate([job], { deadlineSeconds: 2 * HOUR });

    expect(result.outcomes[0]?.status).toBe('DEADLINE EXCEEDED');
    const lastCall = Math.max(...result.callTimes.map((c) => c.atSeconds));
    expect(lastCall).toBeGreaterThanOrEqual(2 * HOUR);
    expect(lastCall).toBeLessThanOrEqual(2 * HOUR + 5);
  });

  it('answers the in-flight jobs of one parent due in the same tick with one List call', async () => {
    // Four batch jobs of one solution version, started within a minute.
    const together: SimJob[] = [0, 20, 35, 55].map((start, i) => ({
      kind: 'batchInferenceJob',
      parent: 'shared',
      startSeconds: start,
      durationSeconds: 1500 + 300 * i,
    }));
    const alone: SimJob[] = together.map((job, i) => ({ ...job, parent: `alone-${i}` }));

    const shared = await simulate(together);
    const separate = await simulate(alone);

    const lists = shared.callTimes.filter((c) => c.target.endsWith('/v0000001'));
    const ticks = lists.map((c) => `${c.target} ${Math.floor(c.atSeconds / 5)}`);
    expect(new Set(ticks).size).toBe(ticks.length); // never two Lists of one parent in one tick
    expect(shared.totalCalls).toBeLessThan(0.8 * separate.totalCalls);
    expect(shared.outcomes.every((o) => o.status === 'ACTIVE')).toBe(true);
  });
});
