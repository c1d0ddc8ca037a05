import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, personalizeArn, personalizeName, timestamp } from './fields';
import { EVENT_SOURCE } from './sources';

/** Offline metrics as GetSolutionMetrics returns them (`coverage`, `mean_reciprocal_rank_at_25`, …). */
export const solutionMetrics = z.record(z.string(), z.number());

/**
 * How the promotion gate decided, carried by both Promoted and Rejected: the metric compared, the
 * margin, both figures and the rule as one sentence. `baseline*` are absent for a first version (always
 * promoted) and when the gate is off.
 */
export const promotionGate = z.object({
  /** The metric compared (default `normalized_discounted_cumulative_gain_at_10`). */
  metric: z.string().min(1),
  /** Required improvement over the live version (default 0). */
  margin: z.number(),
  /** False when the solution's `workflowConfig.promotionGate.off` is true: every version is promoted. */
  enabled: z.boolean(),
  /** This version's value of `metric` (absent only when it reports no such metric and the metric was the default). */
  candidate: z.number().optional(),
  /** The live version's value of `metric`. */
  baseline: z.number().optional(),
  /** The live version: the one the solution's campaign serves, else the last promoted one. */
  baselineSolutionVersionArn: personalizeArn.optional(),
  /** Where the live version was found. */
  baselineSource: z.enum(['campaign', 'lastPromoted']).optional(),
  /** The rule applied, e.g. `normalized_discounted_cumulative_gain_at_10 0.3120 >= 0.2980 + 0 (live version)`. */
  rule: z.string().min(1),
});
export type PromotionGate = z.infer<typeof promotionGate>;

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
    /** The version it replaces (the gate's baseline), if any. */
    previousSolutionVersionArn: personalizeArn.optional(),
    gate: promotionGate,
    promotedAt: timestamp,
  }),
});
