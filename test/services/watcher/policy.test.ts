import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RESOURCE_KINDS } from '@recops/events';
import { DEFAULT_WATCH_POLICY, delayForAttempt } from '../../../services/status-watcher/policy';

describe('Function: delayForAttempt', () => {
  it('never shrinks from one check to the next and stays within the SQS limit of 900 s', () => {
    fc.assert(
      fc.property(fc.constantFrom(...RESOURCE_KINDS), fc.nat({ max: 1000 }), (kind, attempt) => {
        const policy = DEFAULT_WATCH_POLICY[kind];
        const now = delayForAttempt(policy, attempt);
        const next = delayForAttempt(policy, attempt + 1);
        expect(next).toBeGreaterThanOrEqual(now);
        expect(next).toBeLessThanOrEqual(Math.min(900, policy.maxDelaySeconds));
      }),
    );
  });

  it('gives training the longest deadline: hours, not minutes', () => {
    expect(DEFAULT_WATCH_POLICY.solutionVersion.deadlineSeconds).toBe(48 * 3600);
    expect(DEFAULT_WATCH_POLICY.datasetGroup.deadlineSeconds).toBe(3600);
  });
});
