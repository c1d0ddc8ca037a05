import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimKey, claimOnce } from '@recops/core/runtime';
import { startTestCloud, type TestCloud } from '../e2e/support/local';

describe('Function: claimOnce', () => {
  let test: TestCloud;
  beforeAll(async () => {
    test = await startTestCloud();
  });
  afterAll(async () => test.close());

  it('lets exactly one of many concurrent owners claim, and the winner claim again', async () => {
    const key = claimKey('dsg', 'run-1', 'solution-version/sims');
    const owners = Array.from({ length: 8 }, (_, i) => `message-${i}`);
    const claims = await Promise.all(owners.map((owner) => claimOnce(test.clients.s3, test.bucket, key, owner)));
    const winners = claims.filter((c) => c.claimed);
    expect(winners).toHaveLength(1);
    const winner = winners[0]!.owner;
    expect(new Set(claims.map((c) => c.owner))).toEqual(new Set([winner]));
    expect(await claimOnce(test.clients.s3, test.bucket, key, winner)).toEqual({ claimed: true, owner: winner });
    expect((await claimOnce(test.clients.s3, test.bucket, key, 'late')).claimed).toBe(false);
  });
});
