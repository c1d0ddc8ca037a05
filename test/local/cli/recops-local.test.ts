import { createServer } from 'node:net';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runRecops } from './run-recops';

describe('CLI: recops local', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('prints one ready line, serves requests and exits 0 on %s', async (signal) => {
    const dir = await mkdtemp(join(tmpdir(), 'recops-cli-'));
    dirs.push(dir);
    const dataDir = join(dir, 'state');
    let served: string[] | undefined;
    let asked = false;
    const run = await runRecops(['local', '--port', '0', '--data-dir', dataDir, '--stage', 'test'], (stdout, kill) => {
      const endpoint = /^ready (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout)?.[1];
      if (!endpoint || asked) return;
      asked = true;
      const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
      s3.send(new ListBucketsCommand({}))
        .then((listed) => {
          served = (listed.Buckets ?? []).map((b) => b.Name ?? '');
        })
        .finally(() => {
          s3.destroy();
          kill(signal);
        });
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ready http:\/\/127\.0\.0\.1:\d+\n$/);
    expect(served).toBeDefined();
    expect(existsSync(join(dataDir, 'events.jsonl'))).toBe(true);
  });

  it('fails with exit code 2 and names the command for an unknown subcommand', async () => {
    const run = await runRecops(['demo-that-does-not-exist']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "demo-that-does-not-exist"');
    expect(run.stderr).toContain('Known commands: local, log');
  });

  it('says which port is taken and exits 1 when it cannot listen', async () => {
    const blocker = createServer();
    await new Promise<void>((resolveListen) => blocker.listen(0, '127.0.0.1', resolveListen));
    const port = (blocker.address() as { port: number }).port;
    const dir = await mkdtemp(join(tmpdir(), 'recops-cli-'));
    dirs.push(dir);
    try {
      const run = await runRecops(['local', '--port', String(port), '--data-dir', dir]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(run.stdout).toBe('');
    } finally {
      blocker.close();
    }
  });

  it('rejects a bad --port with exit code 2', async () => {
    const run = await runRecops(['local', '--port', '70000']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--port must be an integer from 0 to 65535');
  });
});
