/**
 * batch-runner: runs the batch inference and batch segment jobs a solution declares, once the
 * promotion gate has decided: on the promoted version, or on the live version when the new one was
 * rejected (a rejected version never serves). After a rejection a job runs only when the live
 * version's newest output of it does not answer this run (see ./reuse.ts): a rejected scheduled
 * retrain with unchanged batch input starts no batch job. Job names are the plan's per-run names, so
 * a duplicate event finds the job it started instead of starting a second. Each job is recorded by
 * its output folder for the batch output notifier, then watched.
 */
import {
  paginateListFilters,
  type BatchInferenceJobConfig,
  type FilterSummary,
  type PersonalizeClient,
  type ThemeGenerationConfig,
} from '@aws-sdk/client-personalize';
import { PIPELINE_STEP } from '@recops/events';
import type { BatchInferenceJobPlan, BatchSegmentJobPlan, Plan, SolutionPlan } from '@recops/core';
import {
  ensureBatchJob,
  findDatasetGroup,
  OpsError,
  PermanentOpsError,
  ResourceNotReadyError,
  toOpsError,
  type BatchJobKind,
  type BatchJobSpec,
} from '@recops/core/ops';
import { inputObjects, outputFolder, parseS3Url, writeBatchJobRecord } from '../batch-records';
import { loadPlanIfStored } from '../model-records';
import { permanentFailureOf, publishStepFailed, requestWatch, type RunRef } from '../run-events';
import type { ChainDependencies } from '@recops/core/runtime';
import { batchJobSettings, keepCurrentOutput } from './reuse';

export interface BatchRunnerDependencies extends ChainDependencies {
  /** Role Personalize assumes to read the input and write the output, unless the job names its own. */
  readonly personalizeRoleArn: string;
  /** Owner of the per-run claim on announcing a kept output: stable across retries of one delivery. */
  readonly deliveryId: string;
}

export interface BatchRunReport {
  readonly started: string[];
  readonly reused: string[];
  readonly watched: string[];
  readonly skipped: string[];
  readonly failed: string[];
}

const LABEL: Record<BatchJobKind, string> = { batchInferenceJob: 'batch inference job', batchSegmentJob: 'batch segment job' };

/** One job to run: the plan's job with the name and output of this run. */
interface BatchJobRun {
  readonly kind: BatchJobKind;
  readonly job: BatchInferenceJobPlan | BatchSegmentJobPlan;
  readonly jobName: string;
  readonly outputPath: string;
}

/**
 * Promoted or Rejected: every batch job of the solution, on the version that serves after the
 * decision; after a rejection, a job whose live output still answers is kept instead of rerun.
 */
export async function onGateDecided(
  run: RunRef,
  decision: 'promoted' | 'rejected',
  solutionName: string,
  solutionVersionArn: string,
  deps: BatchRunnerDependencies,
): Promise<BatchRunReport> {
  const report: BatchRunReport = { started: [], reused: [], watched: [], skipped: [], failed: [] };
  const plan = await loadPlanIfStored(deps.s3, deps.bucketName, run);
  const solution = plan?.solutions.find((s) => s.name === solutionName);
  if (plan === undefined || solution === undefined) {
    report.skipped.push(`${solutionName}: no plan of run ${run.runId} names it`);
    return report;
  }
  for (const job of jobsOf(solution)) {
    if (decision === 'rejected') {
      const kept = await keepCurrentOutput(run, job.kind, job.job, solutionVersionArn, deps).catch((error: unknown) => {
        // Unable to tell whether the output still answers: run the job (it costs a job, loses nothing).
        report.skipped.push(`could not check the kept output of ${job.jobName}: ${(error as Error).message}`);
        return undefined;
      });
      if (kept !== undefined) {
        report.reused.push(`${LABEL[job.kind]} output of ${kept.jobName} (run ${kept.runId}): version rejected, same input and settings`);
        continue;
      }
    }
    await runBatchJob(run, plan, solution, job, solutionVersionArn, deps, report);
  }
  return report;
}

/** The solution's jobs with the names and outputs the plan resolved for its run. */
function jobsOf(solution: SolutionPlan): BatchJobRun[] {
  return [
    ...solution.batchInferenceJobs.map((job) => ({
      kind: 'batchInferenceJob' as const,
      job,
      jobName: job.jobName,
      outputPath: job.outputPath,
    })),
    ...solution.batchSegmentJobs.map((job) => ({
      kind: 'batchSegmentJob' as const,
      job,
      jobName: job.jobName,
      outputPath: job.outputPath,
    })),
  ];
}

/** Starts (or finds) one job; a failure that will not heal becomes Step Failed naming the job. */
export async function runBatchJob(
  run: RunRef,
  plan: Plan,
  solution: SolutionPlan,
  jobRun: BatchJobRun,
  solutionVersionArn: string,
  deps: BatchRunnerDependencies,
  report: BatchRunReport,
): Promise<void> {
  const { kind, job, jobName } = jobRun;
  const what = `${LABEL[kind]} ${jobName} (${job.sourcePath})`;
  try {
    const input = parseS3Url(job.inputPath);
    const output = outputFolder(jobRun.outputPath);
    await requireInput(deps, input, what, job.inputPath);
    const filterArn = await resolveFilter(deps.personalize, plan, job.filterArn, what);
    const result = await ensureBatchJob(deps.personalize, {
      kind,
      jobName,
      solutionVersionArn,
      inputPath: job.inputPath,
      outputPath: `s3://${output.bucket}/${output.key}`,
      ...(job.inputKmsKeyArn !== undefined && { inputKmsKeyArn: job.inputKmsKeyArn }),
      ...(job.outputKmsKeyArn !== undefined && { outputKmsKeyArn: job.outputKmsKeyArn }),
      roleArn: job.roleArn ?? deps.personalizeRoleArn,
      ...(job.numResults !== undefined && { numResults: job.numResults }),
      ...(filterArn !== undefined && { filterArn }),
      ...inferenceSettings(job),
      tags: job.tags,
    }).catch((error: unknown) => {
      // Name the job in a permanent failure (InvalidInput on a recipe, a role, a path), as Step Failed reports it.
      if (error instanceof OpsError && !error.retryable) throw new PermanentOpsError(`${what}: ${error.message}`, { cause: error });
      throw error;
    });
    (result.created ? report.started : report.reused).push(`${LABEL[kind]} ${jobName}`);
    await writeBatchJobRecord(deps.s3, deps.bucketName, {
      runId: run.runId,
      datasetGroupName: run.datasetGroupName,
      stage: run.stage,
      jobKind: kind,
      jobArn: result.arn,
      jobName,
      jobNameBase: job.jobNameBase,
      solutionName: solution.name,
      solutionVersionArn,
      input,
      output,
      startedAt: deps.now().toISOString(),
      settings: batchJobSettings(job),
    });
    await requestWatch(run, deps, report, kind, result.arn);
  } catch (error) {
    const failure = permanentFailureOf(error);
    await publishStepFailed(run, deps, PIPELINE_STEP.batch, kind, failure);
    report.failed.push(failure.reason);
  }
}

/** A batch inference job's own settings (config, mode, themes), as CreateBatchInferenceJob takes them. */
function inferenceSettings(job: BatchInferenceJobPlan | BatchSegmentJobPlan): Partial<BatchJobSpec> {
  if (!('batchInferenceJobMode' in job || 'batchInferenceJobConfig' in job || 'themeGenerationConfig' in job)) return {};
  const { batchInferenceJobConfig, batchInferenceJobMode, themeGenerationConfig } = job as BatchInferenceJobPlan;
  return {
    ...(batchInferenceJobConfig !== undefined && { batchInferenceJobConfig: batchInferenceJobConfig as BatchInferenceJobConfig }),
    ...(batchInferenceJobMode !== undefined && { batchInferenceJobMode }),
    ...(themeGenerationConfig !== undefined && { themeGenerationConfig: themeGenerationConfig as unknown as ThemeGenerationConfig }),
  };
}

/**
 * A job whose input is missing would only fail inside Personalize, later and with a vaguer reason:
 * checked first when the input is in recops' bucket (the only one recops may list).
 */
async function requireInput(
  deps: BatchRunnerDependencies,
  input: { bucket: string; key: string },
  what: string,
  inputPath: string,
): Promise<void> {
  if (input.bucket !== deps.bucketName) return;
  const found = await inputObjects(deps.s3, input).catch((error: unknown) => {
    throw toOpsError(error, `list the input of ${what}`);
  });
  if (found.length === 0) {
    throw new PermanentOpsError(
      `${what}: input ${inputPath} is missing; upload the JSON Lines input there or set jobInput.s3DataSource.path`,
    );
  }
}

/** `filterArn` may name a filter of the file: its ARN is looked up in the dataset group. */
async function resolveFilter(
  personalize: PersonalizeClient,
  plan: Plan,
  filter: string | undefined,
  what: string,
): Promise<string | undefined> {
  if (filter === undefined || filter.startsWith('arn:')) return filter;
  const group = await findDatasetGroup(personalize, plan.datasetGroup.name);
  const groupArn = group?.datasetGroupArn;
  if (groupArn === undefined)
    throw new PermanentOpsError(`${what}: dataset group ${plan.datasetGroup.name} not found while looking up filter "${filter}"`);
  let found: FilterSummary | undefined;
  try {
    for await (const page of paginateListFilters({ client: personalize }, { datasetGroupArn: groupArn })) {
      found = (page.Filters ?? []).find((f) => f.name === filter);
      if (found !== undefined) break;
    }
  } catch (error) {
    throw toOpsError(error, `ListFilters ${groupArn}`);
  }
  if (found?.filterArn === undefined)
    throw new PermanentOpsError(`${what}: filterArn "${filter}" names no filter of dataset group ${plan.datasetGroup.name}`);
  if (found.status !== 'ACTIVE') throw new ResourceNotReadyError(found.filterArn, found.status ?? 'UNKNOWN');
  return found.filterArn;
}
