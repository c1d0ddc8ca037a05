/**
 * Publishing catalog events: PutEvents in chunks of at most 10 entries (the API limit), failing
 * loudly when EventBridge rejects any entry. Entries come from the catalog's `entry()`, which has
 * already validated each detail and its size.
 */
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PublishError } from './errors';

/** PutEvents accepts at most 10 entries per request. */
export const PUT_EVENTS_MAX_ENTRIES = 10;
/** …and at most 256 KB per request in total. */
const PUT_EVENTS_MAX_REQUEST_BYTES = 256 * 1024;

/**
 * Sends every entry; throws PublishError naming each rejected entry when FailedEntryCount > 0
 * (entries of other chunks may have been delivered: subscribers are idempotent, so a retry is safe).
 * @example
 * await publish(clients.eventBridge, [pipelineRequested.entry(detail, env.busName)]);
 */
export async function publish(eventBridge: EventBridgeClient, entries: readonly PutEventsRequestEntry[]): Promise<void> {
  for (const chunk of chunks(entries)) {
    const result = await eventBridge.send(new PutEventsCommand({ Entries: chunk }));
    if ((result.FailedEntryCount ?? 0) > 0)
      throw PublishError.fromResult(
        chunk.map((e) => e.DetailType ?? '?'),
        result.Entries ?? [],
      );
  }
}

function chunks(entries: readonly PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const out: PutEventsRequestEntry[][] = [];
  let current: PutEventsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.Detail ?? '') + Buffer.byteLength(entry.Source ?? '') + Buffer.byteLength(entry.DetailType ?? '');
    if (current.length === PUT_EVENTS_MAX_ENTRIES || (current.length > 0 && bytes + size > PUT_EVENTS_MAX_REQUEST_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
