/**
 * Claims: "only one delivery may do this", for work Personalize cannot make idempotent itself
 * (solution version names are not unique, so two racing deliveries could each train one). A claim
 * is an object created with `IfNoneMatch: *`; S3 lets exactly one creator win. The owner should be
 * stable across redeliveries of one message (its SQS messageId), so a delivery that claimed and
 * then failed can claim again on retry, while duplicates of the event cannot.
 * @example
 * const claim = await claimOnce(s3, bucket, claimKey(dsg, runId, `solution-version/${name}`), record.messageId);
 * if (!claim.claimed) throw new RetryLaterError('another delivery is creating it'); // then find it by name
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { putIfUnchanged } from './conditional-object';

export interface Claim {
  /** True when `owner` holds the claim (just created, or created earlier by the same owner). */
  readonly claimed: boolean;
  /** Who holds it. */
  readonly owner: string;
}

export async function claimOnce(s3: S3Client, bucket: string, key: string, owner: string, now = new Date()): Promise<Claim> {
  const body = JSON.stringify({ owner, claimedAt: now.toISOString() });
  if (await putIfUnchanged(s3, bucket, key, body, undefined)) return { claimed: true, owner };
  const existing = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const holder = (JSON.parse((await existing.Body?.transformToString('utf8')) ?? '{}') as { owner?: string }).owner ?? '';
  return { claimed: holder === owner, owner: holder };
}
