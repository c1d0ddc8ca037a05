export { batchFiles, transformLines } from './io';
export { inferenceLine, segmentLine, DEFAULT_BATCH_RESULTS } from './lines';
export { pooledInferenceLines } from './pooled';
export { ScorePool } from './score-pool';
