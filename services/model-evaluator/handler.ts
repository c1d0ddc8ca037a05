/** model-evaluator: Solution Version Status Changed ACTIVE → Solution Metrics Published (+ EMF), then Promoted or Rejected. */
import { notSubscribed, parseCatalogEvent } from '@recops/events';
import { chainDependencies, createSqsHandler, MetricUnit, STAGE_DIMENSION, type Metrics } from '@recops/core/runtime';
import { onVersionActive } from './evaluate';

/** Dimensions of the solution metrics, besides the stage: which model a figure belongs to. */
export const SOLUTION_METRIC_DIMENSIONS = { datasetGroup: 'datasetGroup', solution: 'solution' } as const;

/** One EMF document per metric name, with the stage, dataset group and solution as dimensions. */
export function emitSolutionMetrics(
  metrics: Metrics,
  stage: string,
  datasetGroupName: string,
  solutionName: string,
  values: Readonly<Record<string, number>>,
): void {
  for (const [name, value] of Object.entries(values)) {
    metrics
      .singleMetric()
      .setDefaultDimensions({ [STAGE_DIMENSION]: stage })
      .addDimensions({ [SOLUTION_METRIC_DIMENSIONS.datasetGroup]: datasetGroupName, [SOLUTION_METRIC_DIMENSIONS.solution]: solutionName })
      .addMetric(name, MetricUnit.NoUnit, value);
  }
}

export const main = createSqsHandler({
  serviceName: 'model-evaluator',
  step: 'evaluation',
  processRecord: async (record, ctx) => {
    const event = parseCatalogEvent(record);
    if (event.name !== 'solution-version-status-changed') throw notSubscribed(event, 'model-evaluator');
    const { detail } = event;
    if (detail.status !== 'ACTIVE') return;
    const report = await onVersionActive(detail, detail.resourceArn, chainDependencies(ctx));
    for (const warning of report.warnings) ctx.logger.warn(warning, { messageId: record.messageId });
    if (report.metrics !== undefined)
      emitSolutionMetrics(ctx.metrics, detail.stage, detail.datasetGroupName, report.solutionName, report.metrics);
    ctx.logger.info('evaluated', { messageId: record.messageId, versionArn: detail.resourceArn, ...report });
  },
});
