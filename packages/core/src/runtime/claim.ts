/**
 * Claims: "only one delivery may do this", for work Personalize cannot make idempotent itself
 * (solution version names are not unique, so two racing deliveries could each train one). A claim
 * is a document created only if absent; S3 lets exactly one creator win. The owner should be
 * stable across redeliveries of one message (its SQS messageId), so a delivery that claimed and
 * then failed can claim again on retry, while duplicates of the event cannot.
 * @example
 * const claim = await claimOnce(s3, bucket, claimKey(dsg, runId, `solution-version/${name}`), record.messageId);
 * if (!claim.claimed) throw new RetryLaterError('another delivery is creating it'); // then find it by name
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { createDocument, readDocument } from './conditional-object';

export interface Claim {
  /** True when `owner` holds the claim (just created, or created earlier by the same owner). */
  readonly claimed: boolean;
  /** Who holds it. */
  readonly owner: string;
}

const claimSchema = z.object({ owner: z.string() });

export async function claimOnce(s3: S3Client, bucket: string, key: string, owner: string, now = new Date()): Promise<Claim> {
  for (;;) {
    if ((await createDocument(s3, bucket, key, { owner, claimedAt: now.toISOString() })) === 'written') return { claimed: true, owner };
    const holder = await readDocument(s3, bucket, key, claimSchema);
    // Gone between the failed create and the read (removed by hand or by expiry): claim again.
    if (holder !== undefined) return { claimed: holder.value.owner === owner, owner: holder.value.owner };
  }
}
