import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '@recops/engine';
import { EngineInputError, EngineJobError } from '@recops/engine';
import { MemoryBlobStore } from './helpers/memory-blobs';
import { datasetArn, DG, engineWithData, train } from './helpers/setup';
import { INTERACTIONS_SCHEMA, T0 } from './helpers/synthetic';
import type { EngineFixture } from './helpers/setup';

const NDCG10 = 'normalized_discounted_cumulative_gain_at_10';

describe('Recipes: training and recommending on planted preferences', () => {
  let fx: EngineFixture;
  beforeAll(async () => {
    fx = await engineWithData();
  });
  afterAll(async () => fx.cleanup());

  it('returns every documented metric for a user-personalization version', async () => {
    const { metrics } = await train(fx.engine, 'aws-user-personalization');
    for (const key of ['coverage', 'mean_reciprocal_rank_at_25', NDCG10, 'precision_at_25']) {
      expect(metrics[key]).toBeGreaterThanOrEqual(0);
      expect(metrics[key]).toBeLessThanOrEqual(1);
    }
  });

  it('beats popularity on NDCG@10 by a clear margin (quality)', async () => {
    const personal = await train(fx.engine, 'aws-user-personalization-v2');
    const popular = await train(fx.engine, 'aws-popularity-count');
    // Planted genre preferences: a personalised model must recover them; popularity cannot.
    expect(personal.metrics[NDCG10]!).toBeGreaterThan(popular.metrics[NDCG10]! * 2);
    expect(personal.metrics[NDCG10]! - popular.metrics[NDCG10]!).toBeGreaterThan(0.05);
  });

  it('recommends items of the user’s favourite genres', async () => {
    const { arn } = await train(fx.engine, 'aws-user-personalization', {
      solutionVersionArn: `${'arn:aws:personalize:us-east-1:000000000000'}:solution/up/genre`,
    });
    let inGenre = 0;
    let total = 0;
    for (let u = 0; u < 40; u++) {
      const favourites = fx.data.favouritesOfUser(u);
      const recs = await fx.engine.getRecommendations({ solutionVersionArn: arn, userId: `u${u}`, numResults: 10 });
      for (const r of recs) {
        total++;
        if (favourites.includes(fx.data.genreOfItem(Number(r.itemId.slice(1))))) inGenre++;
      }
    }
    expect(inGenre / total).toBeGreaterThan(0.7);
  });

  it('is deterministic for a seed', async () => {
    const config = { algorithmHyperParameters: { seed: '7' } };
    const a = await train(fx.engine, 'aws-user-personalization', {
      solutionVersionArn: 'arn:aws:personalize:us-east-1:000000000000:solution/d/a',
      solutionConfig: config,
    });
    const b = await train(fx.engine, 'aws-user-personalization', {
      solutionVersionArn: 'arn:aws:personalize:us-east-1:000000000000:solution/d/b',
      solutionConfig: config,
    });
    expect(b.metrics).toEqual(a.metrics);
    const recsA = await fx.engine.getRecommendations({ solutionVersionArn: a.arn, userId: 'u5', numResults: 20 });
    const recsB = await fx.engine.getRecommendations({ solutionVersionArn: b.arn, userId: 'u5', numResults: 20 });
    expect(recsB).toEqual(recsA);
  });

  it('returns related items of the same genre for sims and similar-items', async () => {
    for (const recipe of ['aws-sims', 'aws-similar-items', 'aws-vod-more-like-x']) {
      const { arn, metrics } = await train(fx.engine, recipe);
      expect(metrics[NDCG10]).toBeGreaterThan(0);
      const recs = await fx.engine.getRecommendations({ solutionVersionArn: arn, itemId: 'i3', numResults: 10 });
      expect(recs).toHaveLength(10);
      expect(recs.map((r) => r.itemId)).not.toContain('i3');
      const sameGenre = recs.filter((r) => fx.data.genreOfItem(Number(r.itemId.slice(1))) === fx.data.genreOfItem(3)).length;
      expect(sameGenre).toBeGreaterThanOrEqual(6);
    }
  });

  it('requires itemId for related items and falls back to popular items for an unknown one', async () => {
    const { arn } = await train(fx.engine, 'aws-sims');
    await expect(fx.engine.getRecommendations({ solutionVersionArn: arn, userId: 'u1', numResults: 5 })).rejects.toBeInstanceOf(
      EngineInputError,
    );
    const recs = await fx.engine.getRecommendations({ solutionVersionArn: arn, itemId: 'never-seen', numResults: 5 });
    expect(recs).toHaveLength(5);
  });

  it('ranks by interaction count for popularity-count and by recent activity for trending-now', async () => {
    const pop = await train(fx.engine, 'aws-popularity-count');
    const recs = await fx.engine.getRecommendations({ solutionVersionArn: pop.arn, userId: 'u1', numResults: 5 });
    const scores = recs.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const trending = await train(fx.engine, 'aws-trending-now');
    const hot = await fx.engine.getRecommendations({ solutionVersionArn: trending.arn, userId: 'u1', numResults: 5 });
    expect(hot).toHaveLength(5);
  });

  it('moves a suddenly busy item to the top of trending-now after PutEvents', async () => {
    const { arn } = await train(fx.engine, 'aws-trending-now', {
      solutionVersionArn: 'arn:aws:personalize:us-east-1:000000000000:solution/trend/1',
    });
    const before = await fx.engine.getRecommendations({ solutionVersionArn: arn, numResults: 5 });
    const quiet = 'i199';
    expect(before.map((r) => r.itemId)).not.toContain(quiet);
    // Forty users open the same long-tail item within a few minutes, just after the newest data.
    const newest = 1_700_000_000 + 300 * 7 + 40 * 3600;
    await fx.engine.putEvents(
      'arn:aws:personalize:us-east-1:000000000000:dataset-group/shop',
      Array.from({ length: 40 }, (_, n) => ({
        userId: `u${n}`,
        sessionId: `s${n}`,
        itemId: quiet,
        eventType: 'click',
        sentAt: newest + n * 5,
      })),
    );
    const after = await fx.engine.getRecommendations({ solutionVersionArn: arn, numResults: 5 });
    expect(after[0]?.itemId).toBe(quiet);
  });

  it('re-ranks an item list for personalized-ranking, unknown items last', async () => {
    const { arn } = await train(fx.engine, 'aws-personalized-ranking-v2');
    const favourite = fx.data.favouritesOfUser(0)[0]!;
    const inGenre = Array.from({ length: 200 }, (_, i) => i)
      .filter((i) => fx.data.genreOfItem(i) === favourite)
      .slice(0, 3);
    const outGenre = Array.from({ length: 200 }, (_, i) => i)
      .filter((i) => !fx.data.favouritesOfUser(0).includes(fx.data.genreOfItem(i)))
      .slice(0, 3);
    const inputList = ['mystery', ...outGenre.map((i) => `i${i}`), ...inGenre.map((i) => `i${i}`)];
    const ranked = await fx.engine.getPersonalizedRanking({ solutionVersionArn: arn, userId: 'u0', inputList });
    expect(ranked.map((r) => r.itemId).sort()).toEqual([...inputList].sort());
    expect(ranked.at(-1)?.itemId).toBe('mystery');
    expect(inGenre.map((i) => `i${i}`)).toContain(ranked[0]?.itemId);
  });

  it('maps domain recipes and honours the event type', async () => {
    const { metrics } = await train(fx.engine, 'aws-vod-top-picks', { eventType: 'purchase' });
    expect(metrics[NDCG10]).toBeGreaterThanOrEqual(0);
    await expect(train(fx.engine, 'aws-ecomm-popular-items-by-views')).rejects.toThrow(
      'Create failed. Dataset has fewer than 1000 interactions after filtering by event type: View',
    );
  });

  it('trains only on events at or above the event value threshold', async () => {
    const all = await train(fx.engine, 'aws-user-personalization', {
      solutionVersionArn: 'arn:aws:personalize:us-east-1:000000000000:solution/t/all',
    });
    const high = await train(fx.engine, 'aws-user-personalization', {
      solutionVersionArn: 'arn:aws:personalize:us-east-1:000000000000:solution/t/high',
      solutionConfig: { eventValueThreshold: '3' },
    });
    expect(high.metrics).not.toEqual(all.metrics);
    expect(high.metrics[NDCG10]).toBeGreaterThan(0);
  });

  it('fails with the service message when an event value threshold leaves too little data', async () => {
    await expect(train(fx.engine, 'aws-user-personalization', { solutionConfig: { eventValueThreshold: '100' } })).rejects.toThrow(
      'Create failed. Dataset has fewer than 1000 interactions.',
    );
  });

  it('runs a bounded hyperparameter search', async () => {
    const { metrics } = await train(fx.engine, 'aws-user-personalization', {
      solutionVersionArn: 'arn:aws:personalize:us-east-1:000000000000:solution/hpo/1',
      performHPO: true,
      solutionConfig: { hpoConfig: { hpoResourceConfig: { maxNumberOfTrainingJobs: '3' } } },
    });
    expect(metrics[NDCG10]).toBeGreaterThan(0);
  });

  it('rejects unknown recipes as a failed job', async () => {
    await expect(train(fx.engine, 'aws-not-a-recipe')).rejects.toBeInstanceOf(EngineJobError);
  });
});

describe('Training: minimums', () => {
  it('fails when fewer than 25 users have 2 interactions', async () => {
    // 1000 interactions, but from only 10 users.
    const fx = await engineWithData({ users: 10, items: 300, interactions: 1200, seed: 1 });
    try {
      await expect(train(fx.engine, 'aws-user-personalization')).rejects.toThrow(
        'Create failed. Dataset has fewer than 25 users with at least 2 interactions each.',
      );
    } finally {
      await fx.cleanup();
    }
  });

  it('fails when fewer than 1% of users have 2 interactions, naming the counts', async () => {
    // 30 users with 2 interactions (more than 25) among 3030 users: under 1%.
    const lines = ['USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE'];
    for (let u = 0; u < 30; u++) lines.push(`r${u},i${u % 50},${T0 + u},click,1`, `r${u},i${(u + 1) % 50},${T0 + u + 1},click,1`);
    for (let u = 0; u < 3000; u++) lines.push(`o${u},i${u % 50},${T0 + u},click,1`);
    const dataDir = await mkdtemp(join(tmpdir(), 'engine-minimums-'));
    const blobs = new MemoryBlobStore();
    blobs.put('data', 'interactions.csv', `${lines.join('\n')}\n`);
    const engine = createEngine({ dataDir, blobs });
    try {
      await engine.importDataset({
        datasetGroupArn: DG,
        datasetArn: datasetArn('INTERACTIONS'),
        datasetType: 'INTERACTIONS',
        schema: INTERACTIONS_SCHEMA,
        dataLocation: 's3://data/interactions.csv',
        importMode: 'FULL',
      });
      const failure = train(engine, 'aws-user-personalization');
      await expect(failure).rejects.toBeInstanceOf(EngineJobError);
      await expect(failure).rejects.toThrow('Create failed. Fewer than 1% of users have at least 2 interactions each: 30 of 3030 users.');
    } finally {
      await engine.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
