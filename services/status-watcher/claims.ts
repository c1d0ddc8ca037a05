import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { claimOnce, runDocumentsPrefix } from '@recops/core/runtime';
import type { Watch } from './recheck';

/**
 * One watch per resource, operation and run. Duplicate Watch Requested events (a redelivered
 * event, or a consumer that reacted twice) would each start a chain of checks and each end in a
 * Status Changed, and every consumer that reacts to those would double again. The first message to
 * claim the watch (`claimOnce`) runs the chain; any other message for it is dropped. The same
 * message delivered again (the first attempt failed midway) keeps its claim.
 */
interface WatchClaims {
  /** True when the message may run the watch: it claimed it now, or had claimed it before. */
  claim(watch: Watch, messageId: string): Promise<boolean>;
}

/** Key of a watch's claim: `runs/<dsg>/<runId>/watches/<kind>-<operation>-<hash of the ARN>.json`. */
function claimKey(watch: Watch): string {
  const { datasetGroupName, runId, resourceKind, operation, resourceArn } = watch.detail;
  const hash = createHash('sha256').update(resourceArn).digest('hex').slice(0, 16);
  return `${runDocumentsPrefix(datasetGroupName, runId)}watches/${resourceKind}-${operation}-${hash}.json`;
}

function s3WatchClaims(s3: S3Client, bucket: string): WatchClaims {
  return {
    async claim(watch, messageId) {
      return (await claimOnce(s3, bucket, claimKey(watch), messageId)).claimed;
    },
  };
}

export { s3WatchClaims };
export type { WatchClaims };
