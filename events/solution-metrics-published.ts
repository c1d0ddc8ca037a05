import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, personalizeArn, personalizeName, timestamp } from './fields';
import { solutionMetrics } from './solution-version-promoted';
import { EVENT_SOURCE } from './sources';

/**
 * Published by the model evaluator for every solution version that reaches ACTIVE, before the
 * promotion gate decides: every metric GetSolutionMetrics reports, unrounded.
 */
export const solutionMetricsPublished = defineEvent({
  name: 'solution-metrics-published',
  source: EVENT_SOURCE.model,
  detailType: 'Solution Metrics Published',
  version: 1,
  description: "A trained solution version's offline metrics, as GetSolutionMetrics reports them.",
  detail: z.object({
    ...baseDetail,
    /** The evaluated solution version. */
    resourceArn: personalizeArn,
    solutionArn: personalizeArn,
    solutionName: personalizeName,
    metrics: solutionMetrics,
    publishedAt: timestamp,
  }),
});
