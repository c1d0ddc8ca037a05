import type { Context } from 'aws-lambda';
import { MetricUnit, createSqsHandler, currentEnvironment, requireSetting } from '@recops/core/runtime';
import { s3WatchClaims } from './claims';
import { watchPolicyFromEnv } from './policy';
import { parseWatchRecord } from './recheck';
import { createStatusReader, type StatusReader } from './status-reader';
import { checkWatch } from './watch';

/** What the watcher counts: checks made (each one Describe or a share of a List), and outcomes. */
const WATCHER_METRIC = {
  checks: 'StatusChecks',
  published: 'StatusChangesPublished',
  rescheduled: 'StatusRechecksScheduled',
  duplicates: 'DuplicateWatchesDropped',
} as const;

/** One reader per invocation, so the records of a batch share List calls. */
const readers = new WeakMap<Context, StatusReader>();

export const main = createSqsHandler({
  serviceName: 'status-watcher',
  processRecord: async (record, ctx) => {
    const watch = parseWatchRecord(record);
    let reader = readers.get(ctx.lambdaContext);
    if (reader === undefined) {
      reader = createStatusReader(ctx.clients.personalize);
      readers.set(ctx.lambdaContext, reader);
    }
    const result = await checkWatch(watch, {
      reader,
      sqs: ctx.clients.sqs,
      eventBridge: ctx.clients.eventBridge,
      busName: ctx.env.busName,
      queueUrl: requireSetting(ctx.env, 'ownQueueUrl'),
      // Read per invocation: the local runner gives each service its own environment.
      policy: watchPolicyFromEnv(currentEnvironment()),
      now: () => new Date(),
      claims: s3WatchClaims(ctx.clients.s3, ctx.env.bucketName),
    }, record.messageId);
    if (result.outcome === 'duplicate') ctx.metrics.addMetric(WATCHER_METRIC.duplicates, MetricUnit.Count, 1);
    else {
      ctx.metrics.addMetric(WATCHER_METRIC.checks, MetricUnit.Count, 1);
      ctx.metrics.addMetric(result.outcome === 'published' ? WATCHER_METRIC.published : WATCHER_METRIC.rescheduled, MetricUnit.Count, 1);
    }
    ctx.logger.info('watch checked', {
      runId: watch.detail.runId,
      resourceKind: watch.detail.resourceKind,
      resourceArn: watch.detail.resourceArn,
      attempt: watch.attempt,
      ...result,
    });
  },
});
