/** The options every command that talks to a stage shares. */
import type { Command } from 'commander';
import type { TargetOptions } from '../target';

export function withTargetOptions(command: Command): Command {
  return command
    .option('--endpoint <url>', 'a local cloud (default: the one "recops local" runs from the data directory)')
    .option('--stage <name>', "a deployed stage (reads its outputs from .sst/outputs.json); with --endpoint, that local cloud's stage")
    .option('--data-dir <dir>', 'data directory of the local cloud to use (default .recops, or $RECOPS_DATA_DIR)')
    .option('--outputs <file>', 'SST outputs file of --stage', '.sst/outputs.json');
}

export function targetOptionsOf(opts: TargetOptions): TargetOptions {
  return {
    ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint } : {}),
    ...(opts.stage !== undefined ? { stage: opts.stage } : {}),
    ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
    ...(opts.outputs !== undefined ? { outputs: opts.outputs } : {}),
  };
}
