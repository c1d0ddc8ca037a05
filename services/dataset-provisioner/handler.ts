import type { SQSRecord } from 'aws-lambda';
import { datasetGroupStatusChanged, datasetStatusChanged, pipelineRequested } from '@recops/events';
import { MetricUnit, createSqsHandler, type RecordContext } from '@recops/core/runtime';
import {
  onDatasetActive,
  onDatasetGroupActive,
  onPipelineRequested,
  type ProvisionReport,
  type ProvisionerDependencies,
} from './provision';

const NOTHING: ProvisionReport = { created: [], reused: [], watched: [] };

function dependencies(ctx: RecordContext): ProvisionerDependencies {
  return {
    personalize: ctx.clients.personalize,
    s3: ctx.clients.s3,
    eventBridge: ctx.clients.eventBridge,
    busName: ctx.env.busName,
    bucketName: ctx.env.bucketName,
    ...(ctx.env.personalizeRoleArn !== undefined && { personalizeRoleArn: ctx.env.personalizeRoleArn }),
    now: () => new Date(),
  };
}

async function route(record: SQSRecord, ctx: RecordContext): Promise<ProvisionReport> {
  const deps = dependencies(ctx);
  if (pipelineRequested.matches(record)) {
    const detail = pipelineRequested.parse(record);
    return onPipelineRequested(detail, deps);
  }
  if (datasetGroupStatusChanged.matches(record)) {
    const detail = datasetGroupStatusChanged.parse(record);
    // The subscription asks for ACTIVE only; a failed group is the run tracker's to report.
    if (detail.status !== 'ACTIVE') return NOTHING;
    return onDatasetGroupActive({ ...detail, datasetGroupArn: detail.resourceArn }, deps);
  }
  if (datasetStatusChanged.matches(record)) {
    const detail = datasetStatusChanged.parse(record);
    if (detail.status !== 'ACTIVE') return NOTHING;
    return onDatasetActive({ ...detail, datasetArn: detail.resourceArn }, deps);
  }
  // Not one of the subscriptions: parsing as the main one names what is wrong with the record.
  pipelineRequested.parse(record);
  throw new Error(`unexpected record ${record.messageId}: it parses as Pipeline Requested but does not match it`);
}

export const main = createSqsHandler({
  serviceName: 'dataset-provisioner',
  processRecord: async (record, ctx) => {
    const report = await route(record, ctx);
    ctx.metrics.addMetric('ResourcesCreated', MetricUnit.Count, report.created.length);
    ctx.metrics.addMetric('WatchesRequested', MetricUnit.Count, report.watched.length);
    ctx.logger.info('provisioned', { messageId: record.messageId, ...report });
  },
});
