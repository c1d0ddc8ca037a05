/**
 * aws-popularity-count (event counts per item) and aws-trending-now (items whose recent activity
 * most exceeds their long-run rate).
 */
import type { InteractionLog } from './interactions';
import { VectorModel } from './model';
import type { ModelInfo } from './model';

export function trainPopularity(info: ModelInfo, popularity: Float32Array): VectorModel {
  return new VectorModel(info, popularity, popularity);
}

/**
 * Trend score = recent exponentially-decayed activity (time constant τ) minus the long-run decayed
 * activity (10τ) scaled to the same window, both measured at the newest timestamp. τ defaults to
 * a twentieth of the data's time span (at least an hour), or `trend_window_seconds`.
 */
export function trainTrending(
  info: ModelInfo,
  popularity: Float32Array,
  log: InteractionLog,
  include: (k: number) => boolean,
  windowSeconds?: number,
): VectorModel {
  let tMin = Infinity;
  let tMax = -Infinity;
  for (let k = 0; k < log.length; k++) {
    if (!include(k)) continue;
    const t = log.timestamps[k]!;
    if (t < tMin) tMin = t;
    if (t > tMax) tMax = t;
  }
  const tau = windowSeconds ?? Math.max(3600, (tMax - tMin) / 20);
  const recent = new Float64Array(log.nItems);
  const longRun = new Float64Array(log.nItems);
  for (let k = 0; k < log.length; k++) {
    if (!include(k)) continue;
    const age = tMax - log.timestamps[k]!;
    recent[log.items[k]!]! += Math.exp(-age / tau);
    longRun[log.items[k]!]! += Math.exp(-age / (10 * tau)) / 10;
  }
  const scores = new Float32Array(log.nItems);
  for (let i = 0; i < scores.length; i++) scores[i] = recent[i]! - longRun[i]! + recent[i]! * 1e-3;
  return new VectorModel(info, popularity, scores);
}
