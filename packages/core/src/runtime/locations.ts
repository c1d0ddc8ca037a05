/**
 * Where services keep per-run documents in the data bucket. Shared so that any service can find a
 * run's plan and state from the runId and dataset group name every event carries.
 */
import { RUNS_PREFIX } from '@recops/platform';

// Defined in the platform contract: the data bucket's lifecycle rule filters on it too.
export { RUNS_PREFIX };

/** Everything about one run: `runs/<dsg>/<runId>/` (plan, state, claims, watches; tagged when the run finishes). */
export function runDocumentsPrefix(datasetGroupName: string, runId: string): string {
  return `${RUNS_PREFIX}${datasetGroupName}/${runId}/`;
}

/** The resolved plan of a run, written by config-intake before it publishes Pipeline Requested. */
export function planKey(datasetGroupName: string, runId: string): string {
  return `${runDocumentsPrefix(datasetGroupName, runId)}plan.json`;
}

/** The run's state document, owned by the run tracker (conditional writes only). */
export function runStateKey(datasetGroupName: string, runId: string): string {
  return `${runDocumentsPrefix(datasetGroupName, runId)}state.json`;
}

/**
 * A run the door refused (invalid file, data missing, schedule target gone): no plan or state is
 * ever written for it, so this record is how `recops status` lists it with its reason.
 */
export function rejectedRunKey(datasetGroupName: string, runId: string): string {
  return `${RUNS_PREFIX}${datasetGroupName}/${runId}/rejected.json`;
}

/** A claim of the run (see `claimOnce`), e.g. `claimKey(dsg, runId, 'solution-version/sims')`. */
export function claimKey(datasetGroupName: string, runId: string, what: string): string {
  return `${runDocumentsPrefix(datasetGroupName, runId)}claims/${what}`;
}

/** Prefix of what recops keeps about each solution's versions: the promotion gate's decisions. */
export const MODELS_PREFIX = 'models/';

/** The solution's last promoted version (model evaluator writes, campaign deployer and batch runner read). */
export function promotedVersionKey(datasetGroupName: string, solutionName: string): string {
  return `${MODELS_PREFIX}${datasetGroupName}/${solutionName}/promoted.json`;
}

/** The gate's decision on one solution version, written once; a redelivery republishes it. */
export function gateDecisionKey(datasetGroupName: string, solutionName: string, solutionVersionArn: string): string {
  const versionId = solutionVersionArn.slice(solutionVersionArn.lastIndexOf('/') + 1);
  return `${MODELS_PREFIX}${datasetGroupName}/${solutionName}/decisions/${versionId}.json`;
}

/** Where batch job records live (outside `batch/`, so writing one triggers no batch output notification). */
export const BATCH_JOBS_PREFIX = 'batch-jobs/';

/**
 * The record of a batch job, keyed by its output folder (`s3://bucket/prefix/`) so the batch output
 * notifier can find the job from an output object's key alone. `outputId` is a hash of the folder URL.
 */
export function batchJobRecordKey(outputId: string): string {
  return `${BATCH_JOBS_PREFIX}${outputId}.json`;
}
