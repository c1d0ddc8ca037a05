/** Runs the `recops` CLI as users do (`node packages/cli/bin/recops.mjs …`) and collects its output. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve(__dirname, '../../packages/cli/bin/recops.mjs');

export interface RecopsRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

export interface RunOptions {
  readonly cwd?: string;
  /** Added to the parent's environment (undefined removes a variable). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly input?: string;
}

function environment(extra: RunOptions['env']): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete env.AWS_ENDPOINT_URL;
  delete env.RECOPS_DATA_DIR;
  for (const [key, value] of Object.entries(extra ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

function spawnRecops(args: readonly string[], options: RunOptions = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], cwd: options.cwd, env: environment(options.env) });
}

/**
 * Resolves when the process closes. `onStdout` sees all stdout so far after each chunk, and may
 * stop the process (`kill()` sends SIGTERM unless given another signal).
 */
export function runRecops(
  args: readonly string[],
  onStdout?: (text: string, kill: (signal?: NodeJS.Signals) => void) => void,
  options: RunOptions = {},
): Promise<RecopsRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawnRecops(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout, (signal = 'SIGTERM') => child.kill(signal));
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ stdout, stderr, code }));
    child.stdin?.end(options.input ?? '');
  });
}

/** `runRecops` with options and no stdout callback. */
export function recops(args: readonly string[], options: RunOptions = {}): Promise<RecopsRun> {
  return runRecops(args, undefined, options);
}
