import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimForAttempt, claimKey, claimOnce, releaseAttempt } from '@recops/core/runtime';
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

describe('Function: releaseAttempt', () => {
  let test: TestCloud;
  beforeAll(async () => {
    test = await startTestCloud();
  });
  afterAll(async () => test.close());

  const attempt = (owner: string) => ({ owner, until: new Date(Date.now() + 15 * 60 * 1000) });

  it("lets the next attempt take a failed attempt's claim at once, instead of after its deadline", async () => {
    const key = claimKey('dsg', 'run-2', 'solution-version/sims');
    const first = attempt('message-1#1#aaaa');
    const retry = attempt('message-1#2#bbbb');
    expect((await claimForAttempt(test.clients.s3, test.bucket, key, first)).claimed).toBe(true);
    expect(await claimForAttempt(test.clients.s3, test.bucket, key, retry)).toEqual({ claimed: false, owner: first.owner });

    await releaseAttempt(test.clients.s3, test.bucket, key, first);

    expect(await claimForAttempt(test.clients.s3, test.bucket, key, retry)).toEqual({ claimed: true, owner: retry.owner });
  });

  it('leaves a claim another attempt holds as it is', async () => {
    const key = claimKey('dsg', 'run-3', 'solution-version/sims');
    const holder = attempt('message-2#1#cccc');
    const other = attempt('message-2#1#dddd');
    await claimForAttempt(test.clients.s3, test.bucket, key, holder);

    await releaseAttempt(test.clients.s3, test.bucket, key, other);

    expect(await claimForAttempt(test.clients.s3, test.bucket, key, other)).toEqual({ claimed: false, owner: holder.owner });
  });
});
