import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { Context } from 'aws-lambda';
import { MetricUnit, createSqsHandler, currentEnvironment, requireSetting } from '@recops/core/runtime';
import { s3WatchClaims } from './claims';
import { watchPolicyFromEnv } from './policy';
import { parseWatchRecord } from './recheck';
import { createListCache, createStatusReader, type ListCache, type StatusReader } from './status-reader';
import { checkWatch } from './watch';

/** What the watcher counts: checks made (each one Describe or a share of a List), and outcomes. */
const WATCHER_METRIC = {
  checks: 'StatusChecks',
  published: 'StatusChangesPublished',
  rescheduled: 'StatusRechecksScheduled',
  relayed: 'StatusRechecksRelayed',
  duplicates: 'DuplicateWatchesDropped',
} as const;

/** One reader per invocation, so the records of a batch share List calls. */
const readers = new WeakMap<Context, StatusReader>();
/** Job lists of the current tick, kept across the invocations of a warm container, per endpoint. */
const listCaches = new WeakMap<PersonalizeClient, ListCache>();

function listCacheFor(personalize: PersonalizeClient): ListCache {
  let cache = listCaches.get(personalize);
  if (cache === undefined) {
    cache = createListCache();
    listCaches.set(personalize, cache);
  }
  return cache;
}

export const main = createSqsHandler({
  serviceName: 'status-watcher',
  step: 'watching',
  processRecord: async (record, ctx) => {
    const watch = parseWatchRecord(record);
    // Read per invocation: the local runner gives each service its own environment.
    const policy = watchPolicyFromEnv(currentEnvironment());
    let reader = readers.get(ctx.lambdaContext);
    if (reader === undefined) {
      reader = createStatusReader(ctx.clients.personalize, {
        cache: listCacheFor(ctx.clients.personalize),
        tickSeconds: policy.budget.minIntervalSeconds,
      });
      readers.set(ctx.lambdaContext, reader);
    }
    const result = await checkWatch(
      watch,
      {
        reader,
        sqs: ctx.clients.sqs,
        eventBridge: ctx.clients.eventBridge,
        busName: ctx.env.busName,
        queueUrl: requireSetting(ctx.env, 'ownQueueUrl'),
        policy,
        now: () => new Date(),
        claims: s3WatchClaims(ctx.clients.s3, ctx.env.bucketName),
      },
      record.messageId,
    );
    if (result.outcome === 'duplicate') ctx.metrics.addMetric(WATCHER_METRIC.duplicates, MetricUnit.Count, 1);
    else {
      if (result.checks > 0) ctx.metrics.addMetric(WATCHER_METRIC.checks, MetricUnit.Count, result.checks);
      const counted = { published: WATCHER_METRIC.published, rescheduled: WATCHER_METRIC.rescheduled, relayed: WATCHER_METRIC.relayed };
      ctx.metrics.addMetric(counted[result.outcome], MetricUnit.Count, 1);
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
