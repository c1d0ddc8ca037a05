import { z } from 'zod';
import { watchRequested } from '@recops/events';
import type { ResourceKind } from '@recops/events';

/**
 * Body of a re-check the watcher sends to its own queue (with DelaySeconds). It carries the
 * original Watch Requested detail unchanged, how many checks were made, and the parent ARN
 * learnt from the first Describe so later checks can share one List call.
 */
const RECHECK_MARKER = 'recops.status-watcher.recheck';

type WatchDetail = z.output<typeof watchRequested.detailSchema>;

const recheckBody = z.object({
  type: z.literal(RECHECK_MARKER),
  watch: watchRequested.detailSchema,
  /** Checks already made (≥ 1). */
  attempt: z.number().int().min(1),
  parentArn: z.string().optional(),
});

interface Watch {
  readonly detail: WatchDetail;
  /** Checks already made before this one (0 for a fresh Watch Requested). */
  readonly attempt: number;
  readonly parentArn?: string;
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
    return { detail: parsed.watch, attempt: parsed.attempt, ...(parsed.parentArn !== undefined && { parentArn: parsed.parentArn }) };
  }
  return { detail: watchRequested.parse(record), attempt: 0 };
}

function recheckMessage(watch: Watch, parentArn: string | undefined): string {
  return JSON.stringify({
    type: RECHECK_MARKER,
    watch: watch.detail,
    attempt: watch.attempt + 1,
    ...(parentArn !== undefined && { parentArn }),
  });
}

function kindOf(watch: Watch): ResourceKind {
  return watch.detail.resourceKind;
}

export { RECHECK_MARKER, kindOf, parseWatchRecord, recheckMessage };
export type { Watch, WatchDetail };
