/**
 * run-starter's logic: a schedule of a parameter file fired. The run it starts goes through the
 * same door as an upload (`services/run-start.ts`): the file is read and resolved now, and the
 * run's scope (the file's imports, a retrain of one solution, one batch job) is checked against it.
 */
import type { ScheduleKind } from '@recops/events';
import { scheduledRunIdentity, scopeOfSchedule } from '@recops/core';
import { startRun, type RunStartClients, type RunStartOutcome, type RunStartSettings } from '../run-start';

/** The parts of Schedule Fired the starter reads. */
export interface FiredSchedule {
  /** The Scheduler execution id (unique per firing, equal for its duplicates). */
  readonly runId: string;
  readonly datasetGroupName: string;
  readonly kind: ScheduleKind;
  readonly scheduleName: string;
  readonly config: { readonly bucket: string; readonly key: string };
  readonly solutionName?: string | undefined;
  readonly jobName?: string | undefined;
  readonly firedAt: string;
}

export function startScheduledRun(fired: FiredSchedule, clients: RunStartClients, settings: RunStartSettings): Promise<RunStartOutcome> {
  return startRun(
    {
      trigger: 'schedule',
      identity: scheduledRunIdentity({ scheduleName: fired.scheduleName, executionId: fired.runId, firedAt: fired.firedAt }),
      config: fired.config,
      scheduleName: fired.scheduleName,
      datasetGroupName: fired.datasetGroupName,
      scopeOf: (plan) => scopeOfSchedule(fired, plan),
    },
    clients,
    settings,
  );
}
