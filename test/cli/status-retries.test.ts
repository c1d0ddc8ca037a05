/**
 * `recops status RUN_ID` and `recops log` show what is being retried and what was dead-lettered:
 * the run tracker's record (Step Retrying, Message Dead-Lettered) in the stage's bucket, and the
 * bus events in the local cloud's log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '@recops/core/runtime';
import { createLocalCloud, EventLog, type LocalCloud } from '@recops/local';
import { runRecops } from './run-recops';

const RUN = '2026_01_02_03_04_05-upload-abc';

/** A running run's record as the run tracker writes it: a retry ahead and a dead letter. */
const STATE = {
  version: 1,
  runId: RUN,
  datasetGroupName: 'shop',
  stage: 'statustest',
  startedAt: '2026-01-02T03:04:05.000Z',
  updatedAt: '2026-01-02T03:06:00.000Z',
  resources: {},
  retries: {
    'solution-trainer': {
      step: 'training',
      attempt: 3,
      maxAttempts: 10,
      reason: 'CreateSolution sims failed: ThrottlingException: Rate exceeded',
      nextAttemptAt: '2026-01-02T03:07:25.000Z',
      at: '2026-01-02T03:06:05.000Z',
    },
  },
  deadLetters: {
    'message-1': { service: 'schedule-manager', reason: 'AccessDeniedException: not authorized to perform: scheduler:CreateSchedule' },
  },
};

describe('CLI: retries and dead letters in recops status and recops log', () => {
  let dir: string;
  let cloud: LocalCloud;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recops-status-retries-'));
    cloud = await createLocalCloud({ dataDir: join(dir, 'cloud'), stage: 'statustest', manifest: [] });
    await cloud.s3.ensureBucket('recops-statustest-data');
    const clients = createClients({ endpoint: cloud.endpoint, region: cloud.region, env: {} });
    await clients.s3.send(
      new PutObjectCommand({ Bucket: 'recops-statustest-data', Key: `runs/shop/${RUN}/state.json`, Body: JSON.stringify(STATE) }),
    );
  });
  afterAll(async () => {
    await cloud.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('status shows the next attempt of each retried step and each dead letter with its reason', async () => {
    const run = await runRecops(['status', RUN, '--endpoint', cloud.endpoint]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      '  retrying solution-trainer (training): attempt 4 of 10 at 2026-01-02T03:07:25.000Z after: CreateSolution sims failed: ThrottlingException: Rate exceeded',
    );
    expect(run.stdout).toContain(
      '  dead letter schedule-manager message message-1, in its DLQ: AccessDeniedException: not authorized to perform: scheduler:CreateSchedule',
    );
  });

  it('log describes Step Retrying and Message Dead-Lettered', async () => {
    const logDir = join(dir, 'log');
    const log = await EventLog.open(logDir);
    const bus = (detailType: string, detail: Record<string, unknown>) => ({
      bus: 'recops-statustest',
      event: { source: 'recops.pipeline', 'detail-type': detailType, detail: { runId: RUN, datasetGroupName: 'shop', ...detail } },
    });
    await log.append(
      'bus.event',
      bus('Step Retrying', {
        service: 'solution-trainer',
        step: 'training',
        attempt: 3,
        maxAttempts: 10,
        nextAttemptAt: '2026-01-02T03:07:25.000Z',
        reason: 'Rate exceeded',
      }),
    );
    await log.append(
      'bus.event',
      bus('Message Dead-Lettered', {
        service: 'schedule-manager',
        step: 'scheduling',
        attempts: 1,
        messageId: 'm-1',
        reason: 'AccessDenied',
      }),
    );
    await log.close();
    const run = await runRecops(['log', '--data-dir', logDir]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toContain(
      'Step Retrying  solution-trainer (training) attempt 3 of 10 failed, next at 2026-01-02T03:07:25.000Z: Rate exceeded',
    );
    expect(lines[1]).toContain(
      'Message Dead-Lettered  schedule-manager (scheduling) gave up after 1 deliveries, message m-1 in its DLQ: AccessDenied',
    );
  });
});
