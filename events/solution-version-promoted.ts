import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, personalizeArn, personalizeName, timestamp } from './fields';
import { EVENT_SOURCE } from './sources';

/** Offline metrics as GetSolutionMetrics returns them (`coverage`, `mean_reciprocal_rank_at_25`, …). */
export const solutionMetrics = z.record(z.string(), z.number());

export const solutionVersionPromoted = defineEvent({
  name: 'solution-version-promoted',
  source: EVENT_SOURCE.model,
  detailType: 'Solution Version Promoted',
  version: 1,
  description: 'A trained solution version passed the promotion gate; campaigns and batch jobs may use it.',
  detail: z.object({
    ...baseDetail,
    /** The promoted solution version. */
    resourceArn: personalizeArn,
    solutionArn: personalizeArn,
    solutionName: personalizeName,
    metrics: solutionMetrics,
    /** The version it replaces, if any. */
    previousSolutionVersionArn: personalizeArn.optional(),
    promotedAt: timestamp,
  }),
});
