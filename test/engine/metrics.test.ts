import { describe, expect, it } from 'vitest';
import { ndcgAtK, precisionAtK, reciprocalRankAtK, solutionMetrics } from '../../packages/engine/src/metrics';

describe('Function: ndcgAtK', () => {
  it('returns 0.6241 for hits at ranks 2 and 5 with K = 5 (the documented example)', () => {
    // Prepare: two relevant items, recommended at positions 2 and 5.
    const recommended = [10, 1, 11, 12, 2];
    // Act + Assess
    expect(ndcgAtK(recommended, new Set([1, 2]), 5)).toBeCloseTo(0.6241, 4);
  });

  it('returns 1 for an ideal ordering and 0 without hits', () => {
    expect(ndcgAtK([1, 2, 3], new Set([1, 2]), 5)).toBe(1);
    expect(ndcgAtK([7, 8, 9], new Set([1, 2]), 5)).toBe(0);
  });

  it('ignores hits beyond K', () => {
    expect(ndcgAtK([9, 9, 9, 9, 9, 1], new Set([1]), 5)).toBe(0);
  });
});

describe('Function: precisionAtK and reciprocalRankAtK', () => {
  it('returns relevant-in-top-K divided by K', () => {
    expect(precisionAtK([1, 5, 2, 6], new Set([1, 2]), 5)).toBeCloseTo(0.4);
  });

  it('returns 1/rank of the first relevant item, 0 when none is in the top K', () => {
    expect(reciprocalRankAtK([4, 5, 1], new Set([1]), 25)).toBeCloseTo(1 / 3);
    expect(reciprocalRankAtK([4, 5, 1], new Set([1]), 2)).toBe(0);
  });
});

describe('Function: solutionMetrics', () => {
  it('returns every GetSolutionMetrics key, averaged over users, with coverage over the catalog', () => {
    const metrics = solutionMetrics(
      [
        { recommended: [1, 2, 3], relevant: new Set([1]) },
        { recommended: [4, 5, 6], relevant: new Set([9]) },
      ],
      12,
    );
    expect(Object.keys(metrics).sort()).toEqual([
      'coverage',
      'mean_reciprocal_rank_at_25',
      'normalized_discounted_cumulative_gain_at_10',
      'normalized_discounted_cumulative_gain_at_25',
      'normalized_discounted_cumulative_gain_at_5',
      'precision_at_10',
      'precision_at_25',
      'precision_at_5',
    ]);
    expect(metrics.coverage).toBe(0.5);
    expect(metrics.mean_reciprocal_rank_at_25).toBe(0.5);
    expect(metrics.normalized_discounted_cumulative_gain_at_5).toBe(0.5);
    expect(metrics.precision_at_5).toBe(0.1);
  });
});
