/**
 * Where services keep per-run documents in the data bucket. Shared so that any service can find a
 * run's plan and state from the runId and dataset group name every event carries.
 */

/** Prefix of everything recops writes about runs (outside `train/` so it never triggers intake). */
export const RUNS_PREFIX = 'runs/';

/** The resolved plan of a run, written by config-intake before it publishes Pipeline Requested. */
export function planKey(datasetGroupName: string, runId: string): string {
  return `${RUNS_PREFIX}${datasetGroupName}/${runId}/plan.json`;
}

/** The run's state document, owned by the run tracker (conditional writes only). */
export function runStateKey(datasetGroupName: string, runId: string): string {
  return `${RUNS_PREFIX}${datasetGroupName}/${runId}/state.json`;
}

/** A claim of the run (see `claimOnce`), e.g. `claimKey(dsg, runId, 'solution-version/sims')`. */
export function claimKey(datasetGroupName: string, runId: string, what: string): string {
  return `${RUNS_PREFIX}${datasetGroupName}/${runId}/claims/${what}`;
}
