import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { superviseLocalCloud, type SupervisedCloud } from '@recops/local';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../..');
const SCRIPT = resolve(__dirname, 'fixtures/cloud-process.ts');

async function waitFor(what: string, probe: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

describe('Function: superviseLocalCloud', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function supervise(): Promise<{ cloud: SupervisedCloud; marker: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'recops-supervisor-'));
    const marker = join(dir, 'marker.txt');
    const cloud = await superviseLocalCloud({
      command: [process.execPath, '--import', 'tsx', SCRIPT, join(dir, 'state'), '{port}'],
      cwd: ROOT,
      env: { ...process.env, DURABILITY_MARKER_FILE: marker, DURABILITY_HOLD: '0' },
    });
    cleanups.push(
      () => rm(dir, { recursive: true, force: true }),
      () => cloud.stop(),
    );
    return { cloud, marker };
  }

  it('restarts the cloud after kill -9 on the same endpoint and data directory, and an acknowledged upload still reaches its handler', async () => {
    const { cloud, marker } = await supervise();
    const firstPid = cloud.pid;
    const s3 = new S3Client({
      endpoint: cloud.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await s3.send(new PutObjectCommand({ Bucket: 'recops-test-data', Key: 'in/a.json', Body: '{}' }));
    await cloud.kill9AndRestart();
    expect(cloud.pid).not.toBe(firstPid);
    expect(cloud.restarts).toBe(1);
    // The same client, unchanged, talks to the restarted cloud.
    await s3.send(new PutObjectCommand({ Bucket: 'recops-test-data', Key: 'in/b.json', Body: '{}' }));
    s3.destroy();
    const handled = (): string[] => (existsSync(marker) ? readFileSync(marker, 'utf8').split('\n') : []);
    await waitFor('both uploads handled', () => handled().includes('upload in/a.json') && handled().includes('upload in/b.json'));
  }, 120_000);

  it('starts a child that died unasked again and counts it as a crash', async () => {
    const { cloud } = await supervise();
    const pid = cloud.pid as number;
    process.kill(pid, 'SIGKILL');
    await waitFor('a new child', () => cloud.pid !== pid);
    await cloud.ready();
    expect(cloud.crashes).toBe(1);
    expect(cloud.restarts).toBe(0);
  }, 120_000);
});
