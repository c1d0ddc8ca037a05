import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, personalizeArn, timestamp } from './fields';
import { RESOURCE_KINDS } from './resource-kinds';
import { EVENT_SOURCE } from './sources';

export const watchRequested = defineEvent({
  name: 'watch-requested',
  source: EVENT_SOURCE.personalize,
  detailType: 'Watch Requested',
  version: 1,
  description: 'Asks the status watcher to observe one Personalize resource until it is ACTIVE or failed (or its deadline passes).',
  detail: z.object({
    ...baseDetail,
    resourceKind: z.enum(RESOURCE_KINDS),
    resourceArn: personalizeArn,
    /** `update` watches `latest<Kind>Update` (campaigns, solutions, recommenders) instead of the resource's status. */
    operation: z.enum(['create', 'update']).default('create'),
    requestedAt: timestamp,
    /** Give up (and report DEADLINE EXCEEDED) after this instant; the watcher's per-kind default otherwise. */
    deadlineAt: timestamp.optional(),
  }),
});
