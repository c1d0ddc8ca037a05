/** Runs the `recops` CLI as users do (`node packages/cli/bin/recops.mjs …`) and collects its output. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve(__dirname, '../../../packages/cli/bin/recops.mjs');

export interface RecopsRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

/**
 * Resolves when the process closes. `onStdout` sees all stdout so far after each chunk, and may
 * stop the process (`kill()` sends SIGTERM unless given another signal).
 */
export function runRecops(args: string[], onStdout?: (text: string, kill: (signal?: NodeJS.Signals) => void) => void): Promise<RecopsRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onStdout?.(stdout, (signal = 'SIGTERM') => child.kill(signal));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ stdout, stderr, code }));
  });
}
