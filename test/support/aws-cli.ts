/**
 * Running the AWS CLI (`aws`) against a local cloud in tests: whether it is installed, an
 * environment of its own (nothing from the user's ~/.aws leaks in) and an asynchronous runner
 * (the cloud's server shares the test's event loop, so a synchronous call would block it).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Whether `aws` is on PATH; when not, says once how to install it (the CLI tests are then skipped). */
export const hasAwsCli = (process.env['PATH'] ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, 'aws')));
if (!hasAwsCli) console.warn('AWS CLI test skipped: `aws` is not on PATH (install it with `apt-get install -y awscli`).');

/**
 * Writes `dir/config` (the `[default]` profile: us-east-1 plus `configLines`) and returns an
 * environment that points the CLI at it, with test credentials, no shared credentials file, no
 * instance metadata lookup and no pager.
 */
export async function isolatedAwsEnv(dir: string, configLines = '', extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  await writeFile(join(dir, 'config'), `[default]\nregion = us-east-1\n${configLines}`);
  return {
    PATH: process.env['PATH'],
    HOME: dir,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials-none'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ...extra,
  };
}

export interface AwsCliResult {
  /** The exit code (0 on success). */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** What Node reports when the CLI did not exit with 0. */
  readonly error: Error | null;
}

/** Runs `aws --endpoint-url <endpoint> …args` and resolves with its exit code and output, whatever the code. */
export function runAwsCli(
  endpoint: string,
  env: NodeJS.ProcessEnv,
  args: readonly string[],
  options: { maxBuffer?: number } = {},
): Promise<AwsCliResult> {
  return new Promise((resolve) => {
    execFile('aws', ['--endpoint-url', endpoint, ...args], { env, ...options }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr, error }),
    );
  });
}
