/** config-intake: S3 ObjectCreated for `train/**.json` → Pipeline Requested or Pipeline Failed. */
import type { S3Event } from 'aws-lambda';
import { createHandler, MetricUnit } from '@recops/core/runtime';
import { takeInConfig } from './intake';
import { uploadedConfigs } from './notification';

export const main = createHandler<S3Event, void>({
  serviceName: 'config-intake',
  handle: async (event, { clients, env, logger, metrics }) => {
    // One record at a time: a failure throws, and Lambda's asynchronous retry redelivers the event;
    // records already taken in are idempotent (same runId, plan written once).
    for (const object of uploadedConfigs(event)) {
      const outcome = await takeInConfig(object, clients, { busName: env.busName, stage: env.stage });
      metrics.addMetric(
        outcome.kind === 'requested' ? 'PipelinesRequested' : outcome.kind === 'rejected' ? 'ParameterFilesRejected' : 'ParameterFilesGone',
        MetricUnit.Count,
        1,
      );
      if (outcome.kind === 'rejected')
        logger.warn('parameter file rejected', { key: object.key, runId: outcome.runId, errors: outcome.errors });
      else if (outcome.kind === 'requested') {
        for (const warning of outcome.warnings) logger.warn(`parameter file: ${warning.path}: ${warning.message}`, { key: object.key });
        logger.info('pipeline requested', { key: object.key, runId: outcome.runId });
      } else logger.info('parameter file gone before intake', { key: object.key });
    }
  },
});
