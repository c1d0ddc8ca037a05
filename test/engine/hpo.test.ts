import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '@recops/engine';
import { defaultEaseParams, EaseTrainer } from '../../packages/engine/src/recipes/ease';
import { buildMatrix, itemCounts } from '../../packages/engine/src/recipes/interactions';
import type { ModelInfo } from '../../packages/engine/src/recipes/model';
import { holdoutSplit, validationSplit } from '../../packages/engine/src/split';
import { candidateGrid, searchEaseParams } from '../../packages/engine/src/training';
import { trainingCsv } from './helpers/heldout';
import { MemoryBlobStore } from './helpers/memory-blobs';
import { datasetArn, DG, train } from './helpers/setup';
import { generateShape, temporalSplit } from './helpers/shapes';
import { INTERACTIONS_SCHEMA } from './helpers/synthetic';

const SEED = 42;
const info = (): ModelInfo => ({
  family: 'ease',
  recipe: 'aws-user-personalization',
  datasetGroupArn: DG,
  selection: {},
  trainedRows: 0,
  trainedItems: 0,
  trainedUsers: 0,
  tableRows: 0,
  revision: 0,
  params: {},
  metrics: {},
});

describe('HPO: performHPO chooses hyperparameters on a validation split', () => {
  it('moves λ away from the default where the default is poor, and the choice scores better on validation', async () => {
    // Series watched in order: the next episode is all that matters, so a much smaller λ than
    // either default (the mean interactions per item, and 16 times it) fits better.
    const log = generateShape('sequential', { users: 700, items: 400, interactions: 30_000, seed: 4 });
    const all = temporalSplit(log, 0, 1); // no test users: every row is training data
    const dataDir = await mkdtemp(join(tmpdir(), 'engine-hpo-'));
    try {
      const blobs = new MemoryBlobStore();
      blobs.put('data', 'train.csv', trainingCsv(log, all));
      const engine = createEngine({ dataDir, blobs });
      await engine.importDataset({
        datasetGroupArn: DG,
        datasetArn: datasetArn('INTERACTIONS'),
        datasetType: 'INTERACTIONS',
        schema: INTERACTIONS_SCHEMA,
        dataLocation: 's3://data/train.csv',
        importMode: 'FULL',
      });
      const result = await engine.trainSolutionVersion({
        datasetGroupArn: DG,
        solutionVersionArn: `${DG.replace('dataset-group', 'solution')}/hpo/1`,
        recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
        trainingMode: 'FULL',
        performHPO: true,
        solutionConfig: { hpoConfig: { hpoResourceConfig: { maxNumberOfTrainingJobs: '4' } } },
      });
      const defaults = defaultEaseParams(log.length, log.nItems);
      const withoutHpo = candidateGrid(defaults, undefined, { performHPO: false });
      const tuned = result.tunedHyperParameters!;
      expect(withoutHpo.lambdas).not.toContain(Number(tuned.regularization));

      // The same search by hand: on the validation split, the chosen λ beats the best the default λ can do.
      // Item codes as the import assigns them (first appearance), so neighbourhood ties break alike.
      const code = new Map<number, number>();
      const items = log.items.map((i) => {
        if (!code.has(i)) code.set(i, code.size);
        return code.get(i)!;
      });
      const imported = { ...log, items };
      const evaluation = holdoutSplit(imported, SEED);
      const validation = validationSplit(imported, evaluation, SEED);
      const fit = buildMatrix(imported, (k) => evaluation.isTarget[k] === 0 && validation.isTarget[k] === 0);
      const trainer = new EaseTrainer(fit.byUser, fit.byItem, { workers: 0 });
      const grid = candidateGrid(defaults, undefined, {
        performHPO: true,
        solutionConfig: { hpoConfig: { hpoResourceConfig: { maxNumberOfTrainingJobs: '4' } } },
      });
      const search = await searchEaseParams(trainer, validation, defaults, grid, itemCounts(imported), () => info());
      await trainer.close();
      expect(search.best.lambda).toBe(Number(tuned.regularization));
      expect(search.best.decay).toBe(Number(tuned.recency_decay));
      const bestScore = Math.max(...search.tried.map((t) => t.score));
      const bestWithoutHpo = Math.max(...search.tried.filter((t) => withoutHpo.lambdas.includes(t.params.lambda)).map((t) => t.score));
      expect(bestScore).toBeGreaterThan(bestWithoutHpo);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('reports no tuned hyperparameters without performHPO', async () => {
    const log = generateShape('longtail', { users: 300, items: 150, interactions: 9000, seed: 4 });
    const dataDir = await mkdtemp(join(tmpdir(), 'engine-hpo-'));
    try {
      const blobs = new MemoryBlobStore();
      blobs.put('data', 'train.csv', trainingCsv(log, temporalSplit(log, 0, 1)));
      const engine = createEngine({ dataDir, blobs });
      await engine.importDataset({
        datasetGroupArn: DG,
        datasetArn: datasetArn('INTERACTIONS'),
        datasetType: 'INTERACTIONS',
        schema: INTERACTIONS_SCHEMA,
        dataLocation: 's3://data/train.csv',
        importMode: 'FULL',
      });
      const { metrics } = await train(engine, 'aws-user-personalization');
      expect(metrics.normalized_discounted_cumulative_gain_at_10).toBeGreaterThan(0);
      const result = await engine.trainSolutionVersion({
        datasetGroupArn: DG,
        solutionVersionArn: `${DG.replace('dataset-group', 'solution')}/plain/1`,
        recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
        trainingMode: 'FULL',
        performHPO: false,
      });
      expect(result.tunedHyperParameters).toBeUndefined();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
