/**
 * `recops log [--data-dir .recops] [--run <runId>] [--kind <kind>] [--follow] [--json]`: shows the
 * local cloud's event log (bus events, deliveries, S3 notifications) as a timeline, optionally
 * for one run, and follows it while the local cloud writes.
 */
import { parseArgs } from 'node:util';
import { readEventLog, tailEventLog, type EventLogEntry } from '@recops/local';
import { UsageError } from '../errors';
import { chainEventOf, describeEvent } from '../demo/timeline';

export const LOG_USAGE = `Usage: recops log [--data-dir .recops] [--run <runId>] [--kind <kind>] [--follow] [--json]

Prints the local cloud's event log: every bus event, every delivery to a service and every S3
notification, oldest first.

Options:
  --data-dir <dir>  the local cloud's data directory               default .recops
  --run <runId>     only entries that carry this runId
  --kind <kind>     only entries of this kind (bus.event, delivery, s3.object-created, …)
  -f, --follow      keep printing new entries until interrupted
  --json            one JSON object per line instead of the timeline
  -h, --help        show this help`;

export interface LogArgs {
  readonly dataDir: string;
  readonly run?: string;
  readonly kind?: string;
  readonly follow: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

export function parseLogArgs(args: readonly string[]): LogArgs {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        'data-dir': { type: 'string', default: '.recops' },
        run: { type: 'string' },
        kind: { type: 'string' },
        follow: { type: 'boolean', short: 'f', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    return {
      dataDir: values['data-dir'],
      ...(values.run !== undefined ? { run: values.run } : {}),
      ...(values.kind !== undefined ? { kind: values.kind } : {}),
      follow: values.follow,
      json: values.json,
      help: values.help,
    };
  } catch (error) {
    throw new UsageError(`recops log: ${(error as Error).message}\n\n${LOG_USAGE}`);
  }
}

/** True when any `runId` field anywhere in the entry's data equals `runId`. */
export function mentionsRun(value: unknown, runId: string): boolean {
  if (Array.isArray(value)) return value.some((item) => mentionsRun(item, runId));
  if (value === null || typeof value !== 'object') return false;
  for (const [name, field] of Object.entries(value)) {
    if (name === 'runId' && field === runId) return true;
    if (typeof field === 'object' && mentionsRun(field, runId)) return true;
  }
  return false;
}

function findRunId(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findRunId(item);
      if (found) return found;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record['runId'] === 'string') return record['runId'];
  for (const field of Object.values(record)) {
    if (typeof field === 'object') {
      const found = findRunId(field);
      if (found) return found;
    }
  }
  return undefined;
}

/** What an entry is about, in a few words; falls back to its JSON, cut short. */
function summarize(entry: EventLogEntry): string {
  const data = entry.data as Record<string, unknown>;
  const busEvent = chainEventOf(entry);
  if (busEvent) return `${busEvent.detailType}  ${describeEvent(busEvent)}`;
  const records = data['Records'];
  const first = Array.isArray(records) ? (records[0] as { eventName?: string; s3?: { bucket?: { name?: string }; object?: { key?: string } } } | undefined) : undefined;
  if (typeof data['detail-type'] === 'string') return `${String(data['source'] ?? '')} ${data['detail-type']}`.trim();
  if (first?.s3) return `${first.eventName ?? 'ObjectCreated'} s3://${first.s3.bucket?.name ?? '?'}/${decodeURIComponent((first.s3.object?.key ?? '').replace(/\+/g, ' '))}`;
  // A rule delivering a bus event to a service's queue, or a queue/S3 delivery to a handler.
  if (typeof data['rule'] === 'string' && typeof data['targetId'] === 'string') return `${String(data['rule'])} → ${String(data['targetId'])}`;
  if (typeof data['service'] === 'string' && typeof data['outcome'] === 'string') {
    const error = typeof data['error'] === 'string' ? `: ${data['error']}` : '';
    return `${String(data['service'])} ← ${String(data['source'] ?? '?')} ${String(data['outcome'])}${error}`;
  }
  const json = JSON.stringify(data);
  return json.length > 160 ? `${json.slice(0, 157)}...` : json;
}

/** One timeline line: time, kind, and what the entry is about. */
export function formatEntry(entry: EventLogEntry): string {
  const runId = findRunId(entry.data);
  return `${entry.time}  ${entry.kind.padEnd(18)} ${summarize(entry)}${runId ? `  run=${runId}` : ''}`;
}

export async function runLog(args: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const options = parseLogArgs(args);
  if (options.help) {
    out.write(`${LOG_USAGE}\n`);
    return 0;
  }
  const print = (entry: EventLogEntry): void => {
    if (options.kind !== undefined && entry.kind !== options.kind) return;
    if (options.run !== undefined && !mentionsRun(entry.data, options.run)) return;
    out.write(`${options.json ? JSON.stringify(entry) : formatEntry(entry)}\n`);
  };
  if (!options.follow) {
    for (const entry of await readEventLog(options.dataDir)) print(entry);
    return 0;
  }
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await tailEventLog(options.dataDir, print, { fromStart: true, signal: controller.signal });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}
