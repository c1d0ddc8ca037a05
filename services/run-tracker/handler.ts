/** run-tracker: folds chain events into each run's state and publishes Pipeline Completed/Failed once. */
import { parseCatalogEvent } from '@recops/events';
import { createSqsHandler } from '@recops/core/runtime';
import { trackEvent } from './track';

export const main = createSqsHandler({
  serviceName: 'run-tracker',
  step: 'tracking',
  processRecord: async (record, { clients, env, logger, metrics, receiveCount }) => {
    const event = parseCatalogEvent(record);
    // The record's last delivery before its DLQ publishes an unconfirmed outcome rather than wait.
    const lastDelivery = env.deadLetter !== undefined && receiveCount >= env.deadLetter.maxReceiveCount;
    const result = await trackEvent(event, record.messageId, clients, {
      bucketName: env.bucketName,
      busName: env.busName,
      metrics,
      lastDelivery,
    });
    if (result.ignored !== undefined) logger.warn(`${event.name} ignored: ${result.ignored}`, { messageId: record.messageId });
    if (result.published) logger.info(`published ${result.published}`, { runId: result.state?.runId });
  },
});
