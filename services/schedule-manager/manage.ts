/** Pipeline Requested → the run's plan → the dataset group's schedules in the recops Scheduler group. */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { loadPlannedRun, plannedRunLocation, readPlannedRun, type ObjectLocation } from '@recops/core/ops';
import { isNewerRun, readAppliedRun, runOrderOf, writeAppliedRun, type AppliedRun } from './applied';
import { reconcileSchedules, type ScheduleReport } from './reconcile';
import { busArnOf } from './target';

/** Everything the manager needs; the handler builds it from the runtime. */
export interface ScheduleManagerDependencies {
  readonly scheduler: SchedulerClient;
  readonly s3: S3Client;
  /** The data bucket, where each dataset group's applied-run document lives. */
  readonly bucketName: string;
  readonly stage: string;
  readonly busName: string;
  readonly schedulerGroupName: string;
  readonly schedulerRoleArn: string;
}

/** The parts of Pipeline Requested the manager reads. */
export interface RequestedRun {
  readonly runId: string;
  readonly datasetGroupName: string;
  readonly config: { readonly bucket: string; readonly key: string };
  readonly plan: ObjectLocation;
  /** Orders runs whose runId carries no upload stamp. */
  readonly requestedAt?: string;
}

/** The reconciliation, or nothing done because a newer run's schedules stand (`supersededBy`). */
export interface ScheduleOutcome extends ScheduleReport {
  /** The newer run whose schedules the group carries instead of this run's. */
  readonly supersededBy?: string;
}

/**
 * Applies the run's schedules unless a newer run of the dataset group has claimed it. The claim
 * is written before applying, and read again after: a newer run that claimed the group meanwhile
 * may have applied its schedules before this delivery's writes landed, so this delivery then
 * applies the newer plan as well. Every delivery's last writes are thus the newest claimed plan's.
 */
export async function onPipelineRequested(run: RequestedRun, deps: ScheduleManagerDependencies): Promise<ScheduleOutcome> {
  const mine: AppliedRun = { runId: run.runId, order: runOrderOf(run.runId, run.requestedAt), config: run.config, plan: run.plan };
  for (;;) {
    const current = await readAppliedRun(deps.s3, deps.bucketName, run.datasetGroupName);
    if (current !== undefined && isNewerRun(current.value, mine))
      return { created: [], updated: [], unchanged: [], deleted: [], supersededBy: current.value.runId };
    // The same run again (a duplicate, or a retry after a failure mid-way): apply, changing only what differs.
    if (current?.value.runId === mine.runId) break;
    if ((await writeAppliedRun(deps.s3, deps.bucketName, run.datasetGroupName, mine, current?.etag)) === 'written') break;
    // Another delivery moved the document since the read: decide again on what it holds now.
  }
  let target = mine;
  for (;;) {
    const report = await applySchedules(target, deps);
    const latest = await readAppliedRun(deps.s3, deps.bucketName, run.datasetGroupName);
    if (latest === undefined || latest.value.runId === target.runId)
      return target === mine ? report : { ...report, supersededBy: target.runId };
    target = latest.value;
  }
}

async function applySchedules(run: AppliedRun, deps: ScheduleManagerDependencies): Promise<ScheduleReport> {
  const { plan } = await loadPlannedRun(deps.s3, run.plan);
  const region = await deps.scheduler.config.region();
  return reconcileSchedules(deps.scheduler, plan, run.config, {
    groupName: deps.schedulerGroupName,
    roleArn: deps.schedulerRoleArn,
    busArn: busArnOf(deps.busName, deps.schedulerRoleArn, region),
    stage: deps.stage,
  });
}

/** The run a Dataset Group Status Changed ACTIVE is about. */
export interface ActiveGroupRun {
  readonly runId: string;
  readonly datasetGroupName: string;
}

/** What the manager did for a run whose dataset group is ACTIVE: applied its schedules, or why not. */
export type GroupActiveOutcome = ({ readonly kind: 'applied' } & ScheduleOutcome) | { readonly kind: 'skipped'; readonly reason: string };

/**
 * A run's schedules are applied once its dataset group is ACTIVE, never before: a run whose group
 * could not be created (a quota, a name taken, no permission) gets no schedule that would fire
 * against a group that does not exist. Only an upload changes what the file asks for; a scheduled
 * run leaves the schedules as they are. An event about a run without a run document (a run that
 * never started) changes nothing.
 */
export async function onDatasetGroupActive(run: ActiveGroupRun, deps: ScheduleManagerDependencies): Promise<GroupActiveOutcome> {
  const location = plannedRunLocation(deps.bucketName, run.datasetGroupName, run.runId);
  const document = await readPlannedRun(deps.s3, location);
  if (document === undefined)
    return { kind: 'skipped', reason: `no run ${run.runId}: s3://${location.bucket}/${location.key} does not exist` };
  if (document.trigger !== 'upload')
    return { kind: 'skipped', reason: `run ${run.runId} is a ${document.trigger} run: schedules unchanged` };
  const outcome = await onPipelineRequested(
    {
      runId: run.runId,
      datasetGroupName: run.datasetGroupName,
      config: document.config,
      plan: location,
      requestedAt: document.run.startedAt,
    },
    deps,
  );
  return { kind: 'applied', ...outcome };
}
