/**
 * `recops local [--port 4566] [--data-dir .recops] [--stage local]`: runs the local cloud in the
 * foreground on 127.0.0.1, prints `ready <endpoint>` once it accepts requests, and shuts down
 * cleanly on SIGINT / SIGTERM.
 */
import { parseArgs } from 'node:util';
import { createLocalCloud } from '@recops/local';
import { SERVICES } from '@recops/services/manifest';
import { ServerStartError } from '@recops/local';
import { CliError, UsageError } from '../errors';

export const LOCAL_USAGE = `Usage: recops local [--port 4566] [--data-dir .recops] [--stage local]

Runs the local cloud (S3, SQS, EventBridge, Scheduler, Personalize) on 127.0.0.1 and the recops
services in-process. Prints "ready <endpoint>" once it accepts requests; stop it with Ctrl-C.

Options:
  --port <n>        TCP port on 127.0.0.1 (0 picks a free one)   default 4566
  --data-dir <dir>  where all state lives                         default .recops
  --stage <name>    stage name the services see                   default local
  -h, --help        show this help`;

export interface LocalArgs {
  readonly port: number;
  readonly dataDir: string;
  readonly stage: string;
  readonly help: boolean;
}

export function parseLocalArgs(args: readonly string[]): LocalArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        port: { type: 'string', default: '4566' },
        'data-dir': { type: 'string', default: '.recops' },
        stage: { type: 'string', default: 'local' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`recops local: ${(error as Error).message}\n\n${LOCAL_USAGE}`);
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) {
    throw new UsageError(`recops local: --port must be an integer from 0 to 65535, got ${JSON.stringify(values.port)}`);
  }
  if (values['data-dir'].trim() === '') throw new UsageError('recops local: --data-dir must not be empty');
  if (!/^[A-Za-z0-9-]{1,32}$/.test(values.stage)) {
    throw new UsageError(`recops local: --stage must be 1-32 letters, digits or hyphens, got ${JSON.stringify(values.stage)}`);
  }
  return { port, dataDir: values['data-dir'], stage: values.stage, help: values.help };
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

export async function runLocal(args: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const options = parseLocalArgs(args);
  if (options.help) {
    out.write(`${LOCAL_USAGE}\n`);
    return 0;
  }
  process.env.RECOPS_WATCH_MAX_DELAY_SECONDS ??= LOCAL_WATCH_MAX_DELAY_SECONDS;
  const stopped = untilStopped();
  let cloud;
  try {
    cloud = await createLocalCloud({ dataDir: options.dataDir, port: options.port, stage: options.stage, manifest: SERVICES });
  } catch (error) {
    if (error instanceof ServerStartError) throw new CliError(`recops local: ${error.message}`, { cause: error });
    throw error;
  }
  out.write(`ready ${cloud.endpoint}\n`);
  await stopped;
  await cloud.close();
  return 0;
}
