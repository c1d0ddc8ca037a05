/** schedule-manager: Dataset Group Status Changed ACTIVE → EventBridge Scheduler schedules for the file's workflowConfig. */
import { notSubscribed, parseCatalogEvent } from '@recops/events';
import { MetricUnit, createSqsHandler, requireSetting } from '@recops/core/runtime';
import { onDatasetGroupActive } from './manage';

export const main = createSqsHandler({
  serviceName: 'schedule-manager',
  step: 'scheduling',
  processRecord: async (record, { clients, env, logger, metrics }) => {
    const event = parseCatalogEvent(record);
    if (event.name !== 'dataset-group-status-changed' || event.detail.status !== 'ACTIVE') throw notSubscribed(event, 'schedule-manager');
    const { detail } = event;
    const outcome = await onDatasetGroupActive(detail, {
      scheduler: clients.scheduler,
      s3: clients.s3,
      bucketName: env.bucketName,
      stage: env.stage,
      busName: env.busName,
      schedulerGroupName: requireSetting(env, 'schedulerGroupName'),
      schedulerRoleArn: requireSetting(env, 'schedulerRoleArn'),
    });
    if (outcome.kind === 'skipped') {
      logger.info(`schedules unchanged: ${outcome.reason}`, { messageId: record.messageId, runId: detail.runId });
      return;
    }
    const { kind: _kind, ...report } = outcome;
    metrics.addMetric('SchedulesChanged', MetricUnit.Count, report.created.length + report.updated.length + report.deleted.length);
    if (report.supersededBy !== undefined) {
      // A late delivery for an older upload: the newer run's schedules stay, which is no failure.
      logger.info('plan superseded by a newer run; its schedules stand', {
        messageId: record.messageId,
        runId: detail.runId,
        datasetGroupName: detail.datasetGroupName,
        ...report,
      });
      return;
    }
    logger.info('schedules reconciled', {
      messageId: record.messageId,
      runId: detail.runId,
      datasetGroupName: detail.datasetGroupName,
      ...report,
    });
  },
});
