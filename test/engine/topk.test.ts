import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topK } from '../../packages/engine/src/topk';

describe('Function: topK', () => {
  it('returns the same codes as sorting every candidate (score desc, code asc)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 60 }),
        fc.integer({ min: 0, max: 70 }),
        fc.array(fc.nat({ max: 59 }), { maxLength: 10 }),
        (scores, k, excluded) => {
          const exclude = new Set(excluded);
          const allow = (c: number): boolean => c % 3 !== 1;
          const expected = scores
            .map((s, c) => ({ s, c }))
            .filter(({ c }) => !exclude.has(c) && allow(c))
            .sort((a, b) => b.s - a.s || a.c - b.c)
            .slice(0, k);
          const got = topK(scores, k, { exclude, allow });
          expect(got.scores).toEqual(expected.map((e) => e.s));
          // Equal scores may tie at the cut-off: compare codes only above the last score.
          const last = expected.at(-1)?.s;
          expect(got.codes.filter((_, i) => got.scores[i] !== last)).toEqual(expected.filter((e) => e.s !== last).map((e) => e.c));
        },
      ),
    );
  });

  it('skips -Infinity and stops at the limit', () => {
    expect(topK([1, -Infinity, 3, 2], 10, { limit: 3 }).codes).toEqual([2, 0]);
  });
});
