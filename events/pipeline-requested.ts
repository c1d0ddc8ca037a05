import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, runStamp, s3Location, timestamp } from './fields';
import { runScope } from './run-scope';
import { EVENT_SOURCE } from './sources';

/** What started a run: a parameter file written under `train/`, or one of its schedules firing. */
export const RUN_TRIGGER = { upload: 'upload', schedule: 'schedule' } as const;
export type RunTrigger = (typeof RUN_TRIGGER)[keyof typeof RUN_TRIGGER];

export const pipelineRequested = defineEvent({
  name: 'pipeline-requested',
  source: EVENT_SOURCE.pipeline,
  detailType: 'Pipeline Requested',
  version: 2,
  description:
    'A run starts (a valid parameter file was uploaded, or one of its schedules fired): its identity, trigger, scope and the S3 location of its stored plan.',
  detail: z.object({
    ...baseDetail,
    /** The run stamp (`YYYY_MM_DD_HH_MM_SS`, UTC) per-run resource names carry. */
    runStamp,
    /** When the run started: the upload's event time, or the schedule's fire time. */
    startedAt: timestamp,
    trigger: z.enum([RUN_TRIGGER.upload, RUN_TRIGGER.schedule]),
    /** What the run is about; `everything` for uploads. */
    scope: runScope,
    /** The Scheduler schedule that fired, for scheduled runs. */
    scheduleName: z.string().min(1).max(64).optional(),
    /** The parameter file the plan was resolved from. */
    config: s3Location,
    /** The stored run document (`runs/<dsg>/<runId>/plan.json`: identity, trigger, scope, plan); written before this event. */
    plan: s3Location,
    requestedAt: timestamp,
  }),
});
