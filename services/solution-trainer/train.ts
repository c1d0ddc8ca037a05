import type { SolutionConfig } from '@aws-sdk/client-personalize';
import { PIPELINE_STEP, type ResourceKind } from '@recops/events';
import { runStartOf as startOfRun, type Plan, type PlannedRun, type SolutionPlan, type TrainingMode } from '@recops/core';
import {
  PermanentOpsError,
  ResourceNotReadyError,
  RetryableOpsError,
  ensureFilter,
  ensureRecommender,
  ensureSolution,
  ensureSolutionVersion,
  findDataset,
  findDatasetGroup,
  findImportJob,
  findSolution,
  hasImportedData,
  isFailedStatus,
  loadPlannedRun,
  loadRunOf,
  type ObjectLocation,
} from '@recops/core/ops';
import { claimForAttempt, claimKey, releaseAttempt, settleAll, type ChainDependencies, type ClaimAttempt } from '@recops/core/runtime';
import { permanentFailureOf, publishStepFailed, requestWatch, type RunRef } from '../run-events';

interface TrainerDependencies extends ChainDependencies {
  /**
   * This delivery attempt: holder of the claims it takes. Two attempts of one message (SQS handing
   * it out again while the first still runs) differ, so only one creates; a claim whose holder was
   * stopped lapses at its deadline, so a retry after a crash can take it over.
   */
  readonly attempt: ClaimAttempt;
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
 * filters, solutions (and their versions) and recommenders created, all idempotently. A run of
 * the file's imports only (an import schedule) trains nothing.
 */
async function onImportActive(run: RunRef, deps: TrainerDependencies): Promise<TrainReport> {
  const report = emptyReport();
  return guard(run, deps, report, 'datasetImportJob', async () => {
    const planned = await loadRunOf(deps.s3, deps.bucketName, run.datasetGroupName, run.runId);
    if (planned.scope.kind !== 'everything') return report;
    const { plan } = planned;
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
          found?.datasetArn === undefined ? undefined : await findImportJob(deps.personalize, found.datasetArn, dataset.importJob.jobName);
        if (job?.status !== 'ACTIVE') report.waitingFor.push(`${dataset.importJob.jobName} ${job?.status ?? 'NOT FOUND'}`);
      }),
    );
    // A failed import fails the run through its own Status Changed; nothing to train either way.
    if (report.waitingFor.length > 0) return report;
    await train(run, planned, datasetGroupArn, deps, report);
    return report;
  });
}

/**
 * Dataset Group Status Changed ACTIVE: a run of everything whose file imports nothing (no datasets
 * section, or datasets whose import jobs are all off: CDK `createNewJob: false`) trains now on the
 * data already in the group, as no import will say when. Datasets the file declares are created
 * beside this (dataset-provisioner): until each is ACTIVE the record is retried.
 */
async function onDatasetGroupActive(run: RunRef & { readonly datasetGroupArn: string }, deps: TrainerDependencies): Promise<TrainReport> {
  const report = emptyReport();
  return guard(run, deps, report, 'solution', async () => {
    const planned = await loadRunOf(deps.s3, deps.bucketName, run.datasetGroupName, run.runId);
    if (planned.scope.kind !== 'everything' || planned.plan.datasets.some((d) => d.importJob !== undefined)) return report;
    for (const dataset of planned.plan.datasets) {
      const found = await findDataset(deps.personalize, run.datasetGroupArn, dataset.type);
      if (found?.status !== 'ACTIVE') {
        throw new ResourceNotReadyError(found?.datasetArn ?? `${dataset.type} dataset ${dataset.name}`, found?.status ?? 'NOT CREATED');
      }
    }
    await train(run, planned, run.datasetGroupArn, deps, report);
    return report;
  });
}

/**
 * Pipeline Requested of a retrain (a full/update schedule): one new version of the existing, ACTIVE
 * solution, trained in the schedule's mode and named with the run's stamp.
 */
async function onRetrainRequested(run: RunRef & { readonly plan: ObjectLocation }, deps: TrainerDependencies): Promise<TrainReport> {
  const report = emptyReport();
  return guard(run, deps, report, 'solutionVersion', async () => {
    const planned = await loadPlannedRun(deps.s3, run.plan);
    const { plan, scope } = planned;
    if (scope.kind !== 'retrain') return report;
    const solution = plan.solutions.find((s) => s.name === scope.solutionName);
    if (solution === undefined)
      throw new PermanentOpsError(`the run retrains solution "${scope.solutionName}", which its plan does not define`);
    const group = await findDatasetGroup(deps.personalize, plan.datasetGroup.name);
    const existing =
      group?.datasetGroupArn === undefined ? undefined : await findSolution(deps.personalize, group.datasetGroupArn, solution.name);
    if (existing?.solutionArn === undefined) {
      throw new PermanentOpsError(
        `solution "${solution.name}" does not exist yet; upload the parameter file to create it before its schedule fires`,
      );
    }
    // Solutions settle within minutes; the queue's backoff covers an update in flight.
    if (existing.status !== 'ACTIVE')
      throw new RetryableOpsError(`solution "${solution.name}" is ${existing.status ?? 'UNKNOWN'}, not ACTIVE yet`);
    await trainVersion(run, solution, existing.solutionArn, runStartOf(planned, deps), scope.trainingMode, deps, report);
    return report;
  });
}

/** Solution Status Changed ACTIVE: the solution of this run can now train its version. */
async function onSolutionActive(run: RunRef & { readonly solutionArn: string }, deps: TrainerDependencies): Promise<TrainReport> {
  const report = emptyReport();
  return guard(run, deps, report, 'solutionVersion', async () => {
    const planned = await loadRunOf(deps.s3, deps.bucketName, run.datasetGroupName, run.runId);
    const name = run.solutionArn.slice(run.solutionArn.lastIndexOf('/') + 1);
    const solution = planned.plan.solutions.find((s) => s.name === name);
    if (solution === undefined || planned.scope.kind !== 'everything') return report;
    await trainVersion(run, solution, run.solutionArn, runStartOf(planned, deps), undefined, deps, report);
    return report;
  });
}

/**
 * A run that imports no interactions (a file without datasets, or one whose INTERACTIONS import is
 * off) trains on the group's existing data: the INTERACTIONS dataset must hold imported data, or
 * Personalize would fail later with a vaguer reason.
 */
async function requireInteractionsData(plan: Plan, datasetGroupArn: string, deps: TrainerDependencies): Promise<void> {
  const declared = plan.datasets.find((d) => d.type === 'INTERACTIONS');
  if (declared?.importJob !== undefined) return;
  if (plan.solutions.length === 0) return;
  const interactions = await findDataset(deps.personalize, datasetGroupArn, 'INTERACTIONS');
  const why =
    interactions?.datasetArn === undefined
      ? 'has no INTERACTIONS dataset'
      : (await hasImportedData(deps.personalize, interactions.datasetArn))
        ? undefined
        : 'has an INTERACTIONS dataset but no finished import into it';
  if (why === undefined) return;
  const because =
    declared === undefined
      ? "the parameter file declares no datasets, so its solutions train on the group's existing interactions data; import interactions into the group (or add a datasets section) and upload the file again"
      : `the parameter file imports nothing into it (${declared.sourcePath}.datasetImportJob is absent or createNewJob is false), so its solutions train on the data already there; import interactions (set createNewJob: true) and upload the file again`;
  throw new PermanentOpsError(`dataset group "${plan.datasetGroup.name}" ${why}: ${because}`);
}

async function train(
  run: RunRef,
  planned: PlannedRun,
  datasetGroupArn: string,
  deps: TrainerDependencies,
  report: TrainReport,
): Promise<void> {
  const { plan } = planned;
  await requireInteractionsData(plan, datasetGroupArn, deps);
  await settleAll(
    plan.filters.map(async (filter) => {
      const result = await ensureFilter(deps.personalize, {
        datasetGroupArn,
        name: filter.name,
        filterExpression: filter.filterExpression,
        tags: filter.tags,
      });
      note(report, result.created, `filter ${filter.name}`);
      // Watched even when ACTIVE: the run tracker counts it as a goal of the run.
      await requestWatch(run, deps, report, 'filter', result.arn);
    }),
  );
  await settleAll(
    plan.recommenders.map(async (recommender) => {
      const result = await ensureRecommender(deps.personalize, {
        datasetGroupArn,
        name: recommender.name,
        recipeArn: recommender.recipeArn,
        ...(recommender.recommenderConfig !== undefined && { recommenderConfig: recommender.recommenderConfig as never }),
        tags: recommender.tags,
      });
      note(report, result.created, `recommender ${recommender.name}`);
      // Watched even when ACTIVE: the run tracker counts it as a goal of the run.
      await requestWatch(run, deps, report, 'recommender', result.arn);
    }),
  );
  const runStart = runStartOf(planned, deps);
  await settleAll(
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
    throw new PermanentOpsError(
      `${solution.sourcePath}.serviceConfig.recipeArn is missing: recops needs an explicit recipe for solution "${solution.name}"`,
    );
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
  if (result.status === 'ACTIVE') {
    // A solution the file does not train is itself the run's goal: watched so the tracker sees it.
    if (solution.version === undefined) await requestWatch(run, deps, report, 'solution', result.arn);
    return result.arn;
  }
  if (isFailedStatus(result.status)) {
    throw new PermanentOpsError(
      `solution "${solution.name}" exists in state ${result.status} and cannot train; delete it or rename the solution in the parameter file`,
    );
  }
  await requestWatch(run, deps, report, 'solution', result.arn);
  return undefined;
}

/**
 * `autoMLConfig` is deprecated in Personalize: dropped with a warning. (`performAutoML` cannot reach a
 * plan: validation drops it, and the plan schema refuses unknown fields.)
 */
function withoutAutoML(solution: SolutionPlan, report: TrainReport): SolutionConfig | undefined {
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
): Promise<void> {
  const version = solution.version;
  if (version === undefined) return;
  const name = version.name;
  // Version names are not unique in Personalize: only the delivery holding the claim creates it.
  const key = claimKey(run.datasetGroupName, run.runId, `solution-version/${solution.name}/${name}`);
  const result = await ensureSolutionVersion(deps.personalize, {
    solutionArn,
    name,
    trainingMode: trainingMode ?? version.trainingMode,
    tags: version.tags,
    ...(runStart !== undefined && { createdAfter: runStart }),
    // An S3 failure here is not an OpsError: the record returns to the queue and is retried as is.
    claim: async () => (await claimForAttempt(deps.s3, deps.bucketName, key, deps.attempt, deps.now())).claimed,
    release: () => releaseAttempt(deps.s3, deps.bucketName, key, deps.attempt, deps.now()),
  });
  note(report, result.created, `solutionVersion ${name}`);
  // Always watched, even when reused: the next step waits for its Status Changed.
  await requestWatch(run, deps, report, 'solutionVersion', result.arn);
}

/** When the run started; a start in the future (clock skew) would hide the run's own versions: no bound then. */
function runStartOf(planned: PlannedRun, deps: TrainerDependencies): Date | undefined {
  const start = startOfRun(planned.run);
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

export { onDatasetGroupActive, onImportActive, onRetrainRequested, onSolutionActive };
export type { TrainReport, TrainerDependencies };
