/**
 * Runs a local cloud in a child process and restarts it like an operator would after a crash:
 * `kill9AndRestart()` sends SIGKILL (nothing is flushed or closed) and starts the same command on
 * the same port and data directory; a child that dies unasked (e.g. a `handlerExitRate` fault) is
 * started again too. Clients keep one endpoint across restarts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface SupervisorOptions {
  /**
   * Program and arguments that start a local cloud and print `ready <endpoint>` on stdout, e.g.
   * `[process.execPath, 'packages/cli/bin/recops.mjs', 'local', '--port', '{port}', '--data-dir', dir]`.
   * `{port}` is replaced by the port kept across restarts.
   */
  readonly command: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Port to keep; default a free one picked once. */
  readonly port?: number;
  /** Start the child again when it dies unasked. Default true. */
  readonly restartOnExit?: boolean;
  /** How long one start may take before it counts as failed. Default 60 s. */
  readonly readyTimeoutMs?: number;
  /** Sees the children's output (stdout and stderr), e.g. to keep it for a report. */
  readonly onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

export interface SupervisedCloud {
  /** `http://127.0.0.1:<port>`, the same across restarts. */
  readonly endpoint: string;
  /** Process id of the current child. */
  readonly pid: number | undefined;
  /** Restarts asked for with kill9AndRestart. */
  readonly restarts: number;
  /** Children that died unasked (and were started again when restartOnExit). */
  readonly crashes: number;
  /** Resolves once the current child printed its ready line. */
  ready(): Promise<void>;
  /** SIGKILL, then the same command again on the same port and data directory; resolves when ready. */
  kill9AndRestart(): Promise<void>;
  /** Stops the child with SIGTERM (SIGKILL after `graceMs`, default 10 s) and restarts no more. */
  stop(graceMs?: number): Promise<void>;
}

export class SupervisorError extends Error {
  override readonly name = 'SupervisorError';
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((closed) => server.close(() => closed()));
  return port;
}

export async function superviseLocalCloud(options: SupervisorOptions): Promise<SupervisedCloud> {
  const [program, ...rest] = options.command;
  if (program === undefined) throw new SupervisorError('The supervisor needs a command to start the local cloud');
  const port = options.port ?? (await freePort());
  const args = rest.map((arg) => arg.replaceAll('{port}', String(port)));
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  let child: ChildProcess | undefined;
  let readiness: Promise<void> = Promise.resolve();
  let stopping = false;
  let asked = false;
  let restarts = 0;
  let crashes = 0;

  const start = (): Promise<void> => {
    const current = spawn(program, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = current;
    let stdout = '';
    let stderr = '';
    readiness = new Promise<void>((resolveReady, rejectReady) => {
      const timer = setTimeout(
        () => rejectReady(new SupervisorError(`The local cloud was not ready within ${timeoutMs} ms: ${stderr.slice(-2000)}`)),
        timeoutMs,
      );
      current.stdout?.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        options.onOutput?.('stdout', text);
        stdout += text;
        if (/^ready \S+$/m.test(stdout)) {
          clearTimeout(timer);
          resolveReady();
        }
      });
      current.stderr?.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        options.onOutput?.('stderr', text);
        stderr = (stderr + text).slice(-10_000);
      });
      current.once('exit', (code, signal) => {
        clearTimeout(timer);
        rejectReady(new SupervisorError(`The local cloud exited (${code ?? signal}) before it was ready: ${stderr.slice(-2000)}`));
      });
    });
    readiness.catch(() => undefined);
    current.once('exit', () => {
      if (child !== current || stopping || asked) return;
      crashes += 1;
      if (options.restartOnExit ?? true) void start().catch(() => undefined);
    });
    return readiness;
  };

  const killNow = async (target: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> => {
    if (!target || target.exitCode !== null || target.signalCode !== null) return;
    const exited = new Promise<void>((resolveExit) => target.once('exit', () => resolveExit()));
    target.kill(signal);
    await exited;
  };

  await start();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    get restarts() {
      return restarts;
    },
    get crashes() {
      return crashes;
    },
    ready: () => readiness,
    async kill9AndRestart() {
      asked = true;
      try {
        await killNow(child, 'SIGKILL');
      } finally {
        asked = false;
      }
      restarts += 1;
      await start();
    },
    async stop(graceMs = 10_000) {
      stopping = true;
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      const exited = new Promise<void>((resolveExit) => current.once('exit', () => resolveExit()));
      current.kill('SIGTERM');
      const timer = setTimeout(() => current.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
