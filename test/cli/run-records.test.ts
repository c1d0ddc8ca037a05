/**
 * `recops status` and `recops report` read the run records in the stage's bucket through the schemas
 * they are written by (@recops/services/run-records): a malformed state.json or rejected.json is an
 * error naming the object, the field and the rule it breaks, and a listing still shows the other runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createClients } from '@recops/core/runtime';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRecops } from './run-recops';

const STAGE = 'recordstest';
const BUCKET = `recops-${STAGE}-data`;
const GOOD = '2026_01_02_03_04_05-good0001';
const BAD_OUTCOME = '2026_01_02_03_05_05-bad00001';
const BAD_RETRY = '2026_01_02_03_06_05-bad00002';
const NOT_JSON = '2026_01_02_03_07_05-bad00003';
const BAD_REJECTED = '2026_01_02_03_08_05-bad00004';

function state(runId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    runId,
    datasetGroupName: `${STAGE}-shop`,
    stage: STAGE,
    startedAt: '2026-01-02T03:04:05.000Z',
    updatedAt: '2026-01-02T03:06:00.000Z',
    resources: {},
    ...extra,
  };
}

describe('CLI: malformed run records', () => {
  let dir: string;
  let cloud: LocalCloud;
  let endpoint: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recops-run-records-'));
    cloud = await createLocalCloud({ dataDir: join(dir, 'cloud'), stage: STAGE, manifest: [] });
    await cloud.s3.ensureBucket(BUCKET);
    const clients = createClients({ endpoint: cloud.endpoint, region: cloud.region, env: {} });
    const put = (runId: string, name: string, body: string) =>
      clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `runs/${STAGE}-shop/${runId}/${name}`, Body: body }));
    await put(GOOD, 'state.json', JSON.stringify(state(GOOD, { outcome: { kind: 'completed', decidedAt: '2026-01-02T03:06:00.000Z' } })));
    await put(BAD_OUTCOME, 'state.json', JSON.stringify(state(BAD_OUTCOME, { outcome: { kind: 'finished', decidedAt: 1767323160000 } })));
    await put(
      BAD_RETRY,
      'state.json',
      JSON.stringify(
        state(BAD_RETRY, {
          retries: { 'solution-trainer': { step: 'training', attempt: 0, maxAttempts: 10, reason: 'Rate exceeded', at: 'x' } },
        }),
      ),
    );
    await put(NOT_JSON, 'state.json', '{"version": 1, "runId": ');
    await put(
      BAD_REJECTED,
      'rejected.json',
      JSON.stringify({
        runId: BAD_REJECTED,
        datasetGroupName: `${STAGE}-shop`,
        stage: STAGE,
        step: 'intake',
        failedAt: '2026-01-02T03:08:05Z',
      }),
    );
    endpoint = ['--endpoint', cloud.endpoint];
  });
  afterAll(async () => {
    await cloud.close();
    await rm(dir, { recursive: true, force: true });
  });

  const where = (runId: string, name = 'state.json') => `s3://${BUCKET}/runs/${STAGE}-shop/${runId}/${name}`;

  it('status RUN_ID names the record, each failing field and the rule it breaks', async () => {
    const outcome = await runRecops(['status', BAD_OUTCOME, ...endpoint]);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).toBe('');
    expect(outcome.stderr.trim()).toBe(
      `recops status: run record ${where(BAD_OUTCOME)} is not a valid document: ` +
        'outcome.kind: Invalid option: expected one of "completed"|"failed"; outcome.decidedAt: Invalid input: expected string, received number',
    );
    const retry = await runRecops(['status', BAD_RETRY, ...endpoint]);
    expect(retry.code).toBe(1);
    expect(retry.stderr).toContain(`recops status: run record ${where(BAD_RETRY)} is not a valid document: `);
    expect(retry.stderr).toContain('retries.solution-trainer.attempt: Too small: expected number to be >=1');
    expect(retry.stderr).toContain('retries.solution-trainer.nextAttemptAt: Invalid input: expected string, received undefined');
    const broken = await runRecops(['status', NOT_JSON, ...endpoint]);
    expect(broken.stderr.trim()).toBe(`recops status: run record ${where(NOT_JSON)} is not a valid document: not JSON`);
    const rejected = await runRecops(['status', BAD_REJECTED, ...endpoint]);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain(`recops status: run record ${where(BAD_REJECTED, 'rejected.json')} is not a valid document: `);
    expect(rejected.stderr).toContain('reason: Invalid input: expected string, received undefined');
  });

  it('status lists the runs it can read and reports each malformed record, exiting 1', async () => {
    const list = await runRecops(['status', ...endpoint]);
    expect(list.code).toBe(1);
    expect(list.stdout).toMatch(new RegExp(`${GOOD} +${STAGE}-shop +\\S+ \\S+ +\\d+\\.\\ds +completed`));
    for (const runId of [BAD_OUTCOME, BAD_RETRY, NOT_JSON]) expect(list.stdout).not.toContain(runId);
    const reported = list.stderr.trim().split('\n');
    expect(reported).toHaveLength(4);
    for (const [runId, name] of [
      [BAD_OUTCOME, 'state.json'],
      [BAD_RETRY, 'state.json'],
      [NOT_JSON, 'state.json'],
      [BAD_REJECTED, 'rejected.json'],
    ] as const) {
      expect(reported.some((line) => line.startsWith(`recops status: run record ${where(runId, name)} is not a valid document: `))).toBe(
        true,
      );
    }
    const good = await runRecops(['status', GOOD, ...endpoint]);
    expect(good.code, good.stderr).toBe(0);
  });

  it('report of a malformed record says what is wrong and writes nothing', async () => {
    const out = join(dir, 'report.html');
    const report = await runRecops(['report', BAD_OUTCOME, ...endpoint, '--out', out]);
    expect(report.code).toBe(1);
    expect(report.stderr.trim()).toMatch(
      new RegExp(`^recops report: run record ${where(BAD_OUTCOME).replace(/[.]/g, '\\.')} is not a valid document: outcome\\.kind: `),
    );
    await expect(rm(out)).rejects.toThrow(/ENOENT/);
  });
});
