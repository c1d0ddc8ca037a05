import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalCloud } from '@recops/local';
import { readEventLog } from '@recops/local';

describe('Cloud: createLocalCloud', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recops-cloud-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves S3 on a loopback endpoint with state under the data directory', async () => {
    const cloud = await createLocalCloud({ dataDir: join(dir, 'nested', 'state') });
    expect(cloud.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(cloud).toMatchObject({ region: 'us-east-1', accountId: '000000000000', stage: 'local' });
    await cloud.s3.ensureBucket('recops-local');
    const s3 = new S3Client({
      endpoint: cloud.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const listed = await s3.send(new ListBucketsCommand({}));
    s3.destroy();
    expect(listed.Buckets?.map((b) => b.Name)).toEqual(['recops-local']);
    expect(existsSync(join(dir, 'nested', 'state', 's3', 'buckets', 'recops-local', 'bucket.json'))).toBe(true);
    await cloud.close();
  });

  it('closes idempotently and stops accepting connections', async () => {
    const cloud = await createLocalCloud({ dataDir: dir, stage: 'ci' });
    await cloud.eventLog.append('bus.event', { source: 'test' });
    await Promise.all([cloud.close(), cloud.close()]);
    await expect(fetch(`${cloud.endpoint}/`)).rejects.toThrow();
    expect((await readEventLog(dir)).map((e) => e.kind)).toEqual(['bus.event']);
  });

  it('can restart on the same port after closing', async () => {
    const first = await createLocalCloud({ dataDir: dir });
    await first.close();
    const second = await createLocalCloud({ dataDir: dir, port: first.port });
    expect(second.endpoint).toBe(first.endpoint);
    await second.close();
  });
});
