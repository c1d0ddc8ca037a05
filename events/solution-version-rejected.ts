import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, personalizeArn, personalizeName, timestamp } from './fields';
import { promotionGate, solutionMetrics } from './solution-version-promoted';
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
    /** The metrics it was compared with (the live version's). */
    baselineMetrics: solutionMetrics.optional(),
    /** The version that keeps serving (the gate's baseline). */
    liveSolutionVersionArn: personalizeArn,
    gate: promotionGate,
    /** Why, as one sentence: `normalized_discounted_cumulative_gain_at_10 0.2500 < 0.2980 + 0 (live version …)`. */
    reason: z.string().min(1),
    rejectedAt: timestamp,
  }),
});
