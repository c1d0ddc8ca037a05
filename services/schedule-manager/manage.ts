/** Pipeline Requested → the run's plan → the dataset group's schedules in the recops Scheduler group. */
import type { S3Client } from '@aws-sdk/client-s3';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import { loadPlan, type PlanSource } from '../../packages/core/src/ops';
import { reconcileSchedules, type ScheduleReport } from './reconcile';
import { busArnOf } from './target';

/** Everything the manager needs; the handler builds it from the runtime. */
export interface ScheduleManagerDependencies {
  readonly scheduler: SchedulerClient;
  readonly s3: S3Client;
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
  readonly plan: PlanSource;
}

export async function onPipelineRequested(run: RequestedRun, deps: ScheduleManagerDependencies): Promise<ScheduleReport> {
  const plan = await loadPlan(deps.s3, run.plan);
  const region = await deps.scheduler.config.region();
  return reconcileSchedules(deps.scheduler, plan, run.config, {
    groupName: deps.schedulerGroupName,
    roleArn: deps.schedulerRoleArn,
    busArn: busArnOf(deps.busName, deps.schedulerRoleArn, region),
    stage: deps.stage,
  });
}
