import { PIPELINE_STEP, type ResourceKind } from '@recops/events';
import type { DatasetPlan, Plan } from '@recops/core';
import {
  PermanentOpsError,
  ResourceNotReadyError,
  ensureDataset,
  ensureDatasetGroup,
  ensureEventTracker,
  ensureImportJob,
  ensureSchema,
  findDataset,
  findDatasetGroup,
  isFailedStatus,
  loadPlannedRun,
  loadRunOf,
  type ObjectLocation,
} from '@recops/core/ops';
import { permanentFailureOf, publishStepFailed, requestWatch, type RunRef } from '../run-events';
import { settleAll, type ChainDependencies } from '@recops/core/runtime';

/** Everything the provisioner's logic needs; the handler builds it from the runtime. */
interface ProvisionerDependencies extends ChainDependencies {
  /** Role Personalize assumes to read the CSVs, unless the plan names one per import job. */
  readonly personalizeRoleArn?: string;
}

/** What one reaction did, for the log. */
interface ProvisionReport {
  readonly created: string[];
  readonly reused: string[];
  readonly watched: string[];
  readonly failed?: string;
}

function emptyReport(): ProvisionReport {
  return { created: [], reused: [], watched: [] };
}

/**
 * Pipeline Requested. A run of everything: the dataset group first, always watched (even when it
 * exists and is ACTIVE), so that its Status Changed continues the chain and tells the run tracker
 * the group is there. A run of the file's imports: fresh import jobs into the existing datasets.
 * Retrain and batch runs provision nothing.
 */
async function onPipelineRequested(
  run: RunRef & { readonly plan: ObjectLocation },
  deps: ProvisionerDependencies,
): Promise<ProvisionReport> {
  const report = emptyReport();
  return guard(run, deps, report, 'datasetGroup', async () => {
    const { plan, scope } = await loadPlannedRun(deps.s3, run.plan);
    if (scope.kind === 'import') return importIntoExisting(run, plan, deps, report);
    if (scope.kind !== 'everything') return report;
    const group = plan.datasetGroup;
    const result = await ensureDatasetGroup(deps.personalize, {
      name: group.name,
      ...(group.domain !== undefined && { domain: group.domain }),
      ...(group.roleArn !== undefined && { roleArn: group.roleArn }),
      ...(group.kmsKeyArn !== undefined && { kmsKeyArn: group.kmsKeyArn }),
      tags: group.tags,
    });
    note(report, result.created, `datasetGroup ${group.name}`);
    if (isFailedStatus(result.status)) {
      return failStep(
        run,
        deps,
        report,
        'datasetGroup',
        result.arn,
        `dataset group ${group.name} is ${result.status}: ${result.failureReason ?? 'no reason given'}`,
      );
    }
    await requestWatch(run, deps, report, 'datasetGroup', result.arn);
    return report;
  });
}

/**
 * A run of the file's imports (an import schedule): fresh import jobs into the existing, ACTIVE
 * datasets, named with the run's stamp (a redelivered event reuses them). Nothing else is created:
 * the group and datasets come from an upload's run.
 */
async function importIntoExisting(
  run: RunRef,
  plan: Plan,
  deps: ProvisionerDependencies,
  report: ProvisionReport,
): Promise<ProvisionReport> {
  const group = await findDatasetGroup(deps.personalize, plan.datasetGroup.name);
  if (group?.datasetGroupArn === undefined) {
    throw new PermanentOpsError(
      `dataset group "${plan.datasetGroup.name}" does not exist yet; upload the parameter file to create it before its import schedule fires`,
    );
  }
  for (const dataset of plan.datasets) {
    if (dataset.importJob === undefined) continue;
    const found = await findDataset(deps.personalize, group.datasetGroupArn, dataset.type);
    if (found?.datasetArn === undefined) {
      throw new PermanentOpsError(
        `dataset ${dataset.type} of "${plan.datasetGroup.name}" does not exist yet; upload the parameter file first`,
      );
    }
    // Datasets are ACTIVE long before a schedule fires; an update in flight clears by itself.
    if (found.status !== 'ACTIVE') throw new ResourceNotReadyError(found.datasetArn, found.status ?? 'UNKNOWN');
    await startImport(run, dataset, found.datasetArn, deps, report);
  }
  return report;
}

/** Dataset Group Status Changed ACTIVE: schemas, datasets, event tracker; imports where datasets are ready. */
async function onDatasetGroupActive(
  run: RunRef & { readonly datasetGroupArn: string },
  deps: ProvisionerDependencies,
): Promise<ProvisionReport> {
  const report = emptyReport();
  return guard(run, deps, report, 'dataset', async () => {
    const { plan, scope } = await loadRunOf(deps.s3, deps.bucketName, run.datasetGroupName, run.runId);
    // Only a run of everything creates datasets; other runs' groups are watched by no one.
    if (scope.kind !== 'everything') return report;
    return provisionDatasets(run, plan, run.datasetGroupArn, deps, report);
  });
}

/** Dataset Status Changed ACTIVE (created or schema updated): that dataset's import job. */
async function onDatasetActive(run: RunRef & { readonly datasetArn: string }, deps: ProvisionerDependencies): Promise<ProvisionReport> {
  const report = emptyReport();
  return guard(run, deps, report, 'datasetImportJob', async () => {
    const { plan, scope } = await loadRunOf(deps.s3, deps.bucketName, run.datasetGroupName, run.runId);
    if (scope.kind !== 'everything') return report;
    const type = datasetTypeOf(run.datasetArn);
    const dataset = plan.datasets.find((d) => d.type.toUpperCase() === type);
    // A dataset the plan does not list (e.g. created by hand) has nothing to import in this run.
    if (dataset === undefined) return report;
    await startImport(run, dataset, run.datasetArn, deps, report);
    return report;
  });
}

/** `…:dataset/<group>/<TYPE>` → `TYPE` (upper case), as Personalize lays out dataset ARNs. */
function datasetTypeOf(datasetArn: string): string {
  return (datasetArn.slice(datasetArn.lastIndexOf('/') + 1) || datasetArn).toUpperCase();
}

async function provisionDatasets(
  run: RunRef,
  plan: Plan,
  datasetGroupArn: string,
  deps: ProvisionerDependencies,
  report: ProvisionReport,
): Promise<ProvisionReport> {
  // Datasets are independent of each other: provision them side by side.
  await settleAll(plan.datasets.map((dataset) => provisionDataset(run, dataset, datasetGroupArn, deps, report)));
  if (plan.eventTracker !== undefined) {
    const tracker = await ensureEventTracker(deps.personalize, {
      datasetGroupArn,
      name: plan.eventTracker.name,
      tags: plan.eventTracker.tags,
    });
    note(report, tracker.created, `eventTracker ${plan.eventTracker.name}`);
    // Watched even when ACTIVE: the run tracker counts it as a goal of the run.
    await requestWatch(run, deps, report, 'eventTracker', tracker.arn);
  }
  return report;
}

async function provisionDataset(
  run: RunRef,
  dataset: DatasetPlan,
  datasetGroupArn: string,
  deps: ProvisionerDependencies,
  report: ProvisionReport,
): Promise<void> {
  const schema = await ensureSchema(deps.personalize, {
    name: dataset.schema.name,
    schema: dataset.schema.schema,
    ...(dataset.schema.domain !== undefined && { domain: dataset.schema.domain }),
  });
  note(report, schema.outcome !== 'reused', `schema ${schema.name}`);
  const result = await ensureDataset(deps.personalize, {
    datasetGroupArn,
    datasetType: dataset.type,
    name: dataset.name,
    schemaArn: schema.arn,
    tags: dataset.tags,
  });
  note(report, result.created, `dataset ${dataset.name}`);
  if (result.schemaUpdate !== undefined) {
    // The import must read the new columns: wait for the dataset's schema update first.
    await requestWatch(run, deps, report, 'dataset', result.arn, 'update');
    return;
  }
  if (result.status === 'ACTIVE') {
    await startImport(run, dataset, result.arn, deps, report);
    return;
  }
  await requestWatch(run, deps, report, 'dataset', result.arn);
}

/** One import job per data location; the watcher is always asked, even for a job that already finished. */
async function startImport(
  run: RunRef,
  dataset: DatasetPlan,
  datasetArn: string,
  deps: ProvisionerDependencies,
  report: ProvisionReport,
): Promise<void> {
  const job = dataset.importJob;
  if (job === undefined) return;
  const roleArn = job.roleArn ?? deps.personalizeRoleArn;
  const result = await ensureImportJob(deps.personalize, {
    datasetArn,
    jobName: job.jobName,
    dataLocation: job.dataLocation.uri,
    ...(roleArn !== undefined && { roleArn }),
    importMode: job.importMode,
    tags: job.tags,
  });
  note(report, result.created, `datasetImportJob ${job.jobName}`);
  // Watching a finished job costs one Describe and yields its Status Changed, which the trainer's join needs.
  await requestWatch(run, deps, report, 'datasetImportJob', result.arn);
}

function note(report: ProvisionReport, created: boolean, what: string): void {
  (created ? report.created : report.reused).push(what);
}

/**
 * Runs a reaction; a failure that will not heal becomes Step Failed (the run tracker turns it into
 * the run's Pipeline Failed) and the record is done. Retryable failures propagate, so the record
 * returns to the queue with backoff.
 */
async function guard(
  run: RunRef,
  deps: ProvisionerDependencies,
  report: ProvisionReport,
  resourceKind: ResourceKind,
  work: () => Promise<ProvisionReport>,
): Promise<ProvisionReport> {
  try {
    return await work();
  } catch (error) {
    const failure = permanentFailureOf(error);
    return failStep(run, deps, report, resourceKind, failure.resourceArn, failure.reason, failure.errors);
  }
}

async function failStep(
  run: RunRef,
  deps: ProvisionerDependencies,
  report: ProvisionReport,
  resourceKind: ResourceKind,
  resourceArn: string | undefined,
  reason: string,
  errors: readonly { readonly path: string; readonly message: string }[] = [],
): Promise<ProvisionReport> {
  await publishStepFailed(run, deps, PIPELINE_STEP.provisioning, resourceKind, {
    ...(resourceArn !== undefined && { resourceArn }),
    reason,
    errors,
  });
  return { ...report, failed: reason };
}

export { onDatasetActive, onDatasetGroupActive, onPipelineRequested };
export type { ProvisionReport, ProvisionerDependencies };
