import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { PersonalizeClient, SolutionConfig } from '@aws-sdk/client-personalize';
import type { S3Client } from '@aws-sdk/client-s3';
import { PIPELINE_STEP, type ResourceKind } from '@recops/events';
import type { Plan, SolutionPlan, TrainingMode } from '@recops/core';
import {
  PermanentOpsError,
  ensureFilter,
  ensureRecommender,
  ensureSolution,
  ensureSolutionVersion,
  findDataset,
  findDatasetGroup,
  findImportJob,
  isFailedStatus,
  loadRunPlan,
} from '@recops/core/ops';
import { claimKey, claimOnce } from '@recops/core/runtime';
import { permanentFailureOf, publishStepFailed, requestWatch, type RunRef } from '../run-events';

interface TrainerDependencies {
  readonly personalize: PersonalizeClient;
  readonly s3: S3Client;
  readonly eventBridge: EventBridgeClient;
  readonly busName: string;
  readonly bucketName: string;
  /**
   * The SQS messageId of the record being processed: owner of the claims this delivery takes. It
   * stays the same when SQS hands the record out again, so a retry keeps its claim, while a
   * duplicate of the event (another message) cannot take it.
   */
  readonly deliveryId: string;
  readonly now: () => Date;
}

/** What one reaction did, for the log. */
interface TrainReport {
  /** Imports of the run not ACTIVE yet (the join is not complete), as `jobName STATUS`. */
  readonly waitingFor: string[];
  readonly created: string[];
  readonly reused: string[];
  readonly watched: string[];
  /** Settings dropped from the plan, e.g. performAutoML. */
  readonly warnings: string[];
  failed?: string;
}

function emptyReport(): TrainReport {
  return { waitingFor: [], created: [], reused: [], watched: [], warnings: [] };
}

/**
 * Dataset Import Job Status Changed ACTIVE: the join. Whatever order and however often these
 * events arrive, Personalize is asked whether every import of the run is ACTIVE; only then are
 * filters, solutions (and their versions) and recommenders created, all idempotently.
 */
async function onImportActive(run: RunRef, deps: TrainerDependencies): Promise<TrainReport> {
  const report = emptyReport();
  return guard(run, deps, report, 'datasetImportJob', async () => {
    const plan = await loadTrainingPlan(run, deps);
    if (plan === undefined) {
      report.warnings.push(`run ${run.runId} has no stored plan (not started from a parameter file, e.g. a scheduled import): nothing to train`);
      return report;
    }
    const group = await findDatasetGroup(deps.personalize, plan.datasetGroup.name);
    if (group?.datasetGroupArn === undefined) {
      report.waitingFor.push(`datasetGroup ${plan.datasetGroup.name} NOT FOUND`);
      return report;
    }
    const datasetGroupArn = group.datasetGroupArn;
    await Promise.all(
      plan.datasets.map(async (dataset) => {
        if (dataset.importJob === undefined) return;
        const found = await findDataset(deps.personalize, datasetGroupArn, dataset.type);
        const job =
          found?.datasetArn === undefined
            ? undefined
            : await findImportJob(deps.personalize, found.datasetArn, dataset.importJob.jobName);
        if (job?.status !== 'ACTIVE') report.waitingFor.push(`${dataset.importJob.jobName} ${job?.status ?? 'NOT FOUND'}`);
      }),
    );
    // A failed import fails the run through its own Status Changed; nothing to train either way.
    if (report.waitingFor.length > 0) return report;
    await train(run, plan, datasetGroupArn, deps, report);
    return report;
  });
}

/** The run's plan, or undefined when the run has none stored (only uploads store one). */
async function loadTrainingPlan(run: RunRef, deps: TrainerDependencies): Promise<Plan | undefined> {
  try {
    return await loadRunPlan(deps.s3, deps.bucketName, run.datasetGroupName, run.runId);
  } catch (error) {
    const cause = (error as { cause?: { name?: unknown } }).cause;
    if (cause?.name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** Solution Status Changed ACTIVE: the solution of this run can now train its version. */
async function onSolutionActive(run: RunRef & { readonly solutionArn: string }, deps: TrainerDependencies): Promise<TrainReport> {
  const report = emptyReport();
  return guard(run, deps, report, 'solutionVersion', async () => {
    const plan = await loadRunPlan(deps.s3, deps.bucketName, run.datasetGroupName, run.runId);
    const name = run.solutionArn.slice(run.solutionArn.lastIndexOf('/') + 1);
    const solution = plan.solutions.find((s) => s.name === name);
    if (solution === undefined) return report;
    await trainVersion(run, solution, run.solutionArn, runStartOf(plan, deps), undefined, deps, report);
    return report;
  });
}

async function train(run: RunRef, plan: Plan, datasetGroupArn: string, deps: TrainerDependencies, report: TrainReport): Promise<void> {
  await Promise.all(
    plan.filters.map(async (filter) => {
      const result = await ensureFilter(deps.personalize, {
        datasetGroupArn,
        name: filter.name,
        filterExpression: filter.filterExpression,
        tags: filter.tags,
      });
      note(report, result.created, `filter ${filter.name}`);
      if (result.status !== 'ACTIVE') await requestWatch(run, deps, report, 'filter', result.arn);
    }),
  );
  await Promise.all(
    plan.recommenders.map(async (recommender) => {
      const result = await ensureRecommender(deps.personalize, {
        datasetGroupArn,
        name: recommender.name,
        recipeArn: recommender.recipeArn,
        ...(recommender.recommenderConfig !== undefined && { recommenderConfig: recommender.recommenderConfig as never }),
        tags: recommender.tags,
      });
      note(report, result.created, `recommender ${recommender.name}`);
      if (result.status !== 'ACTIVE') await requestWatch(run, deps, report, 'recommender', result.arn);
    }),
  );
  const runStart = runStartOf(plan, deps);
  await Promise.all(
    plan.solutions.map(async (solution) => {
      const solutionArn = await provisionSolution(run, solution, datasetGroupArn, deps, report);
      if (solutionArn !== undefined) await trainVersion(run, solution, solutionArn, runStart, undefined, deps, report);
    }),
  );
}

/**
 * Creates or reuses the solution. Returns its ARN when it is ACTIVE (a version can train now);
 * otherwise asks the watcher and returns undefined (Solution Status Changed continues).
 */
async function provisionSolution(
  run: RunRef,
  solution: SolutionPlan,
  datasetGroupArn: string,
  deps: TrainerDependencies,
  report: TrainReport,
): Promise<string | undefined> {
  if (solution.recipeArn === undefined) {
    throw new PermanentOpsError(`${solution.sourcePath}.serviceConfig.recipeArn is missing: recops needs an explicit recipe for solution "${solution.name}"`);
  }
  const solutionConfig = withoutAutoML(solution, report);
  const result = await ensureSolution(deps.personalize, {
    datasetGroupArn,
    name: solution.name,
    recipeArn: solution.recipeArn,
    ...(solution.eventType !== undefined && { eventType: solution.eventType }),
    ...(solution.performHPO !== undefined && { performHPO: solution.performHPO }),
    // recops trains on its own schedules; Personalize's weekly auto-training only when the file asks for it.
    performAutoTraining: solution.performAutoTraining ?? false,
    ...(solution.performIncrementalUpdate !== undefined && { performIncrementalUpdate: solution.performIncrementalUpdate }),
    ...(solutionConfig !== undefined && { solutionConfig }),
    tags: solution.tags,
  });
  note(report, result.created, `solution ${solution.name}`);
  if (result.status === 'ACTIVE') return result.arn;
  if (isFailedStatus(result.status)) {
    throw new PermanentOpsError(
      `solution "${solution.name}" exists in state ${result.status} and cannot train; delete it or rename the solution in the parameter file`,
    );
  }
  await requestWatch(run, deps, report, 'solution', result.arn);
  return undefined;
}

/** `performAutoML` and `autoMLConfig` are deprecated in Personalize: dropped with a warning. */
function withoutAutoML(solution: SolutionPlan, report: TrainReport): SolutionConfig | undefined {
  if ((solution as { performAutoML?: unknown }).performAutoML !== undefined) {
    report.warnings.push(`${solution.sourcePath}.performAutoML is deprecated and was ignored; the solution uses its recipeArn`);
  }
  const config = solution.solutionConfig as (SolutionConfig & { autoMLConfig?: unknown }) | undefined;
  if (config?.autoMLConfig === undefined) return config;
  report.warnings.push(`${solution.sourcePath}.solutionConfig.autoMLConfig is deprecated with performAutoML and was ignored`);
  const { autoMLConfig: _dropped, ...rest } = config;
  return rest;
}

/** One version per run and solution; `trainingMode` overrides the plan's (a schedule's kind). */
async function trainVersion(
  run: RunRef,
  solution: SolutionPlan,
  solutionArn: string,
  runStart: Date | undefined,
  trainingMode: TrainingMode | undefined,
  deps: TrainerDependencies,
  report: TrainReport,
  versionName?: string,
): Promise<void> {
  const version = solution.version;
  if (version === undefined) return;
  const name = versionName ?? version.name;
  // Version names are not unique in Personalize: only the delivery holding the claim creates it.
  const key = claimKey(run.datasetGroupName, run.runId, `solution-version/${solution.name}/${name}`);
  const result = await ensureSolutionVersion(deps.personalize, {
    solutionArn,
    name,
    trainingMode: trainingMode ?? version.trainingMode,
    tags: version.tags,
    ...(runStart !== undefined && { createdAfter: runStart }),
    // An S3 failure here is not an OpsError: the record returns to the queue and is retried as is.
    claim: async () => (await claimOnce(deps.s3, deps.bucketName, key, deps.deliveryId, deps.now())).claimed,
  });
  note(report, result.created, `solutionVersion ${name}`);
  // Always watched, even when reused: the next step waits for its Status Changed.
  await requestWatch(run, deps, report, 'solutionVersion', result.arn);
}

/** When the run started, from its plan's run stamp (`YYYY_MM_DD_HH_MM_SS`, UTC). */
function runStartOf(plan: Plan, deps: TrainerDependencies): Date | undefined {
  const match = /^(\d{4})_(\d{2})_(\d{2})_(\d{2})_(\d{2})_(\d{2})$/.exec(plan.runStamp ?? '');
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const start = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // A stamp in the future would hide the run's own versions: fall back to no bound.
  return start.getTime() <= deps.now().getTime() ? start : undefined;
}

function note(report: TrainReport, created: boolean, what: string): void {
  (created ? report.created : report.reused).push(what);
}

/** Permanent failures become Step Failed (step `training`); retryable ones propagate to the queue. */
async function guard(
  run: RunRef,
  deps: TrainerDependencies,
  report: TrainReport,
  resourceKind: ResourceKind,
  work: () => Promise<TrainReport>,
): Promise<TrainReport> {
  try {
    return await work();
  } catch (error) {
    const failure = permanentFailureOf(error);
    await publishStepFailed(run, deps, PIPELINE_STEP.training, resourceKind, failure);
    report.failed = failure.reason;
    return report;
  }
}

export { onImportActive, onSolutionActive, provisionSolution, trainVersion, guard };
export type { RunRef, TrainReport, TrainerDependencies };
