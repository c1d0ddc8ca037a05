/**
 * batch-output-notifier: two doors to one check. S3 ObjectCreated (`batch/…​.out`, a bucket
 * notification invoking the function) and Batch … Job Status Changed (its queue) both ask whether
 * the job's output is complete; see notify.ts.
 */
import type { Context, S3Event, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { notSubscribed, parseCatalogEvent } from '@recops/events';
import { chainDependencies, createHandler, createSqsHandler, type InvocationContext } from '@recops/core/runtime';
import { onJobActive, onOutputObject, type NotifierDependencies, type OutputCheck } from './notify';

function dependencies(ctx: InvocationContext, deliveryId: string): NotifierDependencies {
  return { ...chainDependencies(ctx), deliveryId };
}

function log(ctx: InvocationContext, check: OutputCheck, where: Record<string, unknown>): void {
  if (check.outcome === 'ready') ctx.logger.info('batch output ready', { ...where, jobName: check.jobName, check: check.check });
  else ctx.logger.info(`batch output ${check.outcome}`, { ...where, why: check.why });
}

const onStatusChanged = createSqsHandler({
  serviceName: 'batch-output-notifier',
  step: 'batch',
  processRecord: async (record, ctx) => {
    const event = parseCatalogEvent(record);
    if (event.name !== 'batch-inference-job-status-changed' && event.name !== 'batch-segment-job-status-changed') {
      throw notSubscribed(event, 'batch-output-notifier');
    }
    const { detail } = event;
    if (detail.status !== 'ACTIVE') return;
    log(ctx, await onJobActive(detail.resourceKind, detail.resourceArn, dependencies(ctx, record.messageId)), {
      messageId: record.messageId,
    });
  },
});

const onObjectCreated = createHandler<S3Event, void>({
  serviceName: 'batch-output-notifier',
  handle: async (event, ctx) => {
    // A throw fails the invocation: Lambda's asynchronous retries redeliver the same event, whose
    // records keep their sequencer, so a retry keeps the claim its first attempt took.
    for (const record of event.Records ?? []) {
      if (!record.eventName?.startsWith('ObjectCreated:')) continue;
      const bucket = record.s3.bucket.name;
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
      const deliveryId = `s3:${key}:${record.s3.object.sequencer ?? record.eventTime}`;
      log(ctx, await onOutputObject(bucket, key, dependencies(ctx, deliveryId)), { key });
    }
  },
});

/** S3 notifications say `aws:s3`; anything else (an SQS batch, even an empty one) is the queue's. */
function isS3Event(event: SQSEvent | S3Event): event is S3Event {
  return (event.Records?.[0] as { eventSource?: string } | undefined)?.eventSource === 'aws:s3';
}

// biome-ignore lint/suspicious/noConfusingVoidType: the S3 door answers nothing, the queue door a batch response
export async function main(event: SQSEvent | S3Event, context: Context): Promise<SQSBatchResponse | void> {
  if (isS3Event(event)) return onObjectCreated(event, context);
  return onStatusChanged(event as SQSEvent, context);
}
