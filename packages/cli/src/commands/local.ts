/**
 * `recops local [--port 4566] [--data-dir .recops] [--stage local] [--verbose]`: runs the local
 * cloud in the foreground on 127.0.0.1, prints `ready <endpoint>` once it accepts requests, then one
 * readable line per bus event and per failure. The handlers' raw JSON logs (Powertools lines, EMF
 * metrics, stack traces) go to `<data dir>/logs/handlers.log`, or to the terminal with --verbose.
 * Shuts down cleanly on SIGINT / SIGTERM. While it runs, `<data dir>/cloud.json` tells the other
 * commands where it listens.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { EventLogEntry } from '@recops/local';
import { chainEventOf, describeEvent } from '../demo/timeline';
import { CliError, UsageError } from '../errors';
import { dataDirOf, removeCloudFile, writeCloudFile } from '../target';

interface LocalOptions {
  readonly port: number;
  readonly dataDir: string;
  readonly stage: string;
  readonly verbose: boolean;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) throw new UsageError(`--port must be an integer from 0 to 65535, got ${JSON.stringify(text)}`);
  return port;
}

function checkStageName(stage: string): string {
  if (!/^[A-Za-z0-9-]{1,32}$/.test(stage))
    throw new UsageError(`--stage must be 1-32 letters, digits or hyphens, got ${JSON.stringify(stage)}`);
  return stage;
}

/** Waits for SIGINT or SIGTERM, whichever comes first. */
function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * The local engine finishes jobs in seconds, not the minutes AWS takes: cap the status watcher's
 * re-check delay so a run is not left waiting on delays tuned for AWS. A value the user set wins.
 */
const LOCAL_WATCH_MAX_DELAY_SECONDS = '5';

/** Where the handlers' raw logs go unless --verbose. */
const HANDLER_LOG_FILE = join('logs', 'handlers.log');

function runIdOf(entry: EventLogEntry): string | undefined {
  const records = entry.data['records'];
  const first = Array.isArray(records) ? (records[0] as { runId?: unknown } | undefined) : undefined;
  return typeof first?.runId === 'string' ? first.runId : undefined;
}

/** The readable line for an event-log entry: bus events and failures; undefined for the rest. */
function localLine(entry: EventLogEntry): string | undefined {
  const clock = entry.time.slice(11, 19);
  const event = chainEventOf(entry);
  if (event) {
    const runId = typeof event.detail['runId'] === 'string' ? `  run=${event.detail['runId']}` : '';
    // A failed run lists every error (an invalid file's broken rules) under its line.
    const errors =
      event.detailType === 'Pipeline Failed' && Array.isArray(event.detail['errors'])
        ? (event.detail['errors'] as { path?: unknown; message?: unknown }[])
        : [];
    const details = errors.map((e) => `\n          ${String(e.path ?? '$')}: ${String(e.message ?? '')}`).join('');
    return `${clock}  ${event.detailType.padEnd(34)} ${describeEvent(event)}${runId}${details}`;
  }
  const data = entry.data;
  if (entry.kind === 'delivery' && (data['outcome'] === 'failed' || data['outcome'] === 'partial')) {
    const failed = Array.isArray(data['failedMessageIds']) ? data['failedMessageIds'].length : undefined;
    const what = data['outcome'] === 'partial' && failed !== undefined ? `${failed} record${failed === 1 ? '' : 's'} failed` : 'failed';
    const run = runIdOf(entry);
    return `${clock}  FAILED ${String(data['service'] ?? '?')} (${String(data['source'] ?? '?')}) ${what}: ${String(data['error'] ?? 'no reason given')}${run ? `  run=${run}` : ''}`;
  }
  if (entry.kind === 'sqs.dead-lettered') {
    return `${clock}  DEAD-LETTERED message ${String(data['messageId'] ?? '?')} of ${String(data['queue'] ?? '?')} → ${String(data['deadLetterQueue'] ?? '?')} after ${String(data['receiveCount'] ?? '?')} receives`;
  }
  if (entry.kind === 'lambda.dead-lettered') {
    return `${clock}  DEAD-LETTERED s3://${String(data['bucket'] ?? '?')}/${String(data['key'] ?? '?')}: ${String(data['service'] ?? '?')} failed ${String(data['attempts'] ?? '?')} times → ${String(data['deadLetterQueue'] ?? '?')}: ${String(data['reason'] ?? 'no reason given')}`;
  }
  if (entry.kind === 'bus.delivery' && data['ok'] === false) {
    return `${clock}  FAILED rule ${String(data['rule'] ?? '?')} → ${String(data['targetArn'] ?? '?')}: ${String(data['error'] ?? 'no reason given')}`;
  }
  if (entry.kind === 'scheduler.fired' && data['ok'] === false) {
    return `${clock}  FAILED schedule ${String(data['schedule'] ?? '?')}: ${String(data['error'] ?? 'no reason given')}`;
  }
  return undefined;
}

type Write = typeof process.stdout.write;

/**
 * Sends what the in-process handlers write to stdout/stderr into `file`, and returns the function
 * that writes to the real stdout plus the one restoring both streams.
 */
function divertHandlerOutput(file: WriteStream): { print: (text: string) => void; restore: () => void } {
  const stdoutWrite = process.stdout.write.bind(process.stdout) as Write;
  const stderrWrite = process.stderr.write.bind(process.stderr) as Write;
  const toFile = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean => {
    const done = typeof encoding === 'function' ? encoding : callback;
    file.write(chunk);
    if (typeof done === 'function') (done as () => void)();
    return true;
  }) as Write;
  process.stdout.write = toFile;
  process.stderr.write = toFile;
  return {
    print: (text) => void stdoutWrite(text),
    restore: () => {
      process.stdout.write = stdoutWrite;
      process.stderr.write = stderrWrite;
    },
  };
}

async function runLocal(options: LocalOptions): Promise<number> {
  process.env.RECOPS_WATCH_MAX_DELAY_SECONDS ??= LOCAL_WATCH_MAX_DELAY_SECONDS;
  // The SDK warns once per process that Node 20 support is ending; Lambda runs the handlers on 22.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const stopped = untilStopped();
  let logFile: WriteStream | undefined;
  let print = (text: string): void => void process.stdout.write(text);
  let restore = (): void => undefined;
  if (!options.verbose) {
    await mkdir(join(options.dataDir, 'logs'), { recursive: true });
    logFile = createWriteStream(join(options.dataDir, HANDLER_LOG_FILE), { flags: 'a' });
    ({ print, restore } = divertHandlerOutput(logFile));
  }
  let cloud;
  try {
    // Loaded here, not at the top: every other command starts without the local cloud and the services.
    const [{ createLocalCloud, ServerStartError }, { SERVICES }] = await Promise.all([
      import('@recops/local'),
      import('@recops/services/manifest'),
    ]);
    try {
      cloud = await createLocalCloud({ dataDir: options.dataDir, port: options.port, stage: options.stage, manifest: SERVICES });
    } catch (error) {
      if (error instanceof ServerStartError) throw new CliError(error.message, { cause: error });
      throw error;
    }
    await writeCloudFile(cloud.dataDir, {
      endpoint: cloud.endpoint,
      stage: cloud.stage,
      pid: process.pid,
      startedAt: new Date().toISOString(),
    });
    print(`ready ${cloud.endpoint}\n`);
    if (!options.verbose) print(`handler logs: ${join(cloud.dataDir, HANDLER_LOG_FILE)} (--verbose prints them here)\n`);
    const unsubscribe = cloud.eventLog.subscribe((entry) => {
      const line = localLine(entry);
      if (line !== undefined) print(`${line}\n`);
    });
    await stopped;
    unsubscribe();
    await removeCloudFile(cloud.dataDir);
    await cloud.close();
  } finally {
    restore();
    if (logFile) await new Promise<void>((resolve) => logFile?.end(resolve));
  }
  return 0;
}

export function registerLocal(program: Command, setExit: (code: number) => void): void {
  program
    .command('local')
    .summary('run the local cloud and the services in the foreground')
    .description(
      'Runs the local cloud (S3, SQS, EventBridge, Scheduler, Personalize) on 127.0.0.1 and the recops services in-process. ' +
        'Prints "ready <endpoint>" once it accepts requests, then one line per bus event and per failure; stop it with Ctrl-C.',
    )
    .option('--port <n>', 'TCP port on 127.0.0.1 (0 picks a free one)', '4566')
    .option('--data-dir <dir>', 'where all state lives (default .recops, or $RECOPS_DATA_DIR)')
    .option('--stage <name>', 'stage name the services see', 'local')
    .option('-v, --verbose', "print the handlers' raw JSON logs here instead of into the data directory")
    .action(async (opts: { port: string; dataDir?: string; stage: string; verbose?: boolean }) => {
      const dataDir = dataDirOf(opts);
      if (dataDir.trim() === '') throw new UsageError('--data-dir must not be empty');
      setExit(await runLocal({ port: parsePort(opts.port), dataDir, stage: checkStageName(opts.stage), verbose: opts.verbose === true }));
    });
}
