import { describe, expect, it } from 'vitest';
import {
  isProductionStage,
  loadParameterFile,
  ParameterFileError,
  PlanOptionsError,
  personalizeNamePrefix,
  resolvePlan,
  stageScopedName,
  type Plan,
} from '@recops/core';
import { fixture, fixtureNames, fixtureText } from './helpers';

const RUN_STAMP = '2026_11_25_10_00_00';

function planOf(text: string, stage: string): Plan {
  return resolvePlan(loadParameterFile(text.replaceAll('<REPLACE_WITH_S3_BUCKET_NAME>', 'recops-data')).file, {
    bucket: 'recops-data',
    configKey: 'train/dsg/config.json',
    runStamp: RUN_STAMP,
    stage,
  });
}

/** Every name recops gives a Personalize resource in a plan, with where it sits. */
function personalizeNames(plan: Plan): [string, string][] {
  const names: [string, string][] = [['datasetGroup', plan.datasetGroup.name]];
  for (const d of plan.datasets) {
    names.push([`${d.sourcePath} dataset`, d.name], [`${d.sourcePath} schema`, d.schema.name]);
    if (d.importJob) names.push([`${d.sourcePath} import job`, d.importJob.jobName], [`${d.sourcePath} job base`, d.importJob.jobNameBase]);
  }
  if (plan.eventTracker) names.push(['eventTracker', plan.eventTracker.name]);
  for (const f of plan.filters) names.push([f.sourcePath, f.name]);
  for (const r of plan.recommenders) names.push([r.sourcePath, r.name]);
  for (const s of plan.solutions) {
    names.push([s.sourcePath, s.name]);
    if (s.version) names.push([`${s.sourcePath} version`, s.version.name], [`${s.sourcePath} version base`, s.version.nameBase]);
    for (const c of s.campaigns) names.push([c.sourcePath, c.name]);
    for (const j of [...s.batchInferenceJobs, ...s.batchSegmentJobs])
      names.push([j.sourcePath, j.jobName], [`${j.sourcePath} base`, j.jobNameBase]);
  }
  for (const schedule of plan.schedules) {
    names.push([`${schedule.sourcePath} target group`, schedule.target.datasetGroupName]);
    if (schedule.target.solutionName) names.push([`${schedule.sourcePath} target solution`, schedule.target.solutionName]);
    if (schedule.target.jobNameBase) names.push([`${schedule.sourcePath} target job`, schedule.target.jobNameBase]);
  }
  return names;
}

/** The plan with its Personalize names (and schedule names, built from them) taken out: what must not depend on the stage. */
function withoutNames(plan: Plan): unknown {
  const nameKeys = new Set(['name', 'nameBase', 'jobName', 'jobNameBase', 'datasetGroupName', 'solutionName']);
  return JSON.parse(JSON.stringify(plan, (key, value) => (nameKeys.has(key) ? '<name>' : value)));
}

describe('Rule: the Personalize names of a stage', () => {
  it('keeps names on the production stages and prefixes every other stage with "<stage>-"', () => {
    expect(isProductionStage('prod')).toBe(true);
    expect(isProductionStage('production')).toBe(true);
    expect(isProductionStage('Prod')).toBe(false);
    expect(stageScopedName('prod', 'movies')).toBe('movies');
    expect(stageScopedName('production', 'movies')).toBe('movies');
    expect(stageScopedName('qa', 'movies')).toBe('qa-movies');
    expect(stageScopedName('local', 'movies')).toBe('local-movies');
    expect(personalizeNamePrefix('team-a')).toBe('team-a-');
  });

  it('refuses a stage that cannot start a Personalize name', () => {
    expect(() => personalizeNamePrefix('my.stage')).toThrow(/stage "my\.stage" cannot prefix Personalize names/);
    expect(() => personalizeNamePrefix('')).toThrow(RangeError);
  });
});

describe('Function: resolvePlan names Personalize resources by the stage', () => {
  it.each(fixtureNames())('gives every Personalize name of %s the stage prefix outside production, and only the names', (name) => {
    const production = planOf(fixtureText(name), 'prod');
    const qa = planOf(fixtureText(name), 'qa');

    const prodNames = personalizeNames(production);
    const qaNames = personalizeNames(qa);
    expect(qaNames.map(([where]) => where)).toEqual(prodNames.map(([where]) => where));
    for (const [where, scoped] of qaNames) expect(scoped, where).toMatch(/^qa-/);
    // Within 63 characters the name is the production name behind the prefix; per-run names longer
    // than that are shortened with a hash, deterministically.
    qaNames.forEach(([where, scoped], i) => {
      expect(scoped.length, where).toBeLessThanOrEqual(63);
      const plain = (prodNames[i] as [string, string])[1];
      if (`qa-${plain}`.length <= 63) expect(scoped, where).toBe(`qa-${plain}`);
    });
    // Data locations, batch folders and everything else stay as the file says.
    expect(withoutNames(qa)).toEqual(withoutNames(production));
    expect(planOf(fixtureText(name), 'qa')).toEqual(qa);
  });

  it("keeps the file's names on a production stage", () => {
    const plan = planOf(fixtureText('seed-examples/mpe-sample-full.json'), 'production');
    const file = fixture('seed-examples/mpe-sample-full.json');
    expect(plan.datasetGroup.name).toBe(file['datasetGroup'].serviceConfig.name);
    expect(plan.solutions.map((s) => s.name)).toEqual(file['solutions'].map((s: any) => s.serviceConfig.name));
    expect(plan.eventTracker?.name).toBe(file['eventTracker'].serviceConfig.name);
  });

  it("points a batch job's filter, named by the file, at the stage's filter; an ARN stays as written", () => {
    const file = fixture('seed-examples/mpe-sample-full.json');
    file['filters'] = [{ serviceConfig: { name: 'no-comedy', filterExpression: 'EXCLUDE ItemID WHERE Items.GENRES IN ("Comedy")' } }];
    const [first] = file['solutions'][2].batchInferenceJobs;
    first.serviceConfig.filterArn = 'no-comedy';
    file['solutions'][2].batchInferenceJobs.push({
      ...first,
      serviceConfig: { ...first.serviceConfig, jobName: 'second', filterArn: 'arn:aws:personalize:us-east-1:123456789012:filter/x' },
    });
    const jobs = planOf(JSON.stringify(file), 'qa').solutions[2]?.batchInferenceJobs ?? [];
    expect(jobs.map((j) => j.filterArn)).toEqual(['qa-no-comedy', 'arn:aws:personalize:us-east-1:123456789012:filter/x']);
  });

  it('refuses, naming each field and the limit, a file whose names the stage prefix pushes past 63 characters', () => {
    const file = fixture('seed-examples/mpe-sample-full.json');
    const long = 'c'.repeat(60);
    file['solutions'][2].campaigns[0].serviceConfig.name = long;
    file['eventTracker'].serviceConfig.name = 'e'.repeat(63);
    const text = JSON.stringify(file);
    // Valid as a file, and on production.
    expect(planOf(text, 'prod').solutions[2]?.campaigns[0]?.name).toBe(long);

    const refused = (() => {
      try {
        planOf(text, 'staging');
      } catch (error) {
        return error;
      }
      throw new Error('resolvePlan accepted a name longer than Personalize allows');
    })();
    expect(refused).toBeInstanceOf(ParameterFileError);
    expect((refused as ParameterFileError).issues.map((issue) => issue.path).sort()).toEqual([
      'eventTracker.serviceConfig.name',
      'solutions[2].campaigns[0].serviceConfig.name',
    ]);
    expect((refused as ParameterFileError).issues.find((issue) => issue.path.startsWith('solutions'))?.message).toBe(
      `as stage staging's Personalize name "staging-cccccccccccccccccccc…" it has 68 characters; Personalize allows at most 63 (shorten it by 5)`,
    );
  });

  it('refuses a stage that cannot prefix Personalize names', () => {
    expect(() => planOf(fixtureText('seed-examples/mpe-sample-full.json'), 'a/b')).toThrow(PlanOptionsError);
  });
});
