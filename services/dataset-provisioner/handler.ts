import { notSubscribed, parseCatalogEvent, type CatalogEvent } from '@recops/events';
import { MetricUnit, chainDependencies, createSqsHandler, type RecordContext } from '@recops/core/runtime';
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
    ...chainDependencies(ctx),
    ...(ctx.env.personalizeRoleArn !== undefined && { personalizeRoleArn: ctx.env.personalizeRoleArn }),
  };
}

/** Logic per subscribed event; the subscriptions ask for ACTIVE only (a failed resource is the run tracker's to report). */
async function route(event: CatalogEvent, deps: ProvisionerDependencies): Promise<ProvisionReport> {
  switch (event.name) {
    case 'pipeline-requested':
      return onPipelineRequested(event.detail, deps);
    case 'dataset-group-status-changed':
      return event.detail.status === 'ACTIVE'
        ? onDatasetGroupActive({ ...event.detail, datasetGroupArn: event.detail.resourceArn }, deps)
        : NOTHING;
    case 'dataset-status-changed':
      return event.detail.status === 'ACTIVE' ? onDatasetActive({ ...event.detail, datasetArn: event.detail.resourceArn }, deps) : NOTHING;
    default:
      throw notSubscribed(event, 'dataset-provisioner');
  }
}

export const main = createSqsHandler({
  serviceName: 'dataset-provisioner',
  step: 'provisioning',
  processRecord: async (record, ctx) => {
    const report = await route(parseCatalogEvent(record), dependencies(ctx));
    ctx.metrics.addMetric('ResourcesCreated', MetricUnit.Count, report.created.length);
    ctx.metrics.addMetric('WatchesRequested', MetricUnit.Count, report.watched.length);
    ctx.logger.info('provisioned', { messageId: record.messageId, ...report });
  },
});
