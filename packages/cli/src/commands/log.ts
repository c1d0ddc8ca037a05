/**
 * `recops log [--data-dir .recops] [--run <runId>] [--deliveries] [--s3] [--all] [--kind <kind>]
 * [--follow] [--json]`: the local cloud's raw event log as a timeline. Bus events by default;
 * deliveries to the services and S3 notifications on request.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { EventLogEntry } from '@recops/local';
import { chainEventOf, describeEvent } from '../demo/timeline';
import { CliError } from '../errors';
import { dataDirOf } from '../target';

interface LogOptions {
  readonly dataDir: string;
  readonly run?: string;
  /** Entry kinds to show; undefined shows every kind. */
  readonly kinds?: readonly string[];
  readonly follow: boolean;
  readonly json: boolean;
}

/** Which kinds the flags ask for: bus events, plus deliveries and S3 notifications on request. */
function kindsOf(flags: { deliveries?: boolean; s3?: boolean; all?: boolean; kind?: string[] }): string[] | undefined {
  if (flags.all) return undefined;
  if (flags.kind && flags.kind.length > 0) return flags.kind;
  return [
    'bus.event',
    ...(flags.deliveries
      ? ['delivery', 'bus.delivery', 'sqs.dead-lettered', 'lambda.dead-lettered', 'sqs.redriven', 'scheduler.fired']
      : []),
    ...(flags.s3 ? ['s3.object-created'] : []),
  ];
}

/** True when any `runId` field anywhere in the entry's data equals `runId`. */
function mentionsRun(value: unknown, runId: string): boolean {
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
  const first = Array.isArray(records)
    ? (records[0] as { eventName?: string; s3?: { bucket?: { name?: string }; object?: { key?: string } } } | undefined)
    : undefined;
  if (typeof data['detail-type'] === 'string') return `${String(data['source'] ?? '')} ${data['detail-type']}`.trim();
  if (first?.s3)
    return `${first.eventName ?? 'ObjectCreated'} s3://${first.s3.bucket?.name ?? '?'}/${decodeURIComponent((first.s3.object?.key ?? '').replace(/\+/g, ' '))}`;
  // A rule delivering a bus event to a service's queue, or a queue/S3 delivery to a handler.
  if (typeof data['rule'] === 'string' && typeof data['targetId'] === 'string')
    return `${String(data['rule'])} → ${String(data['targetId'])}`;
  if (typeof data['service'] === 'string' && typeof data['outcome'] === 'string') {
    const error = typeof data['error'] === 'string' ? `: ${data['error']}` : '';
    return `${String(data['service'])} ← ${String(data['source'] ?? '?')} ${String(data['outcome'])}${error}`;
  }
  const json = JSON.stringify(data);
  return json.length > 160 ? `${json.slice(0, 157)}...` : json;
}

/** One timeline line: time, kind, and what the entry is about. */
function formatEntry(entry: EventLogEntry): string {
  const runId = findRunId(entry.data);
  return `${entry.time}  ${entry.kind.padEnd(18)} ${summarize(entry)}${runId ? `  run=${runId}` : ''}`;
}

async function runLog(options: LogOptions, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { readEventLog, tailEventLog } = await import('@recops/local');
  if (!existsSync(options.dataDir)) {
    throw new CliError(
      `no local cloud data directory at ${options.dataDir} ("recops local --data-dir DIR" creates one; --data-dir names another)`,
    );
  }
  const print = (entry: EventLogEntry): void => {
    if (options.kinds !== undefined && !options.kinds.includes(entry.kind)) return;
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

export function registerLog(program: Command, setExit: (code: number) => void): void {
  program
    .command('log')
    .summary("show or follow the local cloud's raw event log")
    .description(
      "Prints the local cloud's event log, oldest first: bus events by default; deliveries to the services " +
        '(and dead-lettered messages, schedule firings) with --deliveries, S3 notifications with --s3, everything with --all.',
    )
    .option('--data-dir <dir>', "the local cloud's data directory (default .recops, or $RECOPS_DATA_DIR)")
    .option('--run <runId>', 'only entries that carry this runId')
    .option('--deliveries', 'also deliveries to the services, dead-lettered messages and schedule firings')
    .option('--s3', 'also S3 ObjectCreated notifications')
    .option('--all', 'every entry')
    .option('--kind <kind...>', 'only entries of these kinds (bus.event, delivery, s3.object-created, ...)')
    .option('-f, --follow', 'keep printing new entries until interrupted')
    .option('--json', 'one JSON object per line instead of the timeline')
    .action(
      async (opts: {
        dataDir?: string;
        run?: string;
        deliveries?: boolean;
        s3?: boolean;
        all?: boolean;
        kind?: string[];
        follow?: boolean;
        json?: boolean;
      }) => {
        const kinds = kindsOf(opts);
        setExit(
          await runLog({
            dataDir: dataDirOf(opts),
            ...(opts.run !== undefined ? { run: opts.run } : {}),
            ...(kinds !== undefined ? { kinds } : {}),
            follow: opts.follow === true,
            json: opts.json === true,
          }),
        );
      },
    );
}
