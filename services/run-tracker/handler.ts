/** run-tracker: folds chain events into each run's state and publishes Pipeline Completed/Failed once. */
import { createSqsHandler } from '@recops/core/runtime';
import { trackEvent } from './track';

export const main = createSqsHandler({
  serviceName: 'run-tracker',
  processRecord: async (record, { clients, env, logger, metrics }) => {
    const result = await trackEvent(record, record.messageId, clients, { bucketName: env.bucketName, busName: env.busName, metrics });
    if (result.published) logger.info(`published ${result.published}`, { runId: result.state.runId });
  },
});
