import { createServer } from 'node:net';
import { ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
      const s3 = new S3Client({
        endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
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
    expect(run.stdout).toMatch(/^ready http:\/\/127\.0\.0\.1:\d+\nhandler logs: .*handlers\.log \(--verbose prints them here\)\n$/);
    expect(served).toBeDefined();
    expect(existsSync(join(dataDir, 'events.jsonl'))).toBe(true);
  });

  it("prints one readable line per bus event, keeps the handlers' JSON logs in the data directory, and announces itself in cloud.json", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'recops-cli-'));
    dirs.push(dir);
    let uploaded = false;
    let cloudFile: unknown;
    const run = await runRecops(['local', '--port', '0', '--data-dir', dir, '--stage', 'lines'], (stdout, kill) => {
      const endpoint = /^ready (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout)?.[1];
      if (endpoint && !uploaded) {
        uploaded = true;
        const s3 = new S3Client({
          endpoint,
          region: 'us-east-1',
          forcePathStyle: true,
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        });
        // An invalid parameter file: intake logs its rejection and publishes Pipeline Failed.
        void readFile(join(dir, 'cloud.json'), 'utf8')
          .then((text) => (cloudFile = JSON.parse(text)))
          .then(() =>
            s3.send(new PutObjectCommand({ Bucket: 'recops-lines-data', Key: 'train/shop/config.json', Body: '{"datasetGroup": {}}' })),
          )
          .finally(() => s3.destroy());
      }
      if (/Pipeline Failed/.test(stdout)) kill();
    });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.find((line) => line.includes('Pipeline Failed'))).toMatch(
      /^\d\d:\d\d:\d\d {2}Pipeline Failed +step intake: The parameter file s3:\/\/recops-lines-data\/train\/shop\/config\.json is invalid .* run=\S+$/,
    );
    expect(run.stdout).toMatch(/\n {10}datasetGroup\.serviceConfig: is required/);
    expect(lines.filter((line) => line.startsWith('{'))).toEqual([]);
    expect(run.stderr).toBe('');
    const handlerLog = await readFile(join(dir, 'logs', 'handlers.log'), 'utf8');
    expect(handlerLog).toMatch(/^\{.*"service":"config-intake"/m);
    expect(cloudFile).toMatchObject({ stage: 'lines', endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(existsSync(join(dir, 'cloud.json'))).toBe(false);
  });

  it('fails with exit code 2 and names the command for an unknown subcommand', async () => {
    const run = await runRecops(['demo-that-does-not-exist']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "demo-that-does-not-exist"');
    expect(run.stderr).toContain(
      'Known commands: validate, run, status, report, recommend, put-events, prepare, sample, import-existing, cleanup, local, log, demo.',
    );
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
