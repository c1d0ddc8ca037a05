import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, personalizeArn, s3Location, timestamp } from './fields';
import { RESOURCE_KINDS } from './resource-kinds';
import { EVENT_SOURCE } from './sources';

/** The step of the flow that failed. */
export const PIPELINE_STEP = {
  intake: 'intake',
  provisioning: 'provisioning',
  import: 'import',
  training: 'training',
  evaluation: 'evaluation',
  deployment: 'deployment',
  batch: 'batch',
  /** The status watcher observing a resource of the run. */
  watching: 'watching',
  /** The schedule manager applying the file's schedules. */
  scheduling: 'scheduling',
  /** The run tracker recording the run. */
  tracking: 'tracking',
} as const;
export type PipelineStep = (typeof PIPELINE_STEP)[keyof typeof PIPELINE_STEP];

export const pipelineFailed = defineEvent({
  name: 'pipeline-failed',
  source: EVENT_SOURCE.pipeline,
  detailType: 'Pipeline Failed',
  // 2: steps watching, scheduling and tracking (a message of those services dead-lettered).
  version: 2,
  description: 'A run ended in failure: an invalid parameter file (every error listed) or a resource that failed; published once per run.',
  detail: z.object({
    ...baseDetail,
    step: z.enum(Object.values(PIPELINE_STEP) as [PipelineStep, ...PipelineStep[]]),
    /** The resource that failed, when one exists (an invalid file has none). */
    resourceArn: personalizeArn.optional(),
    resourceKind: z.enum(RESOURCE_KINDS).optional(),
    /** One sentence a human can act on. */
    reason: z.string().min(1),
    /** Every individual error (all validation errors of a broken file), as `path: message`. */
    errors: z.array(z.object({ path: z.string(), message: z.string().min(1) })),
    config: s3Location.optional(),
    failedAt: timestamp,
  }),
});
