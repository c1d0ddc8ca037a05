import { readFileSync } from 'node:fs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  CreateRecommenderCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunScope } from '@recops/events';
import { loadParameterFile, resolvePlan, type Plan } from '@recops/core';
import {
  onDatasetGroupActive,
  onImportActive,
  onRetrainRequested,
  onSolutionActive,
  type TrainerDependencies,
} from '../../../services/solution-trainer/train';
import { plannedRunOf } from '../../support/planned-run';
import { FAKE_ARN_PREFIX, fakePersonalize } from '../ops/fake-personalize';
import { acceptPutEvents, putEventsEntries } from '../bus-mock';

const fake = fakePersonalize();
const s3Mock = mockClient(S3Client);
const eventsMock = mockClient(EventBridgeClient);

const FIXTURE = `${import.meta.dirname}/../../core/fixtures/seed-examples/mpe-sample-full.json`;
const RUN = { runId: '2026_11_25_10_00_00-abcd1234', datasetGroupName: 'dataset-group-name-1', stage: 'test' };
const CONFIG_KEY = 'train/dataset-group-name-1/config.json';

function samplePlan(): Plan {
  const { file } = loadParameterFile(readFileSync(FIXTURE, 'utf8'));
  return resolvePlan(file, { stage: 'prod', bucket: 'recops-data', configKey: CONFIG_KEY, runStamp: '2026_11_25_10_00_00' });
}

/** A delivery attempt named `owner`, held until a minute after the tests' now. */
function deps(owner = 'message-1'): TrainerDependencies {
  return {
    personalize: new PersonalizeClient({ region: 'us-east-1' }),
    s3: new S3Client({ region: 'us-east-1' }),
    eventBridge: new EventBridgeClient({ region: 'us-east-1' }),
    busName: 'recops-test',
    bucketName: 'recops-data',
    attempt: { owner, until: new Date('2026-11-25T10:31:00.000Z') },
    now: () => new Date('2026-11-25T10:30:00.000Z'),
  };
}

function watches(): string[] {
  return putEventsEntries(eventsMock)
    .filter((e) => e.DetailType === 'Watch Requested')
    .map((e) => JSON.parse(e.Detail ?? '{}') as { resourceKind: string; resourceArn: string })
    .map((d) => `${d.resourceKind} ${d.resourceArn.replace(FAKE_ARN_PREFIX, '')}`);
}

/** The state after provisioning: group, both datasets ACTIVE, their import jobs in `jobStatus`. */
function provisioned(jobStatus: { users: string; interactions: string }) {
  const group = fake.seed('datasetGroup', 'dataset-group-name-1');
  for (const [type, status] of [
    ['USERS', jobStatus.users],
    ['INTERACTIONS', jobStatus.interactions],
  ] as const) {
    const dataset = fake.seed('dataset', `dataset-group-name-1/${type}`, { datasetType: type }, group);
    const job = fake.seed('datasetImportJob', `${type.toLowerCase()}-data_2026_11_25_10_00_00`, {}, dataset);
    fake.setStatus(job, status);
  }
  return group;
}

let plan: Plan;
let scope: RunScope;
/** Objects written under `runs/…/claims/` (conditional writes, as S3 does them), by key. */
let claims: Map<string, string>;
const SIMS_VERSION_CLAIM = `runs/dataset-group-name-1/${RUN.runId}/claims/solution-version/sims-solution/sims-solution_2026_11_25_10_00_00`;

function preconditionFailed(): Error {
  return Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), {
    name: 'PreconditionFailed',
    $metadata: { httpStatusCode: 412 },
  });
}

beforeEach(() => {
  fake.reset();
  s3Mock.reset();
  eventsMock.reset();
  acceptPutEvents(eventsMock);
  plan = samplePlan();
  scope = { kind: 'everything' };
  claims = new Map();
  s3Mock.on(PutObjectCommand).callsFake((input) => {
    if (input.IfNoneMatch === '*' && claims.has(input.Key)) throw preconditionFailed();
    claims.set(input.Key, String(input.Body));
    return {};
  });
  // Only transformToString is read from the body.
  s3Mock.on(GetObjectCommand).callsFake((input) => {
    const body = claims.get(input.Key) ?? JSON.stringify(plannedRunOf(plan, { runId: RUN.runId, scope }));
    return { ETag: '"1"', Body: { transformToString: async () => body } as never };
  });
});

describe('Logic: onImportActive', () => {
  it('waits without creating anything while another import of the run is still in progress', async () => {
    provisioned({ users: 'ACTIVE', interactions: 'CREATE IN_PROGRESS' });

    const report = await onImportActive(RUN, deps());

    expect(report.waitingFor).toEqual(['interactions-data_2026_11_25_10_00_00 CREATE IN_PROGRESS']);
    expect(fake.resources('filter')).toHaveLength(0);
    expect(fake.resources('solution')).toHaveLength(0);
    expect(watches()).toEqual([]);
  });

  it('creates filters and solutions once every import is ACTIVE, and watches what is not ready', async () => {
    // Prepare
    provisioned({ users: 'ACTIVE', interactions: 'ACTIVE' });

    // Act
    const report = await onImportActive(RUN, deps());

    // Assess
    expect(report.waitingFor).toEqual([]);
    expect(fake.resources('filter').map((f) => f.name)).toEqual(['clicked-or-streamed', 'interacted']);
    expect(fake.resources('solution').map((s) => [s.name, s.fields.recipeArn, s.fields.performAutoTraining])).toEqual([
      ['sims-solution', 'arn:aws:personalize:::recipe/aws-sims', false],
      ['popularity-count-solution', 'arn:aws:personalize:::recipe/aws-popularity-count', false],
      ['user-personalization-solution', 'arn:aws:personalize:::recipe/aws-user-personalization', false],
    ]);
    expect(watches().sort()).toEqual([
      'filter filter/clicked-or-streamed',
      'filter filter/interacted',
      'solution solution/popularity-count-solution',
      'solution solution/sims-solution',
      'solution solution/user-personalization-solution',
    ]);
    expect(fake.resources('solutionVersion')).toHaveLength(0);
  });

  it('produces the same resources when both import events arrive twice, in any order', async () => {
    // Prepare: solutions become ACTIVE as soon as they exist, so versions train in the same pass.
    provisioned({ users: 'ACTIVE', interactions: 'ACTIVE' });
    fake.initialStatus.solution = 'ACTIVE';

    // Act: four deliveries (two per import), each asks Personalize for the truth.
    for (let i = 0; i < 4; i += 1) await onImportActive(RUN, deps());

    // Assess
    expect(fake.mock.commandCalls(CreateSolutionCommand)).toHaveLength(3);
    expect(
      fake
        .resources('solutionVersion')
        .map((v) => v.name)
        .sort(),
    ).toEqual([
      'popularity-count-solution_2026_11_25_10_00_00',
      'sims-solution_2026_11_25_10_00_00',
      'user-personalization-solution_2026_11_25_10_00_00',
    ]);
  });

  it('drops autoMLConfig with a warning', async () => {
    provisioned({ users: 'ACTIVE', interactions: 'ACTIVE' });
    const [first, ...rest] = plan.solutions;
    plan = {
      ...plan,
      solutions: [{ ...first!, solutionConfig: { autoMLConfig: { metricName: 'x' }, eventValueThreshold: '1' } }, ...rest],
    };

    const report = await onImportActive(RUN, deps());

    expect(report.warnings).toEqual(['solutions[0].solutionConfig.autoMLConfig is deprecated with performAutoML and was ignored']);
    const input = fake.mock.commandCalls(CreateSolutionCommand).find((c) => c.args[0].input.name === 'sims-solution')?.args[0].input;
    expect(input?.solutionConfig).toEqual({ eventValueThreshold: '1' });
    expect(input).not.toHaveProperty('performAutoML');
  });

  it('creates the recommenders of a domain dataset group once, with their recipe and config, and watches them', async () => {
    // Prepare: the plan of a VIDEO_ON_DEMAND group with one recommender.
    provisioned({ users: 'ACTIVE', interactions: 'ACTIVE' });
    plan = {
      ...plan,
      recommenders: [
        {
          sourcePath: 'recommenders[0]',
          name: 'top-picks',
          recipeArn: 'arn:aws:personalize:::recipe/aws-vod-top-picks',
          recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
          tags: [],
        },
      ],
    };

    // Act: the join completes twice (both imports' events).
    await onImportActive(RUN, deps());
    await onImportActive(RUN, deps('message-2'));

    // Assess
    expect(fake.resources('recommender').map((r) => [r.name, r.fields.recipeArn])).toEqual([
      ['top-picks', 'arn:aws:personalize:::recipe/aws-vod-top-picks'],
    ]);
    const created = fake.mock.commandCalls(CreateRecommenderCommand).map((c) => c.args[0].input);
    expect(created).toEqual([expect.objectContaining({ name: 'top-picks', recommenderConfig: { minRecommendationRequestsPerSecond: 1 } })]);
    expect(watches()).toContain('recommender recommender/top-picks');
  });

  it("trains nothing for a run of the file's imports only (an import schedule)", async () => {
    provisioned({ users: 'ACTIVE', interactions: 'ACTIVE' });
    scope = { kind: 'import' };

    const report = await onImportActive(RUN, deps());

    expect(report).toMatchObject({ created: [], watched: [] });
    expect(fake.resources('solution')).toHaveLength(0);
    expect(fake.resources('filter')).toHaveLength(0);
  });
});

describe('Logic: onDatasetGroupActive, a file without datasets', () => {
  function withoutDatasets(): Plan {
    return { ...plan, datasets: [], eventTracker: undefined };
  }

  it("trains on the group's existing interactions data once the group is ACTIVE", async () => {
    // Prepare: an earlier run imported interactions into the group.
    const group = provisioned({ users: 'ACTIVE', interactions: 'ACTIVE' });
    plan = withoutDatasets();

    // Act
    const report = await onDatasetGroupActive({ ...RUN, datasetGroupArn: group }, deps());

    // Assess
    expect(report.failed).toBeUndefined();
    expect(fake.resources('solution').map((r) => r.name)).toEqual([
      'sims-solution',
      'popularity-count-solution',
      'user-personalization-solution',
    ]);
  });

  it('fails the run with a clear reason when the group has no interactions data', async () => {
    // Prepare: the group exists, but its interactions import never finished.
    const group = provisioned({ users: 'ACTIVE', interactions: 'CREATE FAILED' });
    plan = withoutDatasets();

    // Act
    const report = await onDatasetGroupActive({ ...RUN, datasetGroupArn: group }, deps());

    // Assess
    expect(report.failed).toBe(
      'dataset group "dataset-group-name-1" has an INTERACTIONS dataset but no finished import into it: the parameter file declares no datasets, so its solutions train on the group\'s existing interactions data; import interactions into the group (or add a datasets section) and upload the file again',
    );
    expect(fake.resources('solution')).toHaveLength(0);
    const failed = putEventsEntries(eventsMock).filter((e) => e.DetailType === 'Step Failed');
    expect(failed).toHaveLength(1);
  });

  it('fails the run when the group has no INTERACTIONS dataset at all', async () => {
    const group = fake.seed('datasetGroup', 'dataset-group-name-1');
    plan = withoutDatasets();

    const report = await onDatasetGroupActive({ ...RUN, datasetGroupArn: group }, deps());

    expect(report.failed).toMatch(/^dataset group "dataset-group-name-1" has no INTERACTIONS dataset: /);
  });

  it('leaves a file with datasets to the import join', async () => {
    const group = provisioned({ users: 'ACTIVE', interactions: 'ACTIVE' });

    await onDatasetGroupActive({ ...RUN, datasetGroupArn: group }, deps());

    expect(fake.resources('solution')).toHaveLength(0);
  });
});

describe('Logic: onDatasetGroupActive, datasets declared but none imported (CDK createNewJob: false)', () => {
  function withoutImports(): Plan {
    return { ...plan, datasets: plan.datasets.map(({ importJob: _off, ...dataset }) => dataset) };
  }

  it('trains on the data already in the group once the declared datasets are ACTIVE', async () => {
    const group = provisioned({ users: 'ACTIVE', interactions: 'ACTIVE' });
    plan = withoutImports();

    const report = await onDatasetGroupActive({ ...RUN, datasetGroupArn: group }, deps());

    expect(report.failed).toBeUndefined();
    expect(fake.resources('solution').map((r) => r.name)).toEqual([
      'sims-solution',
      'popularity-count-solution',
      'user-personalization-solution',
    ]);
  });

  it('returns the record to the queue, creating nothing, while a declared dataset is not created yet', async () => {
    const group = fake.seed('datasetGroup', 'dataset-group-name-1');
    plan = withoutImports();

    await expect(onDatasetGroupActive({ ...RUN, datasetGroupArn: group }, deps())).rejects.toThrow(
      /dataset .* is NOT CREATED, not ACTIVE yet/,
    );

    expect(fake.resources('solution')).toHaveLength(0);
    expect(putEventsEntries(eventsMock).filter((e) => e.DetailType === 'Step Failed')).toHaveLength(0);
  });

  it('fails the run naming the switched-off import when the group holds no interactions data', async () => {
    const group = provisioned({ users: 'ACTIVE', interactions: 'CREATE FAILED' });
    plan = withoutImports();

    const report = await onDatasetGroupActive({ ...RUN, datasetGroupArn: group }, deps());

    expect(report.failed).toMatch(
      /^dataset group "dataset-group-name-1" has an INTERACTIONS dataset but no finished import into it: the parameter file imports nothing into it \(datasets\.interactions\.datasetImportJob is absent or createNewJob is false\)/,
    );
    expect(fake.resources('solution')).toHaveLength(0);
  });
});

describe('Logic: onSolutionActive', () => {
  it("trains one version of the run with the file's training mode, also when the event repeats", async () => {
    // Prepare
    const group = provisioned({ users: 'ACTIVE', interactions: 'ACTIVE' });
    const solution = fake.seed('solution', 'sims-solution', { recipeArn: 'arn:aws:personalize:::recipe/aws-sims' }, group);

    // Act
    await onSolutionActive({ ...RUN, solutionArn: solution }, deps());
    await onSolutionActive({ ...RUN, solutionArn: solution }, deps());

    // Assess
    const calls = fake.mock.commandCalls(CreateSolutionVersionCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({
      solutionArn: solution,
      name: 'sims-solution_2026_11_25_10_00_00',
      trainingMode: 'FULL',
    });
    expect(watches()).toEqual(['solutionVersion solution/sims-solution/00000001', 'solutionVersion solution/sims-solution/00000001']);
  });
});

describe('Logic: the claim on a solution version', () => {
  function simsSolution(): string {
    const group = provisioned({ users: 'ACTIVE', interactions: 'ACTIVE' });
    return fake.seed('solution', 'sims-solution', { recipeArn: 'arn:aws:personalize:::recipe/aws-sims' }, group);
  }

  it('creates nothing and returns the record to the queue when another delivery holds the claim', async () => {
    // Prepare: another message claimed the version and has not created it yet.
    const solution = simsSolution();
    claims.set(SIMS_VERSION_CLAIM, JSON.stringify({ owner: 'message-2', claimedAt: '2026-11-25T10:29:59.000Z' }));

    // Act
    const outcome = onSolutionActive({ ...RUN, solutionArn: solution }, deps('message-1'));

    // Assess
    await expect(outcome).rejects.toMatchObject({
      retryable: true,
      message: 'solution version "sims-solution_2026_11_25_10_00_00" is being created by another delivery and is not listed yet',
    });
    expect(fake.mock.commandCalls(CreateSolutionVersionCommand)).toHaveLength(0);
    expect(fake.resources('solutionVersion')).toHaveLength(0);
    expect(watches()).toEqual([]);
  });

  it("reuses and watches the claim holder's version once it is listed, creating nothing", async () => {
    const solution = simsSolution();
    claims.set(SIMS_VERSION_CLAIM, JSON.stringify({ owner: 'message-2', claimedAt: '2026-11-25T10:29:59.000Z' }));
    const theirs = fake.seed('solutionVersion', 'sims-solution_2026_11_25_10_00_00', {}, solution);

    const report = await onSolutionActive({ ...RUN, solutionArn: solution }, deps('message-1'));

    expect(report.reused).toEqual(['solutionVersion sims-solution_2026_11_25_10_00_00']);
    expect(fake.mock.commandCalls(CreateSolutionVersionCommand)).toHaveLength(0);
    expect(watches()).toEqual([`solutionVersion ${theirs.replace(FAKE_ARN_PREFIX, '')}`]);
  });

  it('lets a retry take over the claim of an attempt stopped before CreateSolutionVersion (past its deadline)', async () => {
    // Prepare: the first attempt of this message claimed the version, then was stopped before creating it.
    const solution = simsSolution();
    const stopped = { owner: 'message-1#1#a1', claimedAt: '2026-11-25T10:28:00.000Z', until: '2026-11-25T10:29:00.000Z' };
    claims.set(SIMS_VERSION_CLAIM, JSON.stringify(stopped));

    const report = await onSolutionActive({ ...RUN, solutionArn: solution }, deps('message-1#2#b2'));

    expect(report.created).toEqual(['solutionVersion sims-solution_2026_11_25_10_00_00']);
    expect(fake.resources('solutionVersion').map((v) => v.name)).toEqual(['sims-solution_2026_11_25_10_00_00']);
    expect(JSON.parse(claims.get(SIMS_VERSION_CLAIM) ?? '{}')).toMatchObject({ owner: 'message-1#2#b2' });
  });

  it('creates nothing while another attempt of the same message holds the claim before its deadline', async () => {
    // Prepare: SQS handed the message out again while its first attempt still runs.
    const solution = simsSolution();
    const running = { owner: 'message-1#1#a1', claimedAt: '2026-11-25T10:29:50.000Z', until: '2026-11-25T10:30:50.000Z' };
    claims.set(SIMS_VERSION_CLAIM, JSON.stringify(running));

    const outcome = onSolutionActive({ ...RUN, solutionArn: solution }, deps('message-1#2#b2'));

    await expect(outcome).rejects.toMatchObject({ retryable: true });
    expect(fake.mock.commandCalls(CreateSolutionVersionCommand)).toHaveLength(0);
  });

  it('creates one version when two deliveries of the event race each other', async () => {
    const solution = simsSolution();

    // Act: both look the version up before either creates it.
    const outcomes = await Promise.allSettled([
      onSolutionActive({ ...RUN, solutionArn: solution }, deps('message-1')),
      onSolutionActive({ ...RUN, solutionArn: solution }, deps('message-2')),
    ]);

    // Assess: one created it; the other reused it or went back to the queue, creating nothing.
    expect(fake.mock.commandCalls(CreateSolutionVersionCommand)).toHaveLength(1);
    expect(fake.resources('solutionVersion')).toHaveLength(1);
    const created = outcomes.filter((o) => o.status === 'fulfilled' && o.value.created.length === 1);
    expect(created).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ retryable: true });
    }
    expect(JSON.parse(claims.get(SIMS_VERSION_CLAIM) ?? '{}')).toMatchObject({ owner: expect.stringMatching(/^message-[12]$/) });
  });
  it("ends the other solutions' versions before the record goes back to the queue when one solution must wait", async () => {
    // Prepare: every solution exists and is ACTIVE; another delivery holds the sims version's claim.
    const group = provisioned({ users: 'ACTIVE', interactions: 'ACTIVE' });
    for (const [name, recipe] of [
      ['sims-solution', 'aws-sims'],
      ['popularity-count-solution', 'aws-popularity-count'],
      ['user-personalization-solution', 'aws-user-personalization'],
    ] as const) {
      fake.seed('solution', name, { recipeArn: `arn:aws:personalize:::recipe/${recipe}`, performAutoTraining: false }, group);
    }
    const running = { owner: 'message-2#1#c3', claimedAt: '2026-11-25T10:29:50.000Z', until: '2026-11-25T10:30:50.000Z' };
    claims.set(SIMS_VERSION_CLAIM, JSON.stringify(running));
    // The other claims are taken a little later than the sims claim is found held.
    s3Mock.on(PutObjectCommand).callsFake(async (input) => {
      if (String(input.Key).includes('/claims/solution-version/')) await new Promise((resolve) => setTimeout(resolve, 30));
      if (input.IfNoneMatch === '*' && claims.has(input.Key)) throw preconditionFailed();
      claims.set(input.Key, String(input.Body));
      return {};
    });

    // Act
    const outcome = onImportActive(RUN, deps('message-1#1#a1'));

    // Assess: the invocation ends only once the other two versions are created, since work left in
    // flight after it ends is frozen (Lambda) or refused (local cloud) and would keep their claims.
    await expect(outcome).rejects.toMatchObject({ retryable: true });
    expect(
      fake
        .resources('solutionVersion')
        .map((v) => v.name)
        .sort(),
    ).toEqual(['popularity-count-solution_2026_11_25_10_00_00', 'user-personalization-solution_2026_11_25_10_00_00']);
  });
});

describe('Logic: onRetrainRequested', () => {
  const REQUESTED = { ...RUN, plan: { bucket: 'recops-data', key: `runs/dataset-group-name-1/${RUN.runId}/plan.json` } };

  it('trains an UPDATE version of the one solution, named after the run, once', async () => {
    // Prepare: a run started by the solution's update schedule.
    scope = { kind: 'retrain', solutionName: 'user-personalization-solution', trainingMode: 'UPDATE' };
    const group = fake.seed('datasetGroup', 'dataset-group-name-1');
    const solution = fake.seed('solution', 'user-personalization-solution', {}, group);
    fake.seed('solution', 'sims-solution', {}, group);

    // Act
    const report = await onRetrainRequested(REQUESTED, deps());
    await onRetrainRequested(REQUESTED, deps());

    // Assess
    expect(report.failed).toBeUndefined();
    const calls = fake.mock.commandCalls(CreateSolutionVersionCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({
      solutionArn: solution,
      name: 'user-personalization-solution_2026_11_25_10_00_00',
      trainingMode: 'UPDATE',
    });
  });

  it('publishes Step Failed when the solution was never created', async () => {
    scope = { kind: 'retrain', solutionName: 'sims-solution', trainingMode: 'FULL' };
    fake.seed('datasetGroup', 'dataset-group-name-1');

    const report = await onRetrainRequested(REQUESTED, deps());

    expect(report.failed).toBe(
      'solution "sims-solution" does not exist yet; upload the parameter file to create it before its schedule fires',
    );
    const types = putEventsEntries(eventsMock).map((e) => e.DetailType);
    expect(types).toEqual(['Step Failed']);
  });

  it('does nothing for a run of everything (the import join trains those)', async () => {
    fake.seed('datasetGroup', 'dataset-group-name-1');

    const report = await onRetrainRequested(REQUESTED, deps());

    expect(report).toMatchObject({ created: [], watched: [] });
    expect(fake.mock.calls()).toHaveLength(0);
  });
});
