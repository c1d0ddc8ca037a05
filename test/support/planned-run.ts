/** Run documents for tests, as the run door stores them (`runs/<dsg>/<runId>/plan.json`). */
import type { RunScope, RunTrigger } from '@recops/events';
import { PLANNED_RUN_VERSION, type Plan, type PlannedRun } from '@recops/core';

export interface PlannedRunOptions {
  readonly runId?: string;
  readonly scope?: RunScope;
  readonly trigger?: RunTrigger;
  /** Defaults to the instant the plan's run stamp names. */
  readonly startedAt?: string;
  readonly scheduleName?: string;
}

export function plannedRunOf(plan: Plan, options: PlannedRunOptions = {}): PlannedRun {
  const stamp = plan.runStamp ?? '2026_01_02_03_04_05';
  const [y, mo, d, h, mi, s] = stamp.split('_').map(Number) as [number, number, number, number, number, number];
  const startedAt = options.startedAt ?? new Date(Date.UTC(y, mo - 1, d, h, mi, s)).toISOString();
  return {
    version: PLANNED_RUN_VERSION,
    run: { id: options.runId ?? `${stamp}-00000000`, stamp, startedAt },
    trigger: options.trigger ?? 'upload',
    scope: options.scope ?? { kind: 'everything' },
    ...(options.scheduleName !== undefined && { scheduleName: options.scheduleName }),
    config: { bucket: plan.bucket, key: plan.configKey },
    plan,
  };
}

/** Where the door stores a run's document. */
export function plannedRunKey(document: PlannedRun): string {
  return `runs/${document.plan.datasetGroup.name}/${document.run.id}/plan.json`;
}

/** The Pipeline Requested detail (with `schemaVersion`) the door publishes for `document`. */
export function pipelineRequestedDetail(document: PlannedRun, stage = 'test'): Record<string, unknown> {
  return {
    runId: document.run.id,
    datasetGroupName: document.plan.datasetGroup.name,
    stage,
    runStamp: document.run.stamp,
    startedAt: document.run.startedAt,
    trigger: document.trigger,
    scope: document.scope,
    ...(document.scheduleName !== undefined && { scheduleName: document.scheduleName }),
    config: document.config,
    plan: { bucket: document.config.bucket, key: plannedRunKey(document) },
    requestedAt: document.run.startedAt,
    schemaVersion: 2,
  };
}
