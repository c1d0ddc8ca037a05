import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineInputError } from '@recops/engine';
import { datasetArn, DG, engineWithData, train } from './helpers/setup';
import type { EngineFixture } from './helpers/setup';

const GENRE_FILTER = {
  filterArn: 'arn:aws:personalize:us-east-1:000000000000:filter/genre',
  filterExpression: 'INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)',
};
const NOT_CLICKED = {
  filterArn: 'arn:aws:personalize:us-east-1:000000000000:filter/unseen',
  filterExpression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
};

describe('Runtime: recommendations, filters and live updates', () => {
  let fx: EngineFixture;
  let up: string;
  beforeAll(async () => {
    fx = await engineWithData();
    up = (await train(fx.engine, 'aws-user-personalization')).arn;
  });
  afterAll(async () => fx.cleanup());

  it('returns numResults items with descending scores', async () => {
    const recs = await fx.engine.getRecommendations({
      solutionVersionArn: up,
      userId: 'u1',
      numResults: 25,
      context: { DEVICE: 'mobile' },
    });
    expect(recs).toHaveLength(25);
    expect(new Set(recs.map((r) => r.itemId)).size).toBe(25);
    const scores = recs.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('returns popular items for an unknown user (cold start)', async () => {
    const pop = await train(fx.engine, 'aws-popularity-count');
    const cold = await fx.engine.getRecommendations({ solutionVersionArn: up, userId: 'brand-new-user', numResults: 10 });
    const popular = await fx.engine.getRecommendations({ solutionVersionArn: pop.arn, userId: 'brand-new-user', numResults: 10 });
    expect(cold.map((r) => r.itemId)).toEqual(popular.map((r) => r.itemId));
  });

  it('returns cold-start scores in [0, 1], descending with popularity, on the scale of personalized ones', async () => {
    const cold = await fx.engine.getRecommendations({ solutionVersionArn: up, userId: 'brand-new-user', numResults: 20 });
    const counts = new Map<string, number>();
    for (const line of fx.data.interactionsCsv.split('\n').slice(1)) {
      const item = line.split(',')[1];
      if (item !== undefined) counts.set(item, (counts.get(item) ?? 0) + 1);
    }
    const top = Math.max(...counts.values());
    expect(cold[0]!.score).toBe(1);
    for (const r of cold) {
      expect(r.score).toBeGreaterThan(0);
      expect(r.score).toBeLessThanOrEqual(1);
      expect(r.score).toBeCloseTo(counts.get(r.itemId)! / top, 5);
    }
    const scores = cold.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const known = await fx.engine.getRecommendations({ solutionVersionArn: up, userId: 'u1', numResults: 1 });
    expect(Math.abs(known[0]!.score - cold[0]!.score)).toBeLessThan(1);
  });

  it('rejects numResults above 500 and a missing userId', async () => {
    await expect(fx.engine.getRecommendations({ solutionVersionArn: up, userId: 'u1', numResults: 501 })).rejects.toBeInstanceOf(
      EngineInputError,
    );
    await expect(fx.engine.getRecommendations({ solutionVersionArn: up, numResults: 5 })).rejects.toThrow(/userId is required/);
    await expect(fx.engine.getRecommendations({ solutionVersionArn: `${up}-missing`, userId: 'u1', numResults: 5 })).rejects.toBeInstanceOf(
      EngineInputError,
    );
  });

  it('applies an INCLUDE filter with placeholder values', async () => {
    const recs = await fx.engine.getRecommendations({
      solutionVersionArn: up,
      userId: 'u1',
      numResults: 15,
      filter: { ...GENRE_FILTER, filterValues: { GENRE: '"g2"' } },
    });
    expect(recs.length).toBeGreaterThan(0);
    for (const r of recs) expect(fx.data.genreOfItem(Number(r.itemId.slice(1))) === 2 || Number(r.itemId.slice(1)) % 7 === 0).toBe(true);
  });

  it('excludes items the user clicked with an Interactions filter', async () => {
    const plain = await fx.engine.getRecommendations({ solutionVersionArn: up, userId: 'u2', numResults: 50 });
    const filtered = await fx.engine.getRecommendations({ solutionVersionArn: up, userId: 'u2', numResults: 50, filter: NOT_CLICKED });
    const clicked = new Set(
      fx.data.interactionsCsv
        .split('\n')
        .filter((l) => l.startsWith('u2,') && l.includes(',click,'))
        .map((l) => l.split(',')[1]),
    );
    expect(plain.some((r) => clicked.has(r.itemId))).toBe(true);
    expect(filtered.some((r) => clicked.has(r.itemId))).toBe(false);
  });

  it('drops filtered items from a personalized ranking and keeps unknown ones last', async () => {
    const ranking = await train(fx.engine, 'aws-personalized-ranking');
    const clicked = fx.data.interactionsCsv
      .split('\n')
      .filter((l) => l.startsWith('u4,') && l.includes(',click,'))
      .map((l) => l.split(',')[1]!);
    const fresh = Array.from({ length: 200 }, (_, i) => `i${i}`)
      .filter((id) => !clicked.includes(id))
      .slice(0, 3);
    const inputList = [clicked[0]!, fresh[0]!, 'not-in-catalog', fresh[1]!, clicked[1]!, fresh[2]!];
    const ranked = await fx.engine.getPersonalizedRanking({
      solutionVersionArn: ranking.arn,
      userId: 'u4',
      inputList,
      filter: NOT_CLICKED,
    });
    expect(ranked.map((r) => r.itemId).sort()).toEqual([...fresh, 'not-in-catalog'].sort());
    expect(ranked.at(-1)).toEqual({ itemId: 'not-in-catalog', score: 0 });
  });

  it('rejects an invalid filter expression pointing at the token', () => {
    expect(() => fx.engine.validateFilterExpression('INCLUDE ItemID WHER Items.GENRES IN ("a")')).toThrow(/position \d+ near "WHER"/);
  });

  it('changes the next answer after PutEvents', async () => {
    const user = 'u7';
    const before = await fx.engine.getRecommendations({ solutionVersionArn: up, userId: user, numResults: 10 });
    // The user suddenly binges a genre they never favoured.
    const other = [0, 1, 2, 3, 4, 5, 6, 7].find((g) => !fx.data.favouritesOfUser(7).includes(g))!;
    const items = Array.from({ length: 200 }, (_, i) => i)
      .filter((i) => fx.data.genreOfItem(i) === other)
      .slice(0, 8);
    await fx.engine.putEvents(
      DG,
      items.map((i, n) => ({ userId: user, sessionId: 's1', itemId: `i${i}`, eventType: 'click', sentAt: 1_800_000_000 + n })),
    );
    const after = await fx.engine.getRecommendations({ solutionVersionArn: up, userId: user, numResults: 10 });
    expect(after.map((r) => r.itemId)).not.toEqual(before.map((r) => r.itemId));
    const newGenre = after.filter((r) => fx.data.genreOfItem(Number(r.itemId.slice(1))) === other).length;
    expect(newGenre).toBeGreaterThan(before.filter((r) => fx.data.genreOfItem(Number(r.itemId.slice(1))) === other).length);
  });

  it('personalises an anonymous session after PutEvents (sessionId as the user)', async () => {
    await fx.engine.putEvents(DG, [
      { sessionId: 'anon-1', itemId: 'i4', eventType: 'click', sentAt: 1_800_000_100 },
      { sessionId: 'anon-1', itemId: 'i12', eventType: 'click', sentAt: 1_800_000_101 },
    ]);
    const recs = await fx.engine.getRecommendations({ solutionVersionArn: up, userId: 'anon-1', numResults: 10 });
    const genre = fx.data.genreOfItem(4);
    expect(recs.filter((r) => fx.data.genreOfItem(Number(r.itemId.slice(1))) === genre).length).toBeGreaterThanOrEqual(5);
  });

  it('uses PutItems metadata in the next filtered answer', async () => {
    const before = await fx.engine.getRecommendations({
      solutionVersionArn: up,
      userId: 'u3',
      numResults: 5,
      filter: { ...GENRE_FILTER, filterValues: { GENRE: '"special"' } },
    });
    expect(before).toHaveLength(0);
    await fx.engine.putItems(datasetArn('ITEMS'), [
      { itemId: 'i9', properties: { genres: 'special', price: 1, creationTimestamp: 1_700_000_000 } },
    ]);
    const after = await fx.engine.getRecommendations({
      solutionVersionArn: up,
      userId: 'u3',
      numResults: 5,
      filter: { ...GENRE_FILTER, filterValues: { GENRE: '"special"' } },
    });
    expect(after.map((r) => r.itemId)).toEqual(['i9']);
  });

  it('uses PutUsers metadata in user filters and rejects bad property values', async () => {
    await fx.engine.putUsers(datasetArn('USERS'), [{ userId: 'u1', properties: { membership: 'platinum' } }]);
    await expect(
      fx.engine.putItems(datasetArn('ITEMS'), [{ itemId: 'i1', properties: { genres: 'x', price: 'cheap', creationTimestamp: 1 } }]),
    ).rejects.toThrow(/PRICE: expected a number/);
  });

  it('rejects PutEvents properties that use reserved keys', async () => {
    await expect(
      fx.engine.putEvents(DG, [
        { userId: 'u1', sessionId: 's', itemId: 'i1', eventType: 'click', sentAt: 1_800_000_000, properties: { userId: 'u2' } },
      ]),
    ).rejects.toThrow(/must not contain the key userId/);
  });

  it('serves trained models and live events from a new engine over the same data dir', async () => {
    const restarted = fx.reopen();
    const a = await fx.engine.getRecommendations({ solutionVersionArn: up, userId: 'u7', numResults: 10 });
    const b = await restarted.getRecommendations({ solutionVersionArn: up, userId: 'u7', numResults: 10 });
    expect(b).toEqual(a);
    const filtered = await restarted.getRecommendations({
      solutionVersionArn: up,
      userId: 'u3',
      numResults: 5,
      filter: { ...GENRE_FILTER, filterValues: { GENRE: '"special"' } },
    });
    expect(filtered.map((r) => r.itemId)).toEqual(['i9']);
    await restarted.close();
  });
});

describe('Training: trainingMode UPDATE', () => {
  it('learns new items without full retraining and fails when nothing changed', async () => {
    const fx = await engineWithData();
    try {
      const base = await train(fx.engine, 'aws-user-personalization');
      const update = (name: string, baseArn: string) =>
        train(fx.engine, 'aws-user-personalization', {
          solutionVersionArn: `arn:aws:personalize:us-east-1:000000000000:solution/up/${name}`,
          trainingMode: 'UPDATE',
          baseSolutionVersionArn: baseArn,
        });
      await expect(update('same', base.arn)).rejects.toThrow(
        'There should be updates to at least one dataset after last active solution version with training mode set to FULL',
      );
      // A new item many users of genre 0 click.
      const fans = Array.from({ length: 300 }, (_, u) => u).filter((u) => fx.data.favouritesOfUser(u).includes(0));
      await fx.engine.putEvents(
        DG,
        fans
          .slice(0, 30)
          .map((u, n) => ({ userId: `u${u}`, sessionId: `s${u}`, itemId: 'new-hit', eventType: 'click', sentAt: 1_800_000_000 + n })),
      );
      // And a new catalogue item nobody has interacted with yet.
      await fx.engine.putItems(datasetArn('ITEMS'), [
        { itemId: 'fresh-g0', properties: { genres: 'g0', price: 3, creationTimestamp: 1_800_000_000 } },
      ]);
      const updated = await update('u1', base.arn);
      expect(updated.metrics).toEqual(base.metrics);
      const nonFan = Array.from({ length: 300 }, (_, u) => u).find((u) => !fx.data.favouritesOfUser(u).includes(0))!;
      const rankFor = async (user: number): Promise<number> =>
        (await fx.engine.getRecommendations({ solutionVersionArn: updated.arn, userId: `u${user}`, numResults: 500 })).findIndex(
          (r) => r.itemId === 'fresh-g0',
        );
      const fanRank = await rankFor(fans[41]!);
      expect(fanRank).toBeGreaterThanOrEqual(0);
      expect(fanRank).toBeLessThan(await rankFor(nonFan));
      const fan = fans[40]!;
      const recs = await fx.engine.getRecommendations({ solutionVersionArn: updated.arn, userId: `u${fan}`, numResults: 500 });
      const rankOfNew = recs.findIndex((r) => r.itemId === 'new-hit');
      expect(rankOfNew).toBeGreaterThanOrEqual(0);
      const baseRecs = await fx.engine.getRecommendations({ solutionVersionArn: base.arn, userId: `u${fan}`, numResults: 500 });
      expect(baseRecs.some((r) => r.itemId === 'new-hit')).toBe(false);
    } finally {
      await fx.cleanup();
    }
  });

  it('fails UPDATE for recipes other than User-Personalization', async () => {
    const fx = await engineWithData();
    try {
      const base = await train(fx.engine, 'aws-sims');
      await expect(
        train(fx.engine, 'aws-sims', { solutionVersionArn: `${base.arn}-u`, trainingMode: 'UPDATE', baseSolutionVersionArn: base.arn }),
      ).rejects.toThrow(/only supported for User-Personalization/);
    } finally {
      await fx.cleanup();
    }
  });
});

describe('Engine: deleteDatasetGroup', () => {
  it('forgets the group’s data and models, also after a restart', async () => {
    const fx = await engineWithData();
    try {
      const { arn } = await train(fx.engine, 'aws-popularity-count');
      await fx.engine.deleteDatasetGroup(DG);
      await expect(fx.engine.getRecommendations({ solutionVersionArn: arn, userId: 'u1', numResults: 5 })).rejects.toBeInstanceOf(
        EngineInputError,
      );
      const restarted = fx.reopen();
      await expect(restarted.getRecommendations({ solutionVersionArn: arn, userId: 'u1', numResults: 5 })).rejects.toBeInstanceOf(
        EngineInputError,
      );
      await expect(train(restarted, 'aws-popularity-count')).rejects.toThrow(/fewer than 1000 interactions/);
    } finally {
      await fx.cleanup();
    }
  });
});
