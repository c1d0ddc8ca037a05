import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, personalizeArn, timestamp } from './fields';
import { PIPELINE_STEP, type PipelineStep } from './pipeline-failed';
import { RESOURCE_KINDS } from './resource-kinds';
import { EVENT_SOURCE } from './sources';

/**
 * A service met a failure that will not heal (an incompatible schema change, a CreateX refused with
 * InvalidInput, a plan that cannot be read). Services publish this instead of Pipeline Failed so
 * that the run tracker stays the only publisher of a run's outcome, and publishes it exactly once.
 */
export const stepFailed = defineEvent({
  name: 'step-failed',
  source: EVENT_SOURCE.pipeline,
  detailType: 'Step Failed',
  // 2: the step enum of Pipeline Failed v2.
  version: 2,
  description: "A step of a run failed for good; the run tracker turns it into the run's single Pipeline Failed.",
  detail: z.object({
    ...baseDetail,
    step: z.enum(Object.values(PIPELINE_STEP) as [PipelineStep, ...PipelineStep[]]),
    resourceArn: personalizeArn.optional(),
    resourceKind: z.enum(RESOURCE_KINDS).optional(),
    reason: z.string().min(1),
    errors: z.array(z.object({ path: z.string(), message: z.string().min(1) })).default([]),
    failedAt: timestamp,
  }),
});
