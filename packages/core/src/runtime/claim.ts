/**
 * Claims: "only one delivery may do this", for work Personalize cannot make idempotent itself
 * (solution version names are not unique, so two racing deliveries could each train one). A claim
 * is a document created only if absent; S3 lets exactly one creator win. The owner should be
 * stable across redeliveries of one message (its SQS messageId), so a delivery that claimed and
 * then failed can claim again on retry, while duplicates of the event cannot. Work that two
 * deliveries of one message must not both do uses `claimForAttempt` instead.
 * @example
 * const claim = await claimOnce(s3, bucket, claimKey(dsg, runId, `solution-version/${name}`), record.messageId);
 * if (!claim.claimed) throw new RetryLaterError('another delivery is creating it'); // then find it by name
 */
import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { createDocument, readDocument, writeDocument } from './conditional-object';
import { DocumentConflictError } from './errors';

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

/**
 * One delivery attempt, as a claim holder: `owner` differs between any two attempts (a retry, or
 * SQS handing one message out twice at once), and `until` is when the attempt is stopped (the
 * invocation's deadline), after which a holder that did not finish is gone.
 */
export interface ClaimAttempt {
  readonly owner: string;
  readonly until: Date;
}

const leaseSchema = z.looseObject({ owner: z.string(), until: z.string().optional() });

/** How many lost races in a row `claimForAttempt` accepts before giving up (retryably). */
const LEASE_RACES = 8;

/**
 * Like `claimOnce`, for work two attempts of one message must not both do (`claimOnce` with the
 * messageId lets both through): the claim names the attempt and its deadline. Another attempt finds
 * it held until then; after it, the holder was stopped before finishing, and the first attempt to
 * replace exactly the version it read (`IfMatch`) takes it over. What the holder did before it
 * stopped must still be looked for (the work may be done): the claim only says who may do it now.
 * A claim written by `claimOnce` (no deadline) never lapses.
 */
export async function claimForAttempt(s3: S3Client, bucket: string, key: string, attempt: ClaimAttempt, now = new Date()): Promise<Claim> {
  const value = { owner: attempt.owner, claimedAt: now.toISOString(), until: attempt.until.toISOString() };
  for (let race = 0; race < LEASE_RACES; race++) {
    if ((await createDocument(s3, bucket, key, value)) === 'written') return { claimed: true, owner: attempt.owner };
    const holder = await readDocument(s3, bucket, key, leaseSchema);
    if (holder === undefined) continue; // Removed between the create and the read: claim again.
    if (holder.value.owner === attempt.owner) return { claimed: true, owner: attempt.owner };
    const lapsed = holder.value.until !== undefined && Date.parse(holder.value.until) <= now.getTime();
    if (!lapsed) return { claimed: false, owner: holder.value.owner };
    if ((await writeDocument(s3, bucket, key, value, holder.etag)) === 'written') return { claimed: true, owner: attempt.owner };
  }
  throw new DocumentConflictError(`s3://${bucket}/${key}`, LEASE_RACES);
}

/**
 * Ends `attempt`'s hold on the claim at `key` at once (its `until` becomes now), for an attempt that
 * failed before doing the work and goes back to its queue: the next attempt takes the claim over
 * instead of waiting out this invocation's deadline. A claim someone else holds, or one that moved
 * since the read, is left as it is.
 */
export async function releaseAttempt(s3: S3Client, bucket: string, key: string, attempt: ClaimAttempt, now = new Date()): Promise<void> {
  const holder = await readDocument(s3, bucket, key, leaseSchema);
  if (holder === undefined || holder.value.owner !== attempt.owner) return;
  await writeDocument(s3, bucket, key, { ...holder.value, until: now.toISOString(), releasedAt: now.toISOString() }, holder.etag);
}

/** Lambda's longest timeout: the deadline assumed when the invocation does not say its own. */
const LONGEST_INVOCATION_MS = 15 * 60 * 1000;

/**
 * The claim attempt of an SQS record's delivery: its messageId, how many times it was received and a
 * random part (SQS's receive count is approximate), held until the invocation's deadline.
 */
export function deliveryAttempt(
  messageId: string,
  receiveCount: number,
  invocation: Partial<Pick<Context, 'getRemainingTimeInMillis'>>,
  now = new Date(),
): ClaimAttempt {
  const remainingMs =
    typeof invocation.getRemainingTimeInMillis === 'function' ? invocation.getRemainingTimeInMillis() : LONGEST_INVOCATION_MS;
  return { owner: `${messageId}#${receiveCount}#${randomUUID().slice(0, 8)}`, until: new Date(now.getTime() + remainingMs) };
}

/** True when someone holds the claim at `key` (e.g. "was this published in the run?"). */
export async function isClaimed(s3: S3Client, bucket: string, key: string): Promise<boolean> {
  return (await readDocument(s3, bucket, key, leaseSchema)) !== undefined;
}
