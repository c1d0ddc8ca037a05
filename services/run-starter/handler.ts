/** run-starter: Schedule Fired → the run it starts (Pipeline Requested, or Pipeline Failed). */
import { notSubscribed, parseCatalogEvent } from '@recops/events';
import { describeScope } from '@recops/core';
import { MetricUnit, createSqsHandler } from '@recops/core/runtime';
import { startScheduledRun } from './start';

export const main = createSqsHandler({
  serviceName: 'run-starter',
  step: 'intake',
  processRecord: async (record, { clients, env, logger, metrics }) => {
    const event = parseCatalogEvent(record);
    if (event.name !== 'schedule-fired') throw notSubscribed(event, 'run-starter');
    const fired = event.detail;
    const outcome = await startScheduledRun(fired, clients, { busName: env.busName, stage: env.stage });
    const context = { messageId: record.messageId, scheduleName: fired.scheduleName, kind: fired.kind };
    if (outcome.kind === 'requested') {
      metrics.addMetric('PipelinesRequested', MetricUnit.Count, 1);
      for (const warning of outcome.warnings) logger.warn(`parameter file: ${warning.path}: ${warning.message}`, context);
      logger.info('pipeline requested', { ...context, runId: outcome.runId, scope: describeScope(outcome.scope) });
    } else if (outcome.kind === 'rejected') {
      metrics.addMetric('ScheduledRunsRejected', MetricUnit.Count, 1);
      logger.warn('scheduled run rejected', { ...context, runId: outcome.runId, reason: outcome.reason, errors: outcome.errors });
    }
  },
});
