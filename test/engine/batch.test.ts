import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineJobError } from '@recops/engine';
import { DG, engineWithData, train } from './helpers/setup';
import type { EngineFixture } from './helpers/setup';

interface OutLine {
  input: Record<string, unknown> | string;
  output: { recommendedItems?: string[]; scores?: number[]; recommendedUsers?: string[] } | null;
  error: string | null;
  itemAttributes?: string;
}

const readOut = (fx: EngineFixture, key: string): OutLine[] =>
  fx.blobs
    .text('out', key)
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as OutLine);

describe('Batch: inference and segment jobs', () => {
  let fx: EngineFixture;
  beforeAll(async () => {
    fx = await engineWithData();
  });
  afterAll(async () => fx.cleanup());

  it('writes <input>.out with recommendations per line and per-line errors', async () => {
    const { arn } = await train(fx.engine, 'aws-user-personalization');
    fx.blobs.put('in', 'jobs/users.json', ['{"userId":"u1"}', 'not json', '{"itemId":"i1"}', '', '{"userId":"stranger"}'].join('\n'));
    await fx.engine.runBatchInference({
      jobArn: 'job1',
      solutionVersionArn: arn,
      inputPath: 's3://in/jobs/users.json',
      outputPath: 's3://out/results/',
    });
    const lines = readOut(fx, 'results/users.json.out');
    expect(lines).toHaveLength(4);
    expect(lines[0]!.input).toEqual({ userId: 'u1' });
    expect(lines[0]!.error).toBeNull();
    expect(lines[0]!.output!.recommendedItems).toHaveLength(25);
    expect(lines[0]!.output!.scores).toHaveLength(25);
    expect(lines[1]).toMatchObject({ output: null, error: 'Invalid JSON line' });
    expect(lines[2]).toMatchObject({ output: null, error: 'userId is required and must be a string' });
    expect(lines[3]!.output!.recommendedItems).toHaveLength(25);
  });

  it('honours numResults, the job filter and per-line filterValues for every file under a prefix', async () => {
    const { arn } = await train(fx.engine, 'aws-user-personalization');
    fx.blobs.put('in', 'many/a.json', '{"userId":"u1","filterValues":{"GENRE":"\\"g3\\""}}\n');
    fx.blobs.put('in', 'many/b.json', '{"userId":"u2","filterValues":{"GENRE":"\\"g4\\""}}\n');
    await fx.engine.runBatchInference({
      jobArn: 'job2',
      solutionVersionArn: arn,
      inputPath: 's3://in/many/',
      outputPath: 's3://out/many',
      numResults: 5,
      filter: { filterArn: 'f', filterExpression: 'INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)' },
    });
    const [a] = readOut(fx, 'many/a.json.out');
    const [b] = readOut(fx, 'many/b.json.out');
    expect(a!.output!.recommendedItems).toHaveLength(5);
    const genreOk = (id: string, g: number) => fx.data.genreOfItem(Number(id.slice(1))) === g || Number(id.slice(1)) % 7 === 0;
    expect(a!.output!.recommendedItems!.every((id) => genreOk(id, 3))).toBe(true);
    expect(b!.output!.recommendedItems!.every((id) => genreOk(id, 4))).toBe(true);
  });

  it('handles related-items and ranking inputs', async () => {
    const sims = await train(fx.engine, 'aws-sims');
    fx.blobs.put('in', 'related.json', '{"itemId":"i5"}\n{"userId":"u1"}\n');
    await fx.engine.runBatchInference({
      jobArn: 'job3',
      solutionVersionArn: sims.arn,
      inputPath: 's3://in/related.json',
      outputPath: 's3://out/r/',
    });
    const related = readOut(fx, 'r/related.json.out');
    expect(related[0]!.output!.recommendedItems).toHaveLength(25);
    expect(related[1]!.error).toMatch(/itemId is required/);
    const ranking = await train(fx.engine, 'aws-personalized-ranking');
    fx.blobs.put('in', 'rank.json', '{"userId":"u1","itemList":["i1","i2","i3"]}\n{"userId":"u1"}\n');
    await fx.engine.runBatchInference({
      jobArn: 'job4',
      solutionVersionArn: ranking.arn,
      inputPath: 's3://in/rank.json',
      outputPath: 's3://out/k/',
    });
    const ranked = readOut(fx, 'k/rank.json.out');
    expect([...ranked[0]!.output!.recommendedItems!].sort()).toEqual(['i1', 'i2', 'i3']);
    expect(ranked[1]!.error).toMatch(/itemList is required/);
  });

  it('fails the job when the output path equals the input path', async () => {
    const { arn } = await train(fx.engine, 'aws-popularity-count');
    fx.blobs.put('in', 'same/x.json', '{"userId":"u1"}\n');
    await expect(
      fx.engine.runBatchInference({ jobArn: 'j', solutionVersionArn: arn, inputPath: 's3://in/same/', outputPath: 's3://in/same/' }),
    ).rejects.toBeInstanceOf(EngineJobError);
  });

  it('writes recommendedUsers for item-affinity and item-attribute-affinity segments', async () => {
    const affinity = await train(fx.engine, 'aws-item-affinity');
    fx.blobs.put('in', 'seg/items.json', '{"itemId":"i2"}\n{"itemId":"unknown"}\n{"foo":1}\n');
    await fx.engine.runBatchSegment({
      jobArn: 's1',
      solutionVersionArn: affinity.arn,
      inputPath: 's3://in/seg/items.json',
      outputPath: 's3://out/seg/',
      numResults: 20,
    });
    const lines = readOut(fx, 'seg/items.json.out');
    expect(lines[0]!.output!.recommendedUsers).toHaveLength(20);
    // The segment for a genre-2 item is mostly users who favour genre 2.
    const fans = lines[0]!.output!.recommendedUsers!.filter((u) =>
      fx.data.favouritesOfUser(Number(u.slice(1))).includes(fx.data.genreOfItem(2)),
    );
    expect(fans.length).toBeGreaterThanOrEqual(15);
    expect(lines[1]!.output!.recommendedUsers).toEqual([]);
    expect(lines[2]!.error).toMatch(/itemId .* or itemAttributes/);

    const attribute = await train(fx.engine, 'aws-item-attribute-affinity');
    fx.blobs.put('in', 'seg/attrs.json', '{"itemAttributes":"ITEMS.GENRES = \\"g5\\""}\n{"itemAttributes":"ITEMS.NOPE = \\"g5\\""}\n');
    await fx.engine.runBatchSegment({
      jobArn: 's2',
      solutionVersionArn: attribute.arn,
      inputPath: 's3://in/seg/attrs.json',
      outputPath: 's3://out/seg2/',
    });
    const [attr, unknownField] = readOut(fx, 'seg2/attrs.json.out');
    // A field outside the Items schema is reported on its line, not answered with an empty segment.
    expect(unknownField).toMatchObject({
      output: null,
      error: 'Invalid itemAttributes condition: NOPE is not a field of the Items dataset',
    });
    expect(attr!.itemAttributes).toBe('ITEMS.GENRES = "g5"');
    expect(attr!.output!.recommendedUsers).toHaveLength(25);
    const genreFans = attr!.output!.recommendedUsers!.filter((u) => fx.data.favouritesOfUser(Number(u.slice(1))).includes(5));
    expect(genreFans.length).toBeGreaterThanOrEqual(20);
  });

  it('refuses a segment job on a non-segmentation recipe', async () => {
    const { arn } = await train(fx.engine, 'aws-user-personalization');
    fx.blobs.put('in', 'seg/x.json', '{"itemId":"i2"}\n');
    await expect(
      fx.engine.runBatchSegment({ jobArn: 's3', solutionVersionArn: arn, inputPath: 's3://in/seg/x.json', outputPath: 's3://out/x/' }),
    ).rejects.toThrow(/USER_SEGMENTATION/);
  });
});

describe('Batch: large inputs on worker threads', () => {
  it('returns the same answers as GetRecommendations for every line, with and without a filter', async () => {
    const fx = await engineWithData();
    try {
      const { arn } = await train(fx.engine, 'aws-user-personalization');
      // A session after training (answered from the live history) and users never seen (popular items).
      await fx.engine.putEvents(DG, [
        { userId: 'u7', sessionId: 's', itemId: 'i3', eventType: 'click', sentAt: 1_900_000_000 },
        { userId: 'u7', sessionId: 's', itemId: 'i5', eventType: 'click', sentAt: 1_900_000_001 },
      ]);
      // 1200 lines: large enough for the worker pool.
      const users = Array.from({ length: 1200 }, (_, n) => (n % 100 === 99 ? `stranger-${n}` : `u${n % 300}`));
      fx.blobs.put('in', 'big.json', `${users.map((u) => JSON.stringify({ userId: u })).join('\n')}\n`);
      await fx.engine.runBatchInference({
        jobArn: 'big',
        solutionVersionArn: arn,
        inputPath: 's3://in/big.json',
        outputPath: 's3://out/big/',
        numResults: 10,
      });
      const lines = readOut(fx, 'big/big.json.out');
      expect(lines).toHaveLength(1200);
      for (let n = 0; n < 300; n++) {
        const direct = await fx.engine.getRecommendations({ solutionVersionArn: arn, userId: users[n]!, numResults: 10 });
        expect(lines[n]!.input).toEqual({ userId: users[n] });
        expect(lines[n]!.output!.recommendedItems).toEqual(direct.map((r) => r.itemId));
        expect(lines[n]!.output!.scores).toEqual(direct.map((r) => r.score));
      }
      const strangers = lines.filter((l) => String((l.input as { userId: string }).userId).startsWith('stranger-'));
      expect(new Set(strangers.map((l) => JSON.stringify(l.output)))).toHaveProperty('size', 1);
      // u7's session changes u7's answer, and the batch line follows it.
      expect(lines[7]!.output).not.toEqual(lines[8]!.output);
      const filter = { filterArn: 'f', filterExpression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")' };
      await fx.engine.runBatchInference({
        jobArn: 'big2',
        solutionVersionArn: arn,
        inputPath: 's3://in/big.json',
        outputPath: 's3://out/big2/',
        numResults: 10,
        filter,
      });
      const filtered = readOut(fx, 'big2/big.json.out');
      for (const n of [3, 7, 99, 600]) {
        const direct = await fx.engine.getRecommendations({ solutionVersionArn: arn, userId: users[n]!, numResults: 10, filter });
        expect(filtered[n]!.output!.recommendedItems).toEqual(direct.map((r) => r.itemId));
      }
    } finally {
      await fx.cleanup();
    }
  });
});
