/**
 * The benchmark's sink service: records when each event reached the handler. It reports through
 * a callback the benchmark installs on globalThis, because the runner imports this module by file
 * URL and the benchmark must not depend on sharing one module instance with it.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

export const RECEIVED_HOOK = '__recopsBenchReceived';

type Hook = (ids: readonly string[], at: number) => void;

export async function main(event: SQSEvent): Promise<SQSBatchResponse> {
  const at = performance.timeOrigin + performance.now();
  const ids = event.Records.map((record) => (JSON.parse(record.body) as { detail: { benchId: string } }).detail.benchId);
  (globalThis as Record<string, unknown> as Record<typeof RECEIVED_HOOK, Hook | undefined>)[RECEIVED_HOOK]?.(ids, at);
  return { batchItemFailures: [] };
}
