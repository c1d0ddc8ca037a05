/** Pipeline Requested → the run's plan → the dataset group's schedules in the recops Scheduler group. */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { loadPlannedRun, type ObjectLocation } from '@recops/core/ops';
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
