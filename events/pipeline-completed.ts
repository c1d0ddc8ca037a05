import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, personalizeArn, personalizeName, s3Prefix, timestamp } from './fields';
import { RESOURCE_KINDS } from './resource-kinds';
import { RUN_TRIGGER } from './pipeline-requested';
import { BATCH_JOB_KINDS, runScope } from './run-scope';
import { EVENT_SOURCE } from './sources';

export const pipelineCompleted = defineEvent({
  name: 'pipeline-completed',
  source: EVENT_SOURCE.pipeline,
  detailType: 'Pipeline Completed',
  version: 2,
  description:
    'Every goal of the run was met (its resources ACTIVE, each trained version promoted or rejected, each campaign deployed, each batch output ready); published once per run by the run tracker.',
  detail: z.object({
    ...baseDetail,
    /** The dataset group's ARN. */
    resourceArn: personalizeArn,
    trigger: z.enum([RUN_TRIGGER.upload, RUN_TRIGGER.schedule]),
    scope: runScope,
    startedAt: timestamp,
    completedAt: timestamp,
    /** Every resource the run waited on, in the order it became ACTIVE. */
    resources: z.array(z.object({ kind: z.enum(RESOURCE_KINDS), arn: personalizeArn })),
    /** Solution versions that passed the promotion gate, with the figures compared. */
    promoted: z.array(
      z.object({
        solutionName: personalizeName,
        solutionVersionArn: personalizeArn,
        metric: z.string().min(1),
        candidate: z.number().optional(),
        baseline: z.number().optional(),
        rule: z.string().min(1),
      }),
    ),
    /** Solution versions the gate rejected: why, both figures, and the version that keeps serving. */
    rejected: z.array(
      z.object({
        solutionName: personalizeName,
        solutionVersionArn: personalizeArn,
        liveSolutionVersionArn: personalizeArn.optional(),
        metric: z.string().min(1),
        candidate: z.number().optional(),
        baseline: z.number().optional(),
        rule: z.string().min(1),
        reason: z.string().min(1),
      }),
    ),
    /** Campaigns serving a version of this run. */
    deployed: z.array(
      z.object({
        campaignName: personalizeName,
        campaignArn: personalizeArn,
        solutionName: personalizeName,
        solutionVersionArn: personalizeArn,
        operation: z.enum(['create', 'update', 'unchanged']),
      }),
    ),
    /** Batch outputs ready (with `_CHECK` and `manifest.json`). */
    batchOutputs: z.array(
      z.object({
        jobKind: z.enum(BATCH_JOB_KINDS),
        jobName: personalizeName,
        jobArn: personalizeArn,
        solutionName: personalizeName,
        output: s3Prefix,
      }),
    ),
  }),
});
