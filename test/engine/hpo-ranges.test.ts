import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '@recops/engine';
import type { PersonalizeEngine, TrainResult } from '@recops/engine';
import { MemoryBlobStore } from './helpers/memory-blobs';
import { datasetArn, DG, engineWithData } from './helpers/setup';
import type { EngineFixture } from './helpers/setup';
import { INTERACTIONS_SCHEMA } from './helpers/synthetic';

const RECIPE = 'arn:aws:personalize:::recipe/aws-user-personalization';

function trainWith(engine: PersonalizeEngine, name: string, performHPO: boolean, hpoConfig: Record<string, unknown>): Promise<TrainResult> {
  return engine.trainSolutionVersion({
    datasetGroupArn: DG,
    solutionVersionArn: `${DG.replace('dataset-group', 'solution')}/${name}/1`,
    recipeArn: RECIPE,
    trainingMode: 'FULL',
    performHPO,
    solutionConfig: { hpoConfig },
  });
}

describe('HPO ranges: hpoConfig.algorithmHyperParameterRanges', () => {
  let fx: EngineFixture;
  beforeAll(async () => {
    fx = await engineWithData();
  });
  afterAll(async () => fx.cleanup());

  it('searches the given ranges of neighbourhood EASE and reports a name it cannot search', async () => {
    const result = await trainWith(fx.engine, 'ranges', true, {
      hpoResourceConfig: { maxNumberOfTrainingJobs: '2' },
      algorithmHyperParameterRanges: {
        continuousHyperParameterRanges: [
          { name: 'regularization', minValue: 3, maxValue: 7 },
          { name: 'recency_decay', minValue: 0.6, maxValue: 0.9 },
        ],
        integerHyperParameterRanges: [{ name: 'bptt', minValue: 2, maxValue: 8 }],
      },
    });
    const tuned = result.tunedHyperParameters!;
    expect(Number(tuned.regularization)).toBeGreaterThanOrEqual(3);
    expect(Number(tuned.regularization)).toBeLessThanOrEqual(7);
    expect(Number(tuned.recency_decay)).toBeGreaterThanOrEqual(0.6);
    expect(Number(tuned.recency_decay)).toBeLessThanOrEqual(0.9);
    expect(result.warnings).toEqual([
      expect.stringMatching(/"bptt" is not a hyperparameter of the neighbourhood EASE model.*not searched/),
    ]);
  });

  it('warns that ranges are not searched when performHPO is false', async () => {
    const result = await trainWith(fx.engine, 'no-hpo', false, {
      algorithmHyperParameterRanges: { continuousHyperParameterRanges: [{ name: 'regularization', minValue: 3, maxValue: 7 }] },
    });
    expect(result.tunedHyperParameters).toBeUndefined();
    expect(result.warnings).toEqual([expect.stringMatching(/performHPO is false/)]);
  });
});

describe('User personalization above 8,192 items', () => {
  it('trains the factor model, searches its hidden_dimension range, and batch answers match GetRecommendations', async () => {
    // 300 users with 40 consecutive items each over 9,000 items: too many for EASE's dense matrix.
    const rows = ['USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE'];
    for (let u = 0; u < 300; u++)
      for (let j = 0; j < 40; j++) rows.push(`u${u},i${(u * 30 + j) % 9000},${1_700_000_000 + u * 100 + j},click,`);
    const dataDir = await mkdtemp(join(tmpdir(), 'engine-als-'));
    try {
      const blobs = new MemoryBlobStore();
      blobs.put('data', 'wide.csv', `${rows.join('\n')}\n`);
      const engine = createEngine({ dataDir, blobs });
      await engine.importDataset({
        datasetGroupArn: DG,
        datasetArn: datasetArn('INTERACTIONS'),
        datasetType: 'INTERACTIONS',
        schema: INTERACTIONS_SCHEMA,
        dataLocation: 's3://data/wide.csv',
        importMode: 'FULL',
      });
      const result = await trainWith(engine, 'wide', true, {
        hpoResourceConfig: { maxNumberOfTrainingJobs: '2' },
        algorithmHyperParameterRanges: {
          integerHyperParameterRanges: [{ name: 'hidden_dimension', minValue: 8, maxValue: 12 }],
          categoricalHyperParameterRanges: [{ name: 'recency_mask', values: ['true', 'false'] }],
        },
      });
      const tuned = result.tunedHyperParameters!;
      expect(Object.keys(tuned).sort()).toEqual(['alpha', 'hidden_dimension', 'iterations', 'regularization']);
      expect(Number(tuned.hidden_dimension)).toBeGreaterThanOrEqual(8);
      expect(Number(tuned.hidden_dimension)).toBeLessThanOrEqual(12);
      expect(result.warnings).toEqual([expect.stringMatching(/"recency_mask".*numeric values only/)]);

      // 1,200 lines: the worker pool scores the factor model.
      const arn = `${DG.replace('dataset-group', 'solution')}/wide/1`;
      const users = Array.from({ length: 1200 }, (_, n) => `u${n % 300}`);
      blobs.put('in', 'wide.json', `${users.map((u) => JSON.stringify({ userId: u })).join('\n')}\n`);
      await engine.runBatchInference({
        jobArn: 'wide',
        solutionVersionArn: arn,
        inputPath: 's3://in/wide.json',
        outputPath: 's3://out/wide/',
        numResults: 5,
      });
      const lines = blobs
        .text('out', 'wide/wide.json.out')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { output: { recommendedItems: string[] } });
      for (const n of [0, 1, 299]) {
        const direct = await engine.getRecommendations({ solutionVersionArn: arn, userId: users[n]!, numResults: 5 });
        expect(lines[n]!.output.recommendedItems).toEqual(direct.map((r) => r.itemId));
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
