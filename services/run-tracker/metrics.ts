/**
 * The run outcome metrics: one data point each time the tracker publishes Pipeline Completed or
 * Pipeline Failed, so an alarm on `PipelinesFailed` fires once per failed run. Emitted as a
 * single EMF document at once (not buffered to the end of the batch), with the run's stage as a
 * dimension next to Powertools' `service`, so each stage's alarm sees its own runs only.
 */
import { MetricUnit, type Metrics } from '@recops/core/runtime';

export const RUN_OUTCOME_METRIC = {
  completed: 'PipelinesCompleted',
  failed: 'PipelinesFailed',
} as const;

/** Dimension carrying the deployment stage of the run (`RECOPS_STAGE`, `$app.stage` when deployed). */
export const STAGE_DIMENSION = 'stage';

export function emitRunOutcome(metrics: Metrics, outcome: keyof typeof RUN_OUTCOME_METRIC, stage: string): void {
  // A default dimension, as the handler runtime sets the stage: replacing it there keeps one
  // `stage` key in the document (addDimension would add a second, colliding one).
  metrics
    .singleMetric()
    .setDefaultDimensions({ [STAGE_DIMENSION]: stage })
    .addMetric(RUN_OUTCOME_METRIC[outcome], MetricUnit.Count, 1);
}
