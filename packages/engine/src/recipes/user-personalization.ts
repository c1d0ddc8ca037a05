/**
 * The factor model (implicit ALS, see ./als) behind aws-item-affinity and aws-item-attribute-affinity,
 * and behind aws-user-personalization / aws-personalized-ranking on catalogues too large for the
 * dense item×item matrix of EASE (more than EASE_MAX_ITEMS items, see ./ease).
 *
 * ALS with conjugate gradient is O(iterations·(nnz·k + (users+items)·k²)), linear in data and in
 * items, so 100k-item catalogues train in the memory they always did. Its user vector is also cheap
 * to refit from a changed history (fold-in), which is how events sent with PutEvents change the next
 * recommendation without retraining.
 */
import { DEFAULT_ALS_PARAMS, sweep, confidences, trainAls } from './als';
import type { AlsParams } from './als';
import type { Csr } from './interactions';
import { FactorModel } from './model';
import type { ModelInfo } from './model';
import type { Rng } from '../rng';

/** Reads algorithmHyperParameters (string values, as the service passes them). */
export function alsParamsFrom(hyper: Record<string, unknown> | undefined, base: AlsParams = DEFAULT_ALS_PARAMS): AlsParams {
  const num = (...keys: string[]): number | undefined => {
    for (const key of keys) {
      const v = hyper?.[key];
      const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
      if (Number.isFinite(n)) return n;
    }
    return undefined;
  };
  const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
  return {
    factors: Math.round(clamp(num('hidden_dimension', 'factors') ?? base.factors, 4, 256)),
    regularization: clamp(num('regularization', 'lambda') ?? base.regularization, 1e-6, 100),
    alpha: clamp(num('alpha') ?? base.alpha, 0.01, 1000),
    iterations: Math.round(clamp(num('iterations', 'training_epochs') ?? base.iterations, 1, 100)),
    cgSteps: Math.round(clamp(num('cg_steps') ?? base.cgSteps, 1, 20)),
  };
}

export async function trainFactorModel(
  info: ModelInfo,
  popularity: Float32Array,
  matrix: { byUser: Csr; byItem: Csr },
  params: AlsParams,
  rng: Rng,
): Promise<FactorModel> {
  const f = await trainAls(matrix.byUser, matrix.byItem, params, rng);
  return new FactorModel(info, popularity, f.k, f.users, f.items, params);
}

/**
 * One more sweep over the full data (targets included) after evaluation, so the served model
 * has seen every interaction; cheaper than a second full training.
 */
export function refitOnAllData(model: FactorModel, matrix: { byUser: Csr; byItem: Csr }): void {
  const p = model.alsParams;
  sweep(model.itemFactors, matrix.byItem, confidences(matrix.byItem, p.alpha), model.userFactors, model.nUsers, p);
  sweep(model.userFactors, matrix.byUser, confidences(matrix.byUser, p.alpha), model.itemFactors, model.nItems, p);
}

/**
 * trainingMode UPDATE: keeps the base factors, learns vectors for items and users that are new or
 * have new interactions by solving only their rows against the fixed other side.
 */
export function updateFactorModel(
  base: FactorModel,
  info: ModelInfo,
  popularity: Float32Array,
  matrix: { byUser: Csr; byItem: Csr },
  changedUsers: ReadonlySet<number>,
  changedItems: ReadonlySet<number>,
): FactorModel {
  const k = base.k;
  const p = base.alsParams;
  const users = new Float32Array(matrix.byUser.nRows * k);
  users.set(base.userFactors.subarray(0, Math.min(base.userFactors.length, users.length)));
  const items = new Float32Array(matrix.byItem.nRows * k);
  items.set(base.itemFactors.subarray(0, Math.min(base.itemFactors.length, items.length)));
  const confU = confidences(matrix.byUser, p.alpha);
  const confI = confidences(matrix.byItem, p.alpha);
  const steps = Math.max(8, p.cgSteps);
  sweep(items, matrix.byItem, confI, users, matrix.byUser.nRows, p, steps, changedItems);
  sweep(users, matrix.byUser, confU, items, matrix.byItem.nRows, p, steps, changedUsers);
  sweep(items, matrix.byItem, confI, users, matrix.byUser.nRows, p, p.cgSteps, changedItems);
  return new FactorModel(info, popularity, k, users, items, p);
}
