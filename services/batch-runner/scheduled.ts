/**
 * A scheduled batch or segment job (Pipeline Requested with a `batch` scope, started by the job's own
 * schedule): the one job the scope names, with this run's name and output folder, on the solution's
 * latest promoted version.
 */
import { PIPELINE_STEP, type RunScope } from '@recops/events';
import { batchRunNames } from '@recops/core';
import { PermanentOpsError, type BatchJobKind } from '@recops/core/ops';
import { loadPlanIfStored, readPromotedVersion } from '../model-records';
import { permanentFailureOf, publishStepFailed, type RunRef } from '../run-events';
import { runBatchJob, type BatchRunnerDependencies, type BatchRunReport } from './run';

type BatchScope = Extract<RunScope, { kind: 'batch' }>;

const LABEL: Record<BatchJobKind, string> = { batchInferenceJob: 'batch inference job', batchSegmentJob: 'batch segment job' };

export async function onScheduledBatch(
  run: RunRef & { readonly runStamp: string },
  scope: BatchScope,
  deps: BatchRunnerDependencies,
): Promise<BatchRunReport> {
  const report: BatchRunReport = { started: [], reused: [], watched: [], skipped: [], failed: [] };
  const what = `scheduled ${LABEL[scope.jobKind]} ${scope.jobNameBase} of solution ${scope.solutionName}`;
  try {
    const plan = await loadPlanIfStored(deps.s3, deps.bucketName, run);
    const solution = plan?.solutions.find((s) => s.name === scope.solutionName);
    const jobs = scope.jobKind === 'batchInferenceJob' ? solution?.batchInferenceJobs : solution?.batchSegmentJobs;
    const job = jobs?.[scope.jobIndex];
    if (plan === undefined || solution === undefined || job === undefined || job.jobNameBase !== scope.jobNameBase) {
      throw new PermanentOpsError(
        `${what}: the run's plan has no such job (solutions[${scope.solutionName}].${scope.jobKind}s[${scope.jobIndex}])`,
      );
    }
    const promoted = await readPromotedVersion(deps.s3, deps.bucketName, run.datasetGroupName, solution.name);
    if (promoted === undefined) {
      throw new PermanentOpsError(
        `${what}: no version of the solution has been promoted yet; batch jobs run on the latest promoted version`,
      );
    }
    const names = batchRunNames(job, run.runStamp);
    await runBatchJob(
      run,
      plan,
      solution,
      { kind: scope.jobKind, job, jobName: names.jobName, outputPath: names.outputPath },
      promoted.solutionVersionArn,
      deps,
      report,
    );
  } catch (error) {
    const failure = permanentFailureOf(error);
    await publishStepFailed(run, deps, PIPELINE_STEP.batch, scope.jobKind, failure);
    report.failed.push(failure.reason);
  }
  return report;
}
