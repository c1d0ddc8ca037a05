import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { createDocument, readDocument, runDocumentsPrefix, updateDocument } from '@recops/core/runtime';
import type { Watch } from './recheck';

/**
 * One watch per resource, operation and run, one message at a time in its chain, and one
 * Status Changed. All three live in one claim document per watch, written with the runtime's
 * conditional writes:
 * - Duplicate Watch Requested events (a redelivered event, or a consumer that reacted twice) would
 *   each start a chain of checks. The first message to create the document (`owner`) runs the
 *   chain; any other Watch Requested for it is dropped.
 * - A message that sent its re-check and then died before its delete comes back and sends another:
 *   two chains. Each message carries its place in the chain (`hop`); it runs only if it is the
 *   first to take that place (the document's `hop` moves forward by a conditional replace), or the
 *   one that took it, delivered again. The other copy, and a message whose successor already ran,
 *   are dropped.
 * - A message that published and died before its delete comes back: `published` is written right
 *   after the publish and checked before any work. A crash between PutEvents and that write still
 *   publishes twice (consumers treat a repeated Status Changed as a duplicate; RELIABILITY.md).
 * The same message delivered again keeps its place: owners are SQS message ids.
 */
interface WatchClaims {
  /** Whether `messageId` may run this message of the watch (see ClaimDecision). */
  claim(watch: Watch, messageId: string): Promise<ClaimDecision>;
  /**
   * The same question again, read only, right before publishing: the checks of one message may
   * take seconds, and two deliveries of one message (SQS may hand it out twice) both hold its place.
   */
  confirm(watch: Watch, messageId: string): Promise<ClaimDecision>;
  /** Records that the watch's Status Changed went out; later messages of the watch are dropped. */
  markPublished(watch: Watch, messageId: string, status: string, observedAt: string): Promise<void>;
}

/**
 * `run`: this message holds its place in the chain. `duplicate`: another Watch Requested owns the
 * watch. `superseded`: another message holds this place, or a later one ran. `published`: the
 * watch's Status Changed already went out.
 */
type ClaimDecision = 'run' | 'duplicate' | 'superseded' | 'published';

const watchDocumentSchema = z.object({
  /** The Watch Requested message that started the chain. */
  owner: z.string(),
  claimedAt: z.string(),
  /** The chain's furthest message and its SQS message id; absent means hop 0, held by `owner`. */
  hop: z.object({ n: z.number().int().nonnegative(), owner: z.string() }).optional(),
  published: z.object({ status: z.string(), observedAt: z.string(), by: z.string() }).optional(),
});
type WatchDocument = z.output<typeof watchDocumentSchema>;

/** Key of a watch's claim: `runs/<dsg>/<runId>/watches/<kind>-<operation>-<hash of the ARN>.json`. */
function claimKey(watch: Watch): string {
  const { datasetGroupName, runId, resourceKind, operation, resourceArn } = watch.detail;
  const hash = createHash('sha256').update(resourceArn).digest('hex').slice(0, 16);
  return `${runDocumentsPrefix(datasetGroupName, runId)}watches/${resourceKind}-${operation}-${hash}.json`;
}

/** Where the chain stands for a message at `hop` (undefined: a re-check from before hops were numbered). */
function decide(stored: WatchDocument, hop: number | undefined, messageId: string): ClaimDecision | 'take' {
  if (stored.published !== undefined) return 'published';
  if (hop === undefined) return 'run';
  if (hop === 0 && stored.owner !== messageId) return 'duplicate';
  const held = stored.hop ?? { n: 0, owner: stored.owner };
  if (held.n === hop) return held.owner === messageId ? 'run' : 'superseded';
  return held.n > hop ? 'superseded' : 'take';
}

function s3WatchClaims(s3: S3Client, bucket: string, now: () => Date = () => new Date()): WatchClaims {
  return {
    async claim(watch, messageId) {
      const key = claimKey(watch);
      if (watch.hop === 0) {
        const fresh: WatchDocument = { owner: messageId, claimedAt: now().toISOString(), hop: { n: 0, owner: messageId } };
        if ((await createDocument(s3, bucket, key, fresh)) === 'written') return 'run';
      }
      let decision: ClaimDecision = 'run';
      await updateDocument(s3, bucket, key, watchDocumentSchema, (stored) => {
        // No document: claimed before claims were kept, or removed; this message takes the watch.
        const current = stored ?? { owner: messageId, claimedAt: now().toISOString() };
        const next = decide(current, watch.hop, messageId);
        decision = next === 'take' ? 'run' : next;
        if (next === 'take') return { ...current, hop: { n: watch.hop ?? 0, owner: messageId } };
        return stored === undefined && next === 'run' ? current : undefined;
      });
      return decision;
    },
    async confirm(watch, messageId) {
      const stored = await readDocument(s3, bucket, claimKey(watch), watchDocumentSchema);
      if (stored === undefined) return 'run';
      const decision = decide(stored.value, watch.hop, messageId);
      return decision === 'take' ? 'run' : decision;
    },
    async markPublished(watch, messageId, status, observedAt) {
      await updateDocument(s3, bucket, claimKey(watch), watchDocumentSchema, (stored) => {
        if (stored?.published !== undefined) return undefined;
        const current = stored ?? { owner: messageId, claimedAt: now().toISOString() };
        return { ...current, published: { status, observedAt, by: messageId } };
      });
    },
  };
}

export { s3WatchClaims };
export type { ClaimDecision, WatchClaims };
