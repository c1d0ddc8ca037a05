/**
 * batch-runner: Solution Version Promoted/Rejected → the solution's batch inference and segment jobs;
 * Pipeline Requested with a batch scope (the job's own schedule fired) → that one job.
 */
import { pipelineRequested, solutionVersionPromoted, solutionVersionRejected } from '@recops/events';
import { createSqsHandler, MetricUnit, requireSetting } from '@recops/core/runtime';
import { onGateDecided } from './run';
import { onScheduledBatch } from './scheduled';

export const main = createSqsHandler({
  serviceName: 'batch-runner',
  processRecord: async (record, ctx) => {
    const deps = {
      personalize: ctx.clients.personalize,
      s3: ctx.clients.s3,
      eventBridge: ctx.clients.eventBridge,
      busName: ctx.env.busName,
      bucketName: ctx.env.bucketName,
      personalizeRoleArn: requireSetting(ctx.env, 'personalizeRoleArn'),
      deliveryId: record.messageId,
      now: () => new Date(),
    };
    let report;
    if (pipelineRequested.matches(record)) {
      const requested = pipelineRequested.parse(record);
      if (requested.scope.kind !== 'batch') return;
      report = await onScheduledBatch(requested, requested.scope, deps);
    } else if (solutionVersionRejected.matches(record)) {
      const rejected = solutionVersionRejected.parse(record);
      report = await onGateDecided(rejected, 'rejected', rejected.solutionName, rejected.liveSolutionVersionArn, deps);
    } else {
      const promoted = solutionVersionPromoted.parse(record);
      report = await onGateDecided(promoted, 'promoted', promoted.solutionName, promoted.resourceArn, deps);
    }
    ctx.metrics.addMetric('BatchJobsStarted', MetricUnit.Count, report.started.length);
    ctx.logger.info('batch jobs', { messageId: record.messageId, ...report });
  },
});
