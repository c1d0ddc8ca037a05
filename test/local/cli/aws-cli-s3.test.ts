import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCloud, type LocalCloud } from '../../../packages/local/src/cloud';

const hasAws = (process.env['PATH'] ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, 'aws')));
if (!hasAws) console.warn('AWS CLI test skipped: `aws` is not on PATH (install it with `apt-get install -y awscli`).');

describe.skipIf(!hasAws)('AWS CLI: s3 against the local cloud', () => {
  let dir: string;
  let cloud: LocalCloud;
  let env: NodeJS.ProcessEnv;

  /** Runs `aws --endpoint-url <cloud> …` without blocking the event loop the cloud runs on. */
  const aws = (...args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile('aws', ['--endpoint-url', cloud.endpoint, ...args], { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
        error ? reject(new Error(`aws ${args.join(' ')} failed: ${stderr || error.message}`)) : resolve(stdout),
      );
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recops-awscli-'));
    cloud = await createLocalCloud({ dataDir: join(dir, 'state') });
    // A config of its own: nothing from the user's ~/.aws may leak in.
    await writeFile(join(dir, 'config'), '[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n');
    env = {
      PATH: process.env['PATH'],
      HOME: dir,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials-none'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
    };
  });
  afterAll(async () => {
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('copies a 20 MB file up (multipart) and down byte for byte, and lists it', async () => {
    const original = randomBytes(20 * 1024 * 1024);
    await writeFile(join(dir, 'up.bin'), original);
    await aws('s3', 'mb', 's3://cli-bucket');
    await aws('s3', 'cp', join(dir, 'up.bin'), 's3://cli-bucket/models/big file.bin');
    await writeFile(join(dir, 'small.txt'), 'small object\n');
    await aws('s3', 'cp', join(dir, 'small.txt'), 's3://cli-bucket/top.txt');

    // The CLI uploads files above 8 MB in parts: the ETag says how many.
    expect(cloud.s3.store.head('cli-bucket', 'models/big file.bin').etag).toMatch(/^"[0-9a-f]{32}-\d+"$/);

    await aws('s3', 'cp', 's3://cli-bucket/models/big file.bin', join(dir, 'down.bin'));
    expect((await readFile(join(dir, 'down.bin'))).equals(original)).toBe(true);

    const buckets = await aws('s3', 'ls');
    expect(buckets).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} cli-bucket/);
    const top = await aws('s3', 'ls', 's3://cli-bucket/');
    expect(top).toContain('PRE models/');
    expect(top).toMatch(/ 13 top\.txt/);
    const nested = await aws('s3', 'ls', 's3://cli-bucket/models/');
    expect(nested).toMatch(/20971520 big file\.bin/);
  });

  it('reports a missing object the way S3 does', async () => {
    await expect(aws('s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'missing')).rejects.toThrow(/404|Not Found/);
    await expect(aws('s3api', 'get-object', '--bucket', 'cli-bucket', '--key', 'missing', join(dir, 'x'))).rejects.toThrow(/NoSuchKey/);
  });
});
