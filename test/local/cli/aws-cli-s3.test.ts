import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import { hasAwsCli, isolatedAwsEnv, runAwsCli } from '../../support/aws-cli';

describe.skipIf(!hasAwsCli)('AWS CLI: s3 against the local cloud', () => {
  let dir: string;
  let cloud: LocalCloud;
  let env: NodeJS.ProcessEnv;

  /** Runs `aws --endpoint-url <cloud> …` without blocking the event loop the cloud runs on. */
  const aws = async (...args: string[]): Promise<string> => {
    const { stdout, stderr, error } = await runAwsCli(cloud.endpoint, env, args, { maxBuffer: 16 * 1024 * 1024 });
    if (error) throw new Error(`aws ${args.join(' ')} failed: ${stderr || error.message}`);
    return stdout;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recops-awscli-'));
    cloud = await createLocalCloud({ dataDir: join(dir, 'state') });
    env = await isolatedAwsEnv(dir, 's3 =\n    addressing_style = path\n');
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
    // Eight AWS CLI processes and a 20 MB multipart round trip: about 45 s on a loaded 2-core machine.
  }, 180_000);

  it('reports a missing object the way S3 does', async () => {
    await expect(aws('s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'missing')).rejects.toThrow(/404|Not Found/);
    await expect(aws('s3api', 'get-object', '--bucket', 'cli-bucket', '--key', 'missing', join(dir, 'x'))).rejects.toThrow(/NoSuchKey/);
  });
});
