import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '@recops/engine';
import { easeNdcg, easeWeights, engineNdcg, trainingCsv } from './helpers/heldout';
import { MemoryBlobStore } from './helpers/memory-blobs';
import { datasetArn, DG, train } from './helpers/setup';
import { generateShape, temporalSplit } from './helpers/shapes';
import type { Shape } from './helpers/shapes';
import { INTERACTIONS_SCHEMA } from './helpers/synthetic';

/** The personalization recipe must reach at least this share of EASE's NDCG@10. */
const MARGIN = 0.95;
/** EASE's λ is tuned on the test split itself: the reference gets every advantage. */
const EASE_LAMBDAS = [5, 20, 50, 150, 400, 1000];

async function compare(shape: Shape): Promise<{ engine: number; ease: number }> {
  const log = generateShape(shape, { users: 900, items: 300, interactions: 40_000, seed: 5 });
  const split = temporalSplit(log, 0.25, 9);
  const ease = Math.max(...EASE_LAMBDAS.map((lambda) => easeNdcg(easeWeights(log, split, lambda), log.nItems, split.cases)));
  const dataDir = await mkdtemp(join(tmpdir(), 'engine-quality-'));
  try {
    const blobs = new MemoryBlobStore();
    blobs.put('data', 'train.csv', trainingCsv(log, split));
    const engine = createEngine({ dataDir, blobs });
    await engine.importDataset({
      datasetGroupArn: DG,
      datasetArn: datasetArn('INTERACTIONS'),
      datasetType: 'INTERACTIONS',
      schema: INTERACTIONS_SCHEMA,
      dataLocation: 's3://data/train.csv',
      importMode: 'FULL',
    });
    const { arn } = await train(engine, 'aws-user-personalization');
    return { engine: await engineNdcg(engine, arn, split.cases), ease };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

describe('Quality: user personalization against EASE on a temporal split', () => {
  it.each(['longtail', 'drift'] as const)(`reaches ${MARGIN}× the NDCG@10 of a λ-tuned EASE on %s data`, async (shape) => {
    const { engine, ease } = await compare(shape);
    expect(ease).toBeGreaterThan(0.05);
    expect(engine).toBeGreaterThanOrEqual(ease * MARGIN);
  });
});
