import { describe, expect, it } from 'vitest';
import {
  loadParameterFile,
  plannedRunSchema,
  planSchema,
  resolvePlan,
  RunScopeError,
  scheduledRunIdentity,
  scopeOfSchedule,
  uploadRunIdentity,
  validateParameterFile,
  type Plan,
} from '@recops/core';
import { plannedRunOf } from '../support/planned-run';
import { fixture, fixtureNames, fixtureText } from './helpers';

function planOf(name: string): Plan {
  const text = fixtureText(name).replaceAll('<REPLACE_WITH_S3_BUCKET_NAME>', 'recops-data');
  return resolvePlan(loadParameterFile(text).file, {
    stage: 'prod',
    bucket: 'recops-data',
    configKey: 'train/dsg/config.json',
    runStamp: '2026_11_25_10_00_00',
  });
}

describe('Schema: planSchema', () => {
  it.each(fixtureNames())('reads back the resolved plan of %s unchanged', (name) => {
    const plan = planOf(name);
    expect(planSchema.parse(JSON.parse(JSON.stringify(plan)))).toEqual(plan);
  });

  it('refuses a plan with a field it does not know, naming the field', () => {
    const plan = planOf('seed-examples/mpe-sample-full.json');
    const document = { ...plannedRunOf(plan), plan: { ...plan, solutions: [{ ...plan.solutions[0], performAutoML: true }] } };
    const result = plannedRunSchema.safeParse(document);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['plan', 'solutions', 0], message: 'Unrecognized key: "performAutoML"' });
  });
});

describe('Function: uploadRunIdentity, scheduledRunIdentity', () => {
  it('returns one id, stamp and start time per trigger, the same for its duplicates', () => {
    const write = { bucket: 'b', key: 'train/dsg/config.json', sequencer: '0A1B', eventTime: new Date('2026-11-25T10:00:00.250Z') };
    const upload = uploadRunIdentity(write);
    expect(upload).toEqual({
      id: expect.stringMatching(/^2026_11_25_10_00_00-[0-9a-f]{8}$/),
      stamp: '2026_11_25_10_00_00',
      startedAt: '2026-11-25T10:00:00.250Z',
    });
    expect(uploadRunIdentity({ ...write })).toEqual(upload);
    expect(uploadRunIdentity({ ...write, sequencer: '0A1C' }).id).not.toBe(upload.id);

    const firing = { scheduleName: 'dsg-full-sims', executionId: 'd32c5kddcf5bb8c3', firedAt: '2026-11-30T02:00:00Z' };
    const scheduled = scheduledRunIdentity(firing);
    expect(scheduled).toEqual({
      id: expect.stringMatching(/^2026_11_30_02_00_00-[0-9a-f]{8}$/),
      stamp: '2026_11_30_02_00_00',
      startedAt: '2026-11-30T02:00:00.000Z',
    });
    expect(scheduledRunIdentity({ ...firing })).toEqual(scheduled);
    expect(scheduledRunIdentity({ ...firing, scheduleName: 'dsg-full-other' }).id).not.toBe(scheduled.id);
  });
});

describe('Function: scopeOfSchedule', () => {
  const plan = planOf('seed-examples/mpe-sample-full.json');
  const withJob = planOf('mpe/sample_config.json');

  it('returns the scope each schedule kind runs', () => {
    expect(scopeOfSchedule({ kind: 'import' }, plan)).toEqual({ kind: 'import' });
    expect(scopeOfSchedule({ kind: 'full', solutionName: 'sims-solution' }, plan)).toEqual({
      kind: 'retrain',
      solutionName: 'sims-solution',
      trainingMode: 'FULL',
    });
    expect(scopeOfSchedule({ kind: 'update', solutionName: 'sims-solution' }, plan)).toMatchObject({ trainingMode: 'UPDATE' });
    const solution = withJob.solutions.find((s) => s.batchInferenceJobs.length > 0)!;
    const job = solution.batchInferenceJobs[0]!;
    expect(scopeOfSchedule({ kind: 'batch', solutionName: solution.name, jobName: job.jobNameBase }, withJob)).toEqual({
      kind: 'batch',
      solutionName: solution.name,
      jobKind: 'batchInferenceJob',
      jobIndex: 0,
      jobNameBase: job.jobNameBase,
    });
  });

  it("throws RunScopeError naming the file when the schedule's target is gone from it", () => {
    expect(() => scopeOfSchedule({ kind: 'full', solutionName: 'removed' }, plan)).toThrow(
      new RunScopeError('the full schedule names solution "removed", which s3://recops-data/train/dsg/config.json does not define'),
    );
    expect(() => scopeOfSchedule({ kind: 'segment', solutionName: 'sims-solution', jobName: 'gone' }, plan)).toThrow(
      /names batch segment job "gone" of solution "sims-solution"/,
    );
    expect(() => scopeOfSchedule({ kind: 'import' }, { ...plan, datasets: [] })).toThrow(/declares no dataset import to run/);
  });
});

describe('Function: validateParameterFile, a file without datasets', () => {
  it('accepts solutions, filters and campaigns without a datasets section, with a warning', () => {
    const file = fixture('seed-examples/mpe-sample-full.json');
    delete file.datasets;
    delete file.eventTracker;
    const result = validateParameterFile(file);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings).toContainEqual({
      path: 'datasets',
      message:
        'no datasets section: the file adds to dataset group "dataset-group-name-1" and uses its existing datasets; the run fails when training starts if the group has no interactions data',
    });
  });
});
