import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, personalizeArn, timestamp } from './fields';
import { RESOURCE_KINDS } from './resource-kinds';
import { EVENT_SOURCE } from './sources';

export const pipelineCompleted = defineEvent({
  name: 'pipeline-completed',
  source: EVENT_SOURCE.pipeline,
  detailType: 'Pipeline Completed',
  version: 1,
  description: 'Every resource of the run reached ACTIVE; published once per run by the run tracker.',
  detail: z.object({
    ...baseDetail,
    /** The dataset group's ARN. */
    resourceArn: personalizeArn,
    startedAt: timestamp,
    completedAt: timestamp,
    /** Every resource the run waited on, in the order it became ACTIVE. */
    resources: z.array(z.object({ kind: z.enum(RESOURCE_KINDS), arn: personalizeArn })),
  }),
});
