/**
 * What the local cloud has acknowledged survives a kill -9 of its process: the cloud runs in a
 * child process (as `recops local` does), is killed with SIGKILL, and is started again on the same
 * data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ListDatasetGroupsCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../..');
const SCRIPT = resolve(__dirname, 'fixtures/cloud-process.ts');
const client = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

interface CloudProcess {
  readonly child: ChildProcess;
  readonly endpoint: Promise<string>;
  readonly stderr: () => string;
}

function startCloudProcess(dataDir: string, env: Record<string, string>, port = 0): CloudProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, dataDir, String(port)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const endpoint = new Promise<string>((resolveEndpoint, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^ready (\S+)\n/m.exec(stdout);
      if (match?.[1]) resolveEndpoint(match[1]);
    });
    child.on('exit', (code, signal) => reject(new Error(`cloud process exited (${code ?? signal}) before it was ready: ${stderr}`)));
  });
  return { child, endpoint, stderr: () => stderr };
}

async function kill9(cloud: CloudProcess): Promise<void> {
  if (cloud.child.exitCode !== null || cloud.child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => cloud.child.once('exit', () => resolveExit()));
  cloud.child.kill('SIGKILL');
  await exited;
}

async function waitForLine(file: string, line: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(existsSync(file) && readFileSync(file, 'utf8').split('\n').includes(line))) {
    if (Date.now() > deadline) throw new Error(`"${line}" never appeared in ${file}`);
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((closed) => server.close(() => closed()));
  return port;
}

describe('Local cloud: durability across kill -9', () => {
  const running: CloudProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const cloud of running.splice(0)) await kill9(cloud);
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function setup(): Promise<{ dataDir: string; marker: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'recops-durability-'));
    dirs.push(dir);
    return { dataDir: join(dir, 'state'), marker: join(dir, 'marker.txt') };
  }

  function start(dataDir: string, marker: string, hold: boolean, port = 0): CloudProcess {
    const cloud = startCloudProcess(dataDir, { DURABILITY_MARKER_FILE: marker, DURABILITY_HOLD: hold ? '1' : '0' }, port);
    running.push(cloud);
    return cloud;
  }

  it('delivers the notification of an upload acknowledged just before the kill, after the restart', async () => {
    const { dataDir, marker } = await setup();
    const first = start(dataDir, marker, true);
    const s3 = new S3Client({ ...client, endpoint: await first.endpoint, forcePathStyle: true });
    const put = await s3.send(new PutObjectCommand({ Bucket: 'recops-test-data', Key: 'in/config.json', Body: '{"a":1}' }));
    s3.destroy();
    expect(put.$metadata.httpStatusCode).toBe(200);
    await kill9(first);
    expect(existsSync(marker) ? readFileSync(marker, 'utf8').split('\n') : []).not.toContain('upload in/config.json');

    const second = start(dataDir, marker, false);
    await second.endpoint;
    await waitForLine(marker, 'upload in/config.json');
  }, 90_000);

  it('hands a message the killed process held to the restarted one at once, not after its visibility timeout', async () => {
    const { dataDir, marker } = await setup();
    const first = start(dataDir, marker, true);
    const bus = new EventBridgeClient({ ...client, endpoint: await first.endpoint });
    await bus.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: 'recops-test', Source: 'test.durability', DetailType: 'Work', Detail: '{"id":"w1"}' }],
      }),
    );
    bus.destroy();
    await waitForLine(marker, 'started work w1');
    await kill9(first);

    // The queue hides a received message for 300 s; the wait below is far shorter.
    const second = start(dataDir, marker, false);
    await second.endpoint;
    await waitForLine(marker, 'work w1', 30_000);
  }, 90_000);

  it('answers nothing but 503 or a refused connection until every service is ready', async () => {
    const { dataDir, marker } = await setup();
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const cloud = start(dataDir, marker, false, port);
    const sqs = new SQSClient({ ...client, endpoint, maxAttempts: 1 });
    const personalize = new PersonalizeClient({ ...client, endpoint, maxAttempts: 1 });
    const unexpected: string[] = [];
    let served = 0;
    let refusedOr503 = 0;
    try {
      const deadline = Date.now() + 60_000;
      while (served < 2 && Date.now() < deadline) {
        served = 0;
        for (const call of [() => sqs.send(new ListQueuesCommand({})), () => personalize.send(new ListDatasetGroupsCommand({}))]) {
          try {
            await call();
            served += 1;
          } catch (error) {
            const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
            const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
            if (status === 503 || code === 'ECONNREFUSED' || (error as Error).message.includes('ECONNREFUSED')) refusedOr503 += 1;
            else unexpected.push(`${status ?? code ?? '?'} ${(error as Error).name}: ${(error as Error).message}`);
          }
        }
      }
    } finally {
      sqs.destroy();
      personalize.destroy();
    }
    expect(unexpected).toEqual([]);
    expect(served).toBe(2);
    expect(refusedOr503).toBeGreaterThan(0);
    await cloud.endpoint;
  }, 90_000);
});
