import { z } from 'zod';
import { watchRequested } from '@recops/events';
import type { ResourceKind } from '@recops/events';
import type { DurationBelief } from './prediction';

/**
 * Body of a re-check the watcher sends to its own queue (with DelaySeconds). It carries the
 * original Watch Requested detail unchanged, how many checks were made, the parent ARN learnt from
 * the first check (so later checks share one List call), the belief about when the job ends
 * (formed once, from Personalize's history, at the first check), and when the next check is due:
 * a message arriving earlier (a wait longer than SQS's 900 s is relayed) is sent on unchecked, and
 * its place in the chain (`hop`), which lets only one message per place run (see claims.ts).
 */
const RECHECK_MARKER = 'recops.status-watcher.recheck';

type WatchDetail = z.output<typeof watchRequested.detailSchema>;

const positive = z.number().positive();
const beliefSchema = z.discriminatedUnion('shape', [
  z.object({ shape: z.literal('uniform'), lowSeconds: z.number().nonnegative(), highSeconds: positive }),
  z.object({ shape: z.literal('normal'), meanSeconds: positive, sdSeconds: positive, samples: z.number().int().positive() }),
]);

const recheckBody = z.object({
  type: z.literal(RECHECK_MARKER),
  watch: watchRequested.detailSchema,
  /** Checks already made (≥ 1). */
  attempt: z.number().int().min(1),
  /** Messages of the chain before this one (the Watch Requested is hop 0); absent in older messages. */
  hop: z.number().int().min(1).optional(),
  parentArn: z.string().optional(),
  belief: beliefSchema.optional(),
  /** ISO time of the next check; absent means now. */
  checkAt: z.iso.datetime().optional(),
});

interface Watch {
  readonly detail: WatchDetail;
  /** Checks already made before this one (0 for a fresh Watch Requested). */
  readonly attempt: number;
  /**
   * Messages of this watch's chain before this one: 0 for the Watch Requested, one more for each
   * re-check or relay sent. Undefined for a re-check sent before chains were numbered.
   */
  readonly hop?: number;
  readonly parentArn?: string;
  readonly belief?: DurationBelief;
  readonly checkAt?: string;
}

function isRecheckBody(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { type?: unknown }).type === RECHECK_MARKER;
}

/**
 * Reads one SQS record: a Watch Requested from the bus, or a re-check the watcher sent itself.
 * Throws the catalog's EventValidationError (or a zod error) for anything else.
 */
function parseWatchRecord(record: { readonly body: string }): Watch {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    body = undefined;
  }
  if (isRecheckBody(body)) {
    const parsed = recheckBody.parse(body);
    return {
      detail: parsed.watch,
      attempt: parsed.attempt,
      ...(parsed.hop !== undefined && { hop: parsed.hop }),
      ...(parsed.parentArn !== undefined && { parentArn: parsed.parentArn }),
      ...(parsed.belief !== undefined && { belief: parsed.belief }),
      ...(parsed.checkAt !== undefined && { checkAt: parsed.checkAt }),
    };
  }
  // The body is read once; only unreadable JSON goes back to the catalog, which names the problem.
  return { detail: watchRequested.parse(body ?? record), attempt: 0, hop: 0 };
}

/** The message carrying `next` (its attempt is the number of checks made so far). */
function recheckMessage(next: Watch): string {
  return JSON.stringify({
    type: RECHECK_MARKER,
    watch: next.detail,
    attempt: next.attempt,
    ...(next.hop !== undefined && { hop: next.hop }),
    ...(next.parentArn !== undefined && { parentArn: next.parentArn }),
    ...(next.belief !== undefined && { belief: next.belief }),
    ...(next.checkAt !== undefined && { checkAt: next.checkAt }),
  });
}

function kindOf(watch: Watch): ResourceKind {
  return watch.detail.resourceKind;
}

export { kindOf, parseWatchRecord, recheckMessage };
export type { Watch };
