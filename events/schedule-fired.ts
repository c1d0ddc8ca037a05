import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, personalizeName, s3Location, timestamp } from './fields';
import { EVENT_SOURCE } from './sources';

/** What a schedule asks for: re-import, full or update retraining, a batch inference or segment job. */
export const SCHEDULE_KIND = {
  import: 'import',
  full: 'full',
  update: 'update',
  batch: 'batch',
  segment: 'segment',
} as const;
export type ScheduleKind = (typeof SCHEDULE_KIND)[keyof typeof SCHEDULE_KIND];

/**
 * EventBridge Scheduler substitutes these context attributes in a target's input, so a schedule's
 * static detail can still carry a fresh runId and the fire time of each invocation.
 */
export const SCHEDULER_CONTEXT = {
  executionId: '<aws.scheduler.execution-id>',
  scheduledTime: '<aws.scheduler.scheduled-time>',
} as const;

export const scheduleFired = defineEvent({
  name: 'schedule-fired',
  source: EVENT_SOURCE.schedule,
  detailType: 'Schedule Fired',
  version: 1,
  description: 'A schedule from the parameter file fired (Scheduler puts it on the bus); runId is the Scheduler execution id.',
  detail: z.object({
    ...baseDetail,
    kind: z.enum(Object.values(SCHEDULE_KIND) as [ScheduleKind, ...ScheduleKind[]]),
    /** The Scheduler schedule's name. */
    scheduleName: z.string().min(1).max(64),
    /** The parameter file the schedule was created from. */
    config: s3Location,
    /** The solution (full/update/batch/segment) or job the schedule is for; absent for imports. */
    solutionName: personalizeName.optional(),
    jobName: personalizeName.optional(),
    firedAt: timestamp,
  }),
});
