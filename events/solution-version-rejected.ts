import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, personalizeArn, personalizeName, timestamp } from './fields';
import { solutionMetrics } from './solution-version-promoted';
import { EVENT_SOURCE } from './sources';

export const solutionVersionRejected = defineEvent({
  name: 'solution-version-rejected',
  source: EVENT_SOURCE.model,
  detailType: 'Solution Version Rejected',
  version: 1,
  description: 'A trained solution version failed the promotion gate; what serves today keeps serving.',
  detail: z.object({
    ...baseDetail,
    /** The rejected solution version. */
    resourceArn: personalizeArn,
    solutionArn: personalizeArn,
    solutionName: personalizeName,
    metrics: solutionMetrics,
    /** The metrics it was compared with (the serving version's), if any. */
    baselineMetrics: solutionMetrics.optional(),
    /** Which rule rejected it, e.g. `coverage 0.12 < 0.20 (minimum)`. */
    reason: z.string().min(1),
    rejectedAt: timestamp,
  }),
});
