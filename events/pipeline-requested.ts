import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, s3Location, timestamp } from './fields';
import { EVENT_SOURCE } from './sources';

/**
 * The resolved plan travels inline, or in S3 when the entry would exceed the 256 KB PutEvents limit.
 * Its shape is `packages/core`'s plan; consumers validate it with core, so the catalog keeps it opaque.
 */
export const planReference = z.discriminatedUnion('storage', [
  z.object({ storage: z.literal('inline'), plan: z.record(z.string(), z.unknown()) }),
  z.object({ storage: z.literal('s3'), location: s3Location }),
]);
export type PlanReference = z.infer<typeof planReference>;

export const pipelineRequested = defineEvent({
  name: 'pipeline-requested',
  source: EVENT_SOURCE.pipeline,
  detailType: 'Pipeline Requested',
  version: 1,
  description: 'A valid parameter file (or a schedule) starts a run; carries the resolved plan.',
  detail: z.object({
    ...baseDetail,
    /** What started the run. */
    trigger: z.enum(['upload', 'schedule']),
    /** The parameter file the plan was resolved from. */
    config: s3Location,
    plan: planReference,
    requestedAt: timestamp,
  }),
});
