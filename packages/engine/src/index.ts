/**
 * The recommender engine behind the local Personalize: `createEngine({ dataDir, blobs })`.
 */
import { LocalPersonalizeEngine } from './engine';
import type { EngineOptions } from './engine';
import type { PersonalizeEngine } from './port';

export function createEngine(options: EngineOptions): PersonalizeEngine {
  return new LocalPersonalizeEngine(options);
}

export type { EngineOptions };
export { LocalPersonalizeEngine };
export { ImportValidationError, SchemaError, TrainingError, UnknownResourceError } from './errors';
export { EngineInputError, EngineJobError } from './port';
export type * from './port';
export { SUPPORTED_RECIPES } from './recipes/catalog';
export { ndcgAtK, precisionAtK, reciprocalRankAtK, solutionMetrics } from './metrics';
export { createRng, hashString, type Rng } from './rng';
