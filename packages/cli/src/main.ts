/**
 * The `recops` command: one commander program, one module per command (`commands/<name>.ts`
 * exporting `register<Name>(program, setExit)`). Runs with tsx (`tsx packages/cli/src/main.ts
 * local`) or through `bin/recops.mjs`. Every failure is one line on stderr and a non-zero exit:
 * 2 for a wrong command line, 1 for everything else.
 */
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerCleanup } from './commands/cleanup';
import { registerImportExisting } from './commands/import-existing';
import { registerLocal } from './commands/local';
import { registerLog } from './commands/log';
import { registerPrepare } from './commands/prepare';
import { registerPutEvents, registerRecommend } from './commands/recommend';
import { registerReport } from './commands/report';
import { registerRun } from './commands/run';
import { registerSample } from './commands/sample';
import { registerStatus } from './commands/status';
import { registerValidate } from './commands/validate';
import { CliError, describeUnexpected, UsageError } from './errors';

type Register = (program: Command, setExit: (code: number) => void) => void;

/** Every command, in the order `recops --help` lists them. */
const COMMANDS: readonly Register[] = [
  registerValidate,
  registerRun,
  registerStatus,
  registerReport,
  registerRecommend,
  registerPutEvents,
  registerPrepare,
  registerSample,
  registerImportExisting,
  registerCleanup,
  registerLocal,
  registerLog,
];

/** Commands that parse their own arguments (the demo). */
const OWN_PARSERS: Readonly<Record<string, { summary: string; run: (args: readonly string[]) => Promise<number> }>> = {
  demo: {
    summary: 'run a whole pipeline on the local cloud with a generated data set (npm start)',
    run: async (args) => (await import('./demo')).runDemoCommand(args),
  },
};

export function buildProgram(
  setExit: (code: number) => void,
  write: { out: (text: string) => void; err: (text: string) => void },
): Command {
  const program = new Command('recops')
    .description('Event-driven MLOps for Amazon Personalize: validate, run, watch and clean up recops pipelines.')
    .usage('<command> [options]')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: write.out,
      writeErr: write.err,
      outputError: (text, writeError) => writeError(`recops: ${text.replace(/^error: /, '')}`),
    });
  for (const register of COMMANDS) register(program, setExit);
  for (const [name, command] of Object.entries(OWN_PARSERS)) {
    program.command(name).summary(command.summary).helpOption(false).allowUnknownOption().allowExcessArguments();
  }
  // Every command and subcommand (prepare movielens) reports errors as one line and never exits the process itself.
  const configure = (parent: Command, prefix: string): void => {
    for (const command of parent.commands) {
      const name = `${prefix} ${command.name()}`;
      command.exitOverride().configureOutput({
        writeOut: write.out,
        writeErr: write.err,
        outputError: (text, writeError) => writeError(`${name}: ${text.replace(/^error: /, '').trimEnd()} (see "${name} --help")\n`),
      });
      configure(command, name);
    }
  };
  configure(program, 'recops');
  program.addHelpText('after', '\nRun "recops <command> --help" for a command\'s options.');
  return program;
}

function commandNames(program: Command): string[] {
  return program.commands.map((c) => c.name());
}

/** Runs one command line; resolves the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number): void => {
    exitCode = code;
  };
  const program = buildProgram(setExit, { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) });
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      process.stdout.write(program.helpInformation());
      return 2;
    }
    const own = Object.hasOwn(OWN_PARSERS, name) ? OWN_PARSERS[name] : undefined;
    if (own) return await own.run(rest);
    if (!name.startsWith('-') && name !== 'help' && !commandNames(program).includes(name)) {
      throw new UsageError(`unknown command "${name}". Known commands: ${commandNames(program).join(', ')}. See "recops --help".`);
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed its message already; help and version exit 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    const prefix = name !== undefined && !name.startsWith('-') ? `recops ${name}` : 'recops';
    if (error instanceof CliError) {
      process.stderr.write(`${error.message.startsWith('recops') ? '' : `${prefix}: `}${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`${prefix}: ${describeUnexpected(error)}\n`);
    if (process.env.RECOPS_DEBUG) process.stderr.write(`${(error as Error).stack ?? ''}\n`);
    return 1;
  }
}

// Run when executed directly (tsx packages/cli/src/main.ts …); bin/recops.mjs imports and calls main.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
