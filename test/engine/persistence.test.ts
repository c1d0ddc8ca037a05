import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '@recops/engine';
import { MemoryBlobStore } from './helpers/memory-blobs';
import { datasetArn, DG, SMALL, train } from './helpers/setup';
import { generateSynthetic, INTERACTIONS_SCHEMA, ITEMS_SCHEMA, USERS_SCHEMA } from './helpers/synthetic';

describe('Persistence: concurrent imports and puts', () => {
  it('keeps every import and put across a restart when they run at the same time', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'engine-persist-'));
    try {
      const blobs = new MemoryBlobStore();
      const data = generateSynthetic(SMALL);
      blobs.put('d', 'i.csv', data.interactionsCsv);
      blobs.put('d', 'items.csv', data.itemsCsv);
      blobs.put('d', 'users.csv', data.usersCsv);
      const engine = createEngine({ dataDir, blobs });
      const base = { datasetGroupArn: DG, importMode: 'FULL' as const };
      // Act: three imports and a stream of puts, all in flight together.
      await Promise.all([
        engine.importDataset({
          ...base,
          datasetArn: datasetArn('INTERACTIONS'),
          datasetType: 'INTERACTIONS',
          schema: INTERACTIONS_SCHEMA,
          dataLocation: 's3://d/i.csv',
        }),
        engine.importDataset({
          ...base,
          datasetArn: datasetArn('ITEMS'),
          datasetType: 'ITEMS',
          schema: ITEMS_SCHEMA,
          dataLocation: 's3://d/items.csv',
        }),
        engine.importDataset({
          ...base,
          datasetArn: datasetArn('USERS'),
          datasetType: 'USERS',
          schema: USERS_SCHEMA,
          dataLocation: 's3://d/users.csv',
        }),
      ]);
      const puts = Array.from({ length: 20 }, (_, n) =>
        engine.putEvents(DG, [{ userId: 'late-user', sessionId: 's', itemId: `i${n}`, eventType: 'click', sentAt: 1_800_000_000 + n }]),
      );
      const snapshot = engine.importDataset({
        ...base,
        datasetArn: datasetArn('USERS'),
        datasetType: 'USERS',
        schema: USERS_SCHEMA,
        dataLocation: 's3://d/users.csv',
      });
      await Promise.all([...puts, snapshot]);
      const { arn } = await train(engine, 'aws-sims');
      const before = await engine.getRecommendations({ solutionVersionArn: arn, itemId: 'i1', numResults: 10 });
      const clicked = { filterArn: 'f', filterExpression: 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")' };
      // Assess: a new engine over the same directory sees the same data, puts included.
      const restarted = createEngine({ dataDir, blobs });
      expect(await restarted.getRecommendations({ solutionVersionArn: arn, itemId: 'i1', numResults: 10 })).toEqual(before);
      const late = await restarted.getRecommendations({
        solutionVersionArn: arn,
        itemId: 'i150',
        userId: 'late-user',
        numResults: 50,
        filter: clicked,
      });
      expect(late.map((r) => r.itemId).sort()).toEqual(Array.from({ length: 20 }, (_, n) => `i${n}`).sort());
      await restarted.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
