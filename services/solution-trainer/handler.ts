import type { SQSRecord } from 'aws-lambda';
import { notSubscribed, parseCatalogEvent, type CatalogEvent } from '@recops/events';
import { MetricUnit, chainDependencies, createSqsHandler, deliveryAttempt, type RecordContext } from '@recops/core/runtime';
import {
  onDatasetGroupActive,
  onImportActive,
  onRetrainRequested,
  onSolutionActive,
  type TrainReport,
  type TrainerDependencies,
} from './train';

function dependencies(record: SQSRecord, ctx: RecordContext): TrainerDependencies {
  return {
    ...chainDependencies(ctx),
    attempt: deliveryAttempt(record.messageId, ctx.receiveCount, ctx.lambdaContext),
  };
}

const NOTHING: TrainReport = { waitingFor: [], created: [], reused: [], watched: [], warnings: [] };

async function route(event: CatalogEvent, deps: TrainerDependencies): Promise<TrainReport> {
  switch (event.name) {
    case 'dataset-import-job-status-changed':
      return event.detail.status === 'ACTIVE' ? onImportActive(event.detail, deps) : NOTHING;
    case 'solution-status-changed':
      return event.detail.status === 'ACTIVE'
        ? onSolutionActive({ ...event.detail, solutionArn: event.detail.resourceArn }, deps)
        : NOTHING;
    case 'dataset-group-status-changed':
      return event.detail.status === 'ACTIVE'
        ? onDatasetGroupActive({ ...event.detail, datasetGroupArn: event.detail.resourceArn }, deps)
        : NOTHING;
    case 'pipeline-requested':
      return event.detail.scope.kind === 'retrain' ? onRetrainRequested(event.detail, deps) : NOTHING;
    default:
      throw notSubscribed(event, 'solution-trainer');
  }
}

export const main = createSqsHandler({
  serviceName: 'solution-trainer',
  step: 'training',
  processRecord: async (record, ctx) => {
    const report = await route(parseCatalogEvent(record), dependencies(record, ctx));
    for (const warning of report.warnings) ctx.logger.warn(warning, { messageId: record.messageId });
    ctx.metrics.addMetric('ResourcesCreated', MetricUnit.Count, report.created.length);
    ctx.metrics.addMetric('WatchesRequested', MetricUnit.Count, report.watched.length);
    ctx.logger.info('trained', { messageId: record.messageId, ...report });
  },
});
