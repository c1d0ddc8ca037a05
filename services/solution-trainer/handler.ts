import type { SQSRecord } from 'aws-lambda';
import { datasetGroupStatusChanged, datasetImportJobStatusChanged, pipelineRequested, solutionStatusChanged } from '@recops/events';
import { MetricUnit, createSqsHandler, type RecordContext } from '@recops/core/runtime';
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
    personalize: ctx.clients.personalize,
    s3: ctx.clients.s3,
    eventBridge: ctx.clients.eventBridge,
    busName: ctx.env.busName,
    bucketName: ctx.env.bucketName,
    deliveryId: record.messageId,
    now: () => new Date(),
  };
}

const NOTHING: TrainReport = { waitingFor: [], created: [], reused: [], watched: [], warnings: [] };

async function route(record: SQSRecord, ctx: RecordContext): Promise<TrainReport> {
  const deps = dependencies(record, ctx);
  if (datasetImportJobStatusChanged.matches(record)) {
    const detail = datasetImportJobStatusChanged.parse(record);
    return detail.status === 'ACTIVE' ? onImportActive(detail, deps) : NOTHING;
  }
  if (solutionStatusChanged.matches(record)) {
    const detail = solutionStatusChanged.parse(record);
    return detail.status === 'ACTIVE' ? onSolutionActive({ ...detail, solutionArn: detail.resourceArn }, deps) : NOTHING;
  }
  if (datasetGroupStatusChanged.matches(record)) {
    const detail = datasetGroupStatusChanged.parse(record);
    return detail.status === 'ACTIVE' ? onDatasetGroupActive({ ...detail, datasetGroupArn: detail.resourceArn }, deps) : NOTHING;
  }
  const detail = pipelineRequested.parse(record);
  return detail.scope.kind === 'retrain' ? onRetrainRequested(detail, deps) : NOTHING;
}

export const main = createSqsHandler({
  serviceName: 'solution-trainer',
  processRecord: async (record, ctx) => {
    const report = await route(record, ctx);
    for (const warning of report.warnings) ctx.logger.warn(warning, { messageId: record.messageId });
    ctx.metrics.addMetric('ResourcesCreated', MetricUnit.Count, report.created.length);
    ctx.metrics.addMetric('WatchesRequested', MetricUnit.Count, report.watched.length);
    ctx.logger.info('trained', { messageId: record.messageId, ...report });
  },
});
