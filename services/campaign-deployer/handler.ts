/**
 * campaign-deployer: Solution Version Promoted → create/update campaigns; Solution Status Changed
 * ACTIVE → pinned campaigns of a solution the run does not train; Campaign Status Changed ACTIVE →
 * Campaign Deployed.
 */
import type { SQSRecord } from 'aws-lambda';
import { notSubscribed, parseCatalogEvent, type CatalogEvent } from '@recops/events';
import { chainDependencies, createSqsHandler, deliveryAttempt, MetricUnit, type RecordContext } from '@recops/core/runtime';
import { onCampaignActive, onPromoted, onSolutionActive, type DeployerDependencies, type DeployReport } from './deploy';

function dependencies(record: SQSRecord, ctx: RecordContext): DeployerDependencies {
  return {
    ...chainDependencies(ctx),
    deliveryId: record.messageId,
    attempt: deliveryAttempt(record.messageId, ctx.receiveCount, ctx.lambdaContext),
  };
}

async function route(event: CatalogEvent, deps: DeployerDependencies): Promise<DeployReport | undefined> {
  switch (event.name) {
    case 'campaign-status-changed': {
      const { detail } = event;
      return detail.status === 'ACTIVE' ? onCampaignActive(detail, detail.resourceArn, detail.operation, deps) : undefined;
    }
    case 'solution-version-promoted':
      return onPromoted(event.detail, deps);
    case 'solution-status-changed':
      return event.detail.status === 'ACTIVE' ? onSolutionActive(event.detail, event.detail.resourceArn, deps) : undefined;
    default:
      throw notSubscribed(event, 'campaign-deployer');
  }
}

export const main = createSqsHandler({
  serviceName: 'campaign-deployer',
  step: 'deployment',
  processRecord: async (record, ctx) => {
    const report = await route(parseCatalogEvent(record), dependencies(record, ctx));
    if (report === undefined) return;
    ctx.metrics.addMetric('CampaignDeploymentsRequested', MetricUnit.Count, report.requested.length);
    ctx.metrics.addMetric('CampaignsDeployed', MetricUnit.Count, report.deployed.length);
    ctx.logger.info('deployed', { messageId: record.messageId, ...report });
  },
});
