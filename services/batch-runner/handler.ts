/**
 * batch-runner: Solution Version Promoted/Rejected → the solution's batch inference and segment jobs;
 * Pipeline Requested with a batch scope (the job's own schedule fired) → that one job.
 */
import { notSubscribed, parseCatalogEvent, type CatalogEvent } from '@recops/events';
import { chainDependencies, createSqsHandler, MetricUnit, requireSetting } from '@recops/core/runtime';
import { onGateDecided, type BatchRunnerDependencies, type BatchRunReport } from './run';
import { onScheduledBatch } from './scheduled';

async function route(event: CatalogEvent, deps: BatchRunnerDependencies): Promise<BatchRunReport | undefined> {
  switch (event.name) {
    case 'pipeline-requested': {
      const { detail } = event;
      return detail.scope.kind === 'batch' ? onScheduledBatch(detail, detail.scope, deps) : undefined;
    }
    case 'solution-version-rejected':
      return onGateDecided(event.detail, 'rejected', event.detail.solutionName, event.detail.liveSolutionVersionArn, deps);
    case 'solution-version-promoted':
      return onGateDecided(event.detail, 'promoted', event.detail.solutionName, event.detail.resourceArn, deps);
    default:
      throw notSubscribed(event, 'batch-runner');
  }
}

export const main = createSqsHandler({
  serviceName: 'batch-runner',
  step: 'batch',
  processRecord: async (record, ctx) => {
    const deps = {
      ...chainDependencies(ctx),
      personalizeRoleArn: requireSetting(ctx.env, 'personalizeRoleArn'),
      deliveryId: record.messageId,
    };
    const report = await route(parseCatalogEvent(record), deps);
    if (report === undefined) return;
    ctx.metrics.addMetric('BatchJobsStarted', MetricUnit.Count, report.started.length);
    ctx.logger.info('batch jobs', { messageId: record.messageId, ...report });
  },
});
