import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventLog } from '@recops/local';
import { runRecops } from './run-recops';

describe('CLI: recops log', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recops-log-'));
    const log = await EventLog.open(dir);
    // Bus events as the local EventBridge records them: the bus name and the event as delivered.
    const busEvent = (runId: string) => ({
      bus: 'recops-local',
      event: { source: 'recops.pipeline', 'detail-type': 'Pipeline Requested', detail: { runId, datasetGroupName: 'shop' } },
    });
    await log.append('bus.event', busEvent('run-1'));
    await log.append('bus.event', busEvent('run-2'));
    await log.append('s3.object-created', {
      Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'recops-data' }, object: { key: 'train/shop/config.json' } } }],
    });
    await log.append('delivery', {
      service: 'run-tracker',
      source: 'sqs',
      outcome: 'failed',
      error: 'Throttled',
      records: [{ runId: 'run-1' }],
    });
    await log.close();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints bus events by default, oldest first', async () => {
    const run = await runRecops(['log', '--data-dir', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(/ +/)[1]),
    ).toEqual(['bus.event', 'bus.event']);
  });

  it('adds deliveries and S3 notifications on request', async () => {
    const run = await runRecops(['log', '--data-dir', dir, '--deliveries', '--s3']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\S+Z {2}bus\.event +Pipeline Requested {2}run run-1 {2}run=run-1$/);
    expect(lines[2]).toContain('ObjectCreated:Put s3://recops-data/train/shop/config.json');
    expect(lines[3]).toMatch(/delivery +run-tracker ← sqs failed: Throttled {2}run=run-1$/);
  });

  it('shows one run and one kind as JSON lines', async () => {
    const run = await runRecops(['log', '--data-dir', dir, '--run', 'run-1', '--all', '--json']);
    const entries = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number; kind: string });
    expect(entries.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'bus.event'],
      [4, 'delivery'],
    ]);
    const kinds = await runRecops(['log', '--data-dir', dir, '--kind', 's3.object-created', '--json']);
    expect(kinds.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('names a data directory that does not exist, in one line with exit 1', async () => {
    const run = await runRecops(['log', '--data-dir', join(dir, 'nope')]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^recops log: no local cloud data directory at .*nope/)]);
  });

  it('follows new entries until interrupted', async () => {
    let appended = false;
    const run = await runRecops(['log', '--data-dir', dir, '--follow', '--kind', 'delivery'], (stdout, kill) => {
      if (!appended && stdout.includes('run-tracker')) {
        appended = true;
        void EventLog.open(dir).then(async (log) => {
          await log.append('delivery', { service: 'solution-trainer' });
          await log.close();
        });
      }
      if (stdout.includes('solution-trainer')) kill();
    });
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(2);
  });
});
