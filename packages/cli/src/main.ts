/**
 * The `recops` command: dispatches `recops <command> [options]` to one module per command.
 * Runs directly with tsx (`tsx packages/cli/src/main.ts local`) or through `bin/recops.mjs`.
 */
import { pathToFileURL } from 'node:url';
import { runLocal } from './commands/local';
import { runDemoCommand } from './demo';
import { runLog } from './commands/log';
import { CliError, UsageError } from './errors';

export interface Command {
  readonly summary: string;
  run(args: readonly string[]): Promise<number>;
}

/** Every subcommand. Add one by writing `commands/<name>.ts` and listing it here. */
export const COMMANDS: Readonly<Record<string, Command>> = {
  local: { summary: 'run the local cloud and the services in the foreground', run: runLocal },
  log: { summary: "show or follow the local cloud's event log (a run's timeline with --run)", run: runLog },
  demo: { summary: 'run a whole pipeline on the local cloud with a generated data set (npm start)', run: runDemoCommand },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return `Usage: recops <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun "recops <command> --help" for a command's options.`;
}

/** Runs one command line; resolves the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(`${usage()}\n`);
      return name === undefined ? 2 : 0;
    }
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) throw new UsageError(`recops: unknown command "${name}". Known commands: ${Object.keys(COMMANDS).join(', ')}.\n\n${usage()}`);
    return await command.run(args);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`recops ${name}: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

// Run when executed directly (tsx packages/cli/src/main.ts …); bin/recops.mjs imports and calls main.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
