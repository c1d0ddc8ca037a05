/**
 * Issue 14: the chaos suite, small. One uploaded run and one poison run on a local cloud in its
 * own process, with 10 % Personalize throttling, handler crashes (throws, and a process exit after a
 * receive and before the delete), 20 % duplicate deliveries and reordering; a kill -9 right after an
 * acknowledged upload. The poison run's message reaches its DLQ; with the fault removed, a redrive
 * completes it. `npm run chaos -- --runs N` runs the same harness at any size.
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from './harness';
import { formatChaosReport } from './report';

describe('Chaos: pipeline runs under faults, a kill -9 and a poison message', () => {
  it('ends every run once, loses none, duplicates nothing in Personalize, and a redrive completes the poison run', async () => {
    const report = await runChaos({
      runs: 2,
      groups: 1,
      poisonRuns: 1,
      seed: 20261204,
      // Short queues so the poison reaches its DLQ (and crashed batches come back) within seconds.
      visibilitySeconds: 6,
      maxReceives: 3,
      reorderMaxDelayMs: 1_000,
      // With 3 receives, 4.5 % throws would dead-letter an innocent message about once in 70 runs of this test.
      handlerThrowRate: 0.02,
      // One process exit after a receive, early; the kill -9 after the upload is the other restart.
      firstLifeExitRate: 0.2,
      handlerExitRate: 0,
    });
    const figures = formatChaosReport(report);

    expect(report.kills.afterUpload, figures).toBe(1);
    expect(report.kills.afterReceive, figures).toBeGreaterThanOrEqual(1);
    expect(report.faults['personalize-throttled'] ?? 0, figures).toBeGreaterThan(0);
    expect(report.faults['duplicate-delivery'] ?? 0, figures).toBeGreaterThan(0);
    expect(report.lost, figures).toBe(0);
    expect(report.stuck, figures).toBe(0);
    expect(report.completed + report.failedWithReason, figures).toBe(report.runs);
    expect(report.duplicates, figures).toEqual([]);
    expect(report.duplicateOutcomes, figures).toEqual([]);
    expect(report.otherDeadLetters, figures).toEqual([]);
    expect(report.poisonDeadLettered, figures).toBe(1);
    // The DLQ copy carries the reason, and the dead letter failed its run with it before the redrive.
    expect(report.poisonWithReason, figures).toBe(1);
    expect(report.poisonFailedWithReason, figures).toBe(1);
    expect(report.redriven, figures).toBe(1);
  }, 300_000);
});
