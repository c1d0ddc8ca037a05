/** An engine over a temp data dir with the synthetic data sets imported. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '@recops/engine';
import type { PersonalizeEngine } from '@recops/engine';
import { MemoryBlobStore } from './memory-blobs';
import { generateSynthetic, INTERACTIONS_SCHEMA, ITEMS_SCHEMA, USERS_SCHEMA } from './synthetic';
import type { SyntheticData, SyntheticOptions } from './synthetic';

const ACCOUNT = 'arn:aws:personalize:us-east-1:000000000000';
export const DG = `${ACCOUNT}:dataset-group/shop`;
export const datasetArn = (type: string): string => `${ACCOUNT}:dataset/shop/${type}`;
const recipeArn = (name: string): string => `arn:aws:personalize:::recipe/${name}`;
const versionArn = (name: string): string => `${ACCOUNT}:solution/${name}/00000001`;

export interface EngineFixture {
  readonly engine: PersonalizeEngine;
  readonly blobs: MemoryBlobStore;
  readonly dataDir: string;
  readonly data: SyntheticData;
  /** A second engine over the same data dir (a restart). */
  reopen(): PersonalizeEngine;
  cleanup(): Promise<void>;
}

export const SMALL: SyntheticOptions = { users: 300, items: 200, interactions: 9000, genres: 8, seed: 3 };

export async function engineWithData(opts: SyntheticOptions = SMALL): Promise<EngineFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'engine-test-'));
  const blobs = new MemoryBlobStore();
  const data = generateSynthetic(opts);
  blobs.put('data', 'interactions/part-1.csv', data.interactionsCsv);
  blobs.put('data', 'items.csv', data.itemsCsv);
  blobs.put('data', 'users.csv', data.usersCsv);
  const engine = createEngine({ dataDir, blobs });
  const base = { datasetGroupArn: DG, importMode: 'FULL' as const };
  await engine.importDataset({
    ...base,
    datasetArn: datasetArn('INTERACTIONS'),
    datasetType: 'INTERACTIONS',
    schema: INTERACTIONS_SCHEMA,
    dataLocation: 's3://data/interactions/',
  });
  await engine.importDataset({
    ...base,
    datasetArn: datasetArn('ITEMS'),
    datasetType: 'ITEMS',
    schema: ITEMS_SCHEMA,
    dataLocation: 's3://data/items.csv',
  });
  await engine.importDataset({
    ...base,
    datasetArn: datasetArn('USERS'),
    datasetType: 'USERS',
    schema: USERS_SCHEMA,
    dataLocation: 's3://data/users.csv',
  });
  return {
    engine,
    blobs,
    dataDir,
    data,
    reopen: () => createEngine({ dataDir, blobs }),
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
}

export async function train(
  engine: PersonalizeEngine,
  recipe: string,
  extra: {
    solutionVersionArn?: string;
    trainingMode?: 'FULL' | 'UPDATE';
    eventType?: string;
    solutionConfig?: Record<string, unknown>;
    performHPO?: boolean;
    baseSolutionVersionArn?: string;
  } = {},
): Promise<{ arn: string; metrics: Record<string, number> }> {
  const arn = extra.solutionVersionArn ?? versionArn(recipe);
  const { metrics } = await engine.trainSolutionVersion({
    datasetGroupArn: DG,
    solutionVersionArn: arn,
    recipeArn: recipeArn(recipe),
    trainingMode: extra.trainingMode ?? 'FULL',
    performHPO: extra.performHPO ?? false,
    ...(extra.eventType === undefined ? {} : { eventType: extra.eventType }),
    ...(extra.solutionConfig === undefined ? {} : { solutionConfig: extra.solutionConfig }),
    ...(extra.baseSolutionVersionArn === undefined ? {} : { baseSolutionVersionArn: extra.baseSolutionVersionArn }),
  });
  return { arn, metrics };
}
