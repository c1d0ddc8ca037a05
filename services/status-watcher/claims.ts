import { createHash } from 'node:crypto';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { putIfUnchanged, RUNS_PREFIX } from '@recops/core/runtime';
import type { Watch } from './recheck';

/**
 * One watch per resource, operation and run. Duplicate Watch Requested events (a redelivered
 * event, or a consumer that reacted twice) would each start a chain of checks and each end in a
 * Status Changed, and every consumer that reacts to those would double again. The first message to
 * claim the watch (a conditional write) runs the chain; any other message for it is dropped. The
 * same message delivered again (the first attempt failed midway) keeps its claim.
 */
interface WatchClaims {
  /** True when the message may run the watch: it claimed it now, or had claimed it before. */
  claim(watch: Watch, messageId: string): Promise<boolean>;
}

/** Key of a watch's claim: `runs/<dsg>/<runId>/watches/<kind>-<operation>-<hash of the ARN>.json`. */
function claimKey(watch: Watch): string {
  const { datasetGroupName, runId, resourceKind, operation, resourceArn } = watch.detail;
  const hash = createHash('sha256').update(resourceArn).digest('hex').slice(0, 16);
  return `${RUNS_PREFIX}${datasetGroupName}/${runId}/watches/${resourceKind}-${operation}-${hash}.json`;
}

function s3WatchClaims(s3: S3Client, bucket: string): WatchClaims {
  return {
    async claim(watch, messageId) {
      const key = claimKey(watch);
      const body = JSON.stringify({ messageId, resourceArn: watch.detail.resourceArn, requestedAt: watch.detail.requestedAt });
      if (await putIfUnchanged(s3, bucket, key, body, undefined)) return true;
      const existing = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const text = (await existing.Body?.transformToString('utf-8')) ?? '{}';
      return (JSON.parse(text) as { messageId?: unknown }).messageId === messageId;
    },
  };
}

export { s3WatchClaims };
export type { WatchClaims };
