import { readFileSync } from 'node:fs';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateScheduleGroupCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { datasetGroupStatusChanged, scheduleFired } from '@recops/events';
import { loadParameterFile, resolvePlan, type Plan } from '@recops/core';
import { runWithEnvironment } from '@recops/core/runtime';
import { main } from '../../../services/schedule-manager/handler';
import {
  onPipelineRequested as applyRun,
  type RequestedRun,
  type ScheduleManagerDependencies,
} from '../../../services/schedule-manager/manage';
import { plannedRunKey, plannedRunOf } from '../../support/planned-run';
import { clientConfig, startBus, tempDir, type BusHarness } from '../../local/sqs/harness';
import { RUNTIME_TEST_ENV, busRecord, lambdaContext } from '../watcher/helpers';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const BUS = 'recops-test';
const GROUP = 'recops-test-schedules';
const ROLE = 'arn:aws:iam::000000000000:role/recops-test-scheduler';
const BUCKET = 'recops-data';
const CONFIG = { bucket: BUCKET, key: 'train/unit_test_new_datasetgroup/config.json' };

const fixture = readFileSync(`${import.meta.dirname}/../../core/fixtures/mpe/sample_config.json`, 'utf8');
const plan = resolvePlan(loadParameterFile(fixture).file, { stage: 'prod', bucket: CONFIG.bucket, configKey: CONFIG.key });

/** The same file for another dataset group whose name starts with the first one's. */
const neighbourFile = JSON.parse(fixture) as { datasetGroup: { serviceConfig: { name: string } } };
neighbourFile.datasetGroup.serviceConfig.name = 'unit_test_new_datasetgroup-eu';
const neighbourConfig = { bucket: BUCKET, key: 'train/unit_test_new_datasetgroup-eu/config.json' };
const neighbourPlan = resolvePlan(loadParameterFile(JSON.stringify(neighbourFile)).file, {
  stage: 'prod',
  bucket: BUCKET,
  configKey: neighbourConfig.key,
});

/** runIds as config-intake forms them: the upload's run stamp, then a hash of the write. */
const RUN_1 = '2026_11_25_10_00_00-aaaaaaaa';
const RUN_2 = '2026_11_25_11_00_00-bbbbbbbb';

/** Run documents by key, written to the bucket before the manager reads them (see `onPipelineRequested`). */
const documents = new Map<string, string>();

/** A run of `p` as Pipeline Requested describes it; its document goes to the bucket with the request. */
const inline = (p: Plan, config = CONFIG, runId = RUN_1): RequestedRun => {
  const document = { ...plannedRunOf(p, { runId }), config };
  const key = plannedRunKey(document);
  documents.set(key, JSON.stringify(document));
  return { runId, datasetGroupName: p.datasetGroup.name, config, plan: { bucket: BUCKET, key } };
};

/** `at()` a moment `ms` from now (second precision, as Scheduler takes it). */
const atIn = (ms: number): string => `at(${new Date(Date.now() + ms).toISOString().slice(0, 19)})`;

/** The watcher's report that the run's dataset group is ACTIVE: what wakes the schedule manager. */
function groupActiveRecord(datasetGroupName: string, runId: string) {
  return busRecord(datasetGroupStatusChanged.source, datasetGroupStatusChanged.detailType, {
    runId,
    datasetGroupName,
    stage: 'test',
    resourceKind: 'datasetGroup',
    resourceArn: `arn:aws:personalize:us-east-1:000000000000:dataset-group/${datasetGroupName}`,
    operation: 'create',
    status: 'ACTIVE',
    requestedAt: '2026-11-25T10:00:01.000Z',
    observedAt: '2026-11-25T10:00:05.000Z',
    schemaVersion: 1,
  });
}

describe('Service: schedule-manager against the local Scheduler (SDK v3)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cloud: BusHarness;
  let scheduler: SchedulerClient;
  let s3: S3Client;
  let events: EventBridgeClient;

  /** The manager's logic, after the run's document was stored (as the run door does before publishing). */
  const onPipelineRequested = async (run: RequestedRun, dependencies: ScheduleManagerDependencies) => {
    const body = documents.get(run.plan.key);
    if (body !== undefined) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: run.plan.key, Body: body }));
    return applyRun(run, dependencies);
  };
  let sqs: SQSClient;
  let deps: ScheduleManagerDependencies;

  const namesIn = async (prefix: string): Promise<string[]> =>
    ((await scheduler.send(new ListSchedulesCommand({ GroupName: GROUP, NamePrefix: prefix }))).Schedules ?? []).map((s) => s.Name!).sort();

  beforeAll(async () => {
    dir = await tempDir('recops-schedule-manager-');
    cloud = await startBus(dir.dir);
    scheduler = new SchedulerClient(clientConfig(cloud.endpoint));
    s3 = new S3Client({ ...clientConfig(cloud.endpoint), forcePathStyle: true });
    events = new EventBridgeClient(clientConfig(cloud.endpoint));
    sqs = new SQSClient(clientConfig(cloud.endpoint));
    await events.send(new CreateEventBusCommand({ Name: BUS }));
    await scheduler.send(new CreateScheduleGroupCommand({ Name: GROUP }));
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    deps = { scheduler, s3, bucketName: BUCKET, stage: 'test', busName: BUS, schedulerGroupName: GROUP, schedulerRoleArn: ROLE };
  });

  afterAll(async () => {
    for (const client of [scheduler, s3, events, sqs]) client.destroy();
    await cloud.close();
    await dir.remove();
  });

  it('returns every plan schedule created in the group, targeting the bus with a Schedule Fired detail', async () => {
    // Act
    const report = await onPipelineRequested(inline(plan), deps);

    // Assess
    const names = plan.schedules.map((s) => s.name);
    expect(plan.schedules.map((s) => s.kind).sort()).toEqual(['batch', 'full', 'full', 'full', 'full', 'import', 'segment', 'segment']);
    expect(report).toEqual({ created: names, updated: [], unchanged: [], deleted: [] });
    expect(await namesIn(plan.datasetGroup.name)).toEqual([...names].sort());
    const full = plan.schedules.find((s) => s.kind === 'full')!;
    const stored = await scheduler.send(new GetScheduleCommand({ Name: full.name, GroupName: GROUP }));
    expect(stored).toMatchObject({ ScheduleExpression: full.expression, State: 'ENABLED', FlexibleTimeWindow: { Mode: 'OFF' } });
    expect(stored.Target).toMatchObject({
      Arn: `arn:aws:events:us-east-1:000000000000:event-bus/${BUS}`,
      RoleArn: ROLE,
      EventBridgeParameters: { Source: 'recops.schedule', DetailType: 'Schedule Fired' },
    });
    expect(JSON.parse(stored.Target!.Input!)).toEqual({
      runId: '<aws.scheduler.execution-id>',
      datasetGroupName: plan.datasetGroup.name,
      stage: 'test',
      kind: 'full',
      scheduleName: full.name,
      config: CONFIG,
      solutionName: full.target.solutionName,
      firedAt: '<aws.scheduler.scheduled-time>',
      schemaVersion: 1,
    });
  });

  it('returns every schedule unchanged on a second delivery of the same plan, read from S3', async () => {
    // Prepare
    const before = await scheduler.send(new GetScheduleCommand({ Name: plan.schedules[0]!.name, GroupName: GROUP }));

    // Act
    const report = await onPipelineRequested(inline(plan), deps);

    // Assess
    expect(report).toEqual({ created: [], updated: [], unchanged: plan.schedules.map((s) => s.name), deleted: [] });
    const after = await scheduler.send(new GetScheduleCommand({ Name: plan.schedules[0]!.name, GroupName: GROUP }));
    expect(after.LastModificationDate).toEqual(before.LastModificationDate);
  });

  it("returns a changed expression updated and dropped schedules deleted, leaving another dataset group's alone", async () => {
    // Prepare: a neighbour whose schedule names start with this group's name.
    await onPipelineRequested(inline(neighbourPlan, neighbourConfig), deps);
    const [changed, ...rest] = plan.schedules.filter((s) => s.kind === 'full');
    const kept = plan.schedules.filter((s) => s.kind !== 'full' && s.kind !== 'import');
    const edited: Plan = { ...plan, schedules: [{ ...changed!, expression: 'rate(2 days)' }, ...kept] };

    // Act
    const report = await onPipelineRequested(inline(edited, CONFIG, RUN_2), deps);

    // Assess
    const dropped = [plan.schedules.find((s) => s.kind === 'import')!, ...rest].map((s) => s.name);
    expect(report.updated).toEqual([changed!.name]);
    expect(report.unchanged).toEqual(kept.map((s) => s.name));
    expect(report.deleted.sort()).toEqual(dropped.sort());
    expect((await scheduler.send(new GetScheduleCommand({ Name: changed!.name, GroupName: GROUP }))).ScheduleExpression).toBe(
      'rate(2 days)',
    );
    expect(await namesIn(`${neighbourPlan.datasetGroup.name}-`)).toEqual(neighbourPlan.schedules.map((s) => s.name).sort());
    expect(await namesIn(plan.datasetGroup.name)).toEqual(
      [...edited.schedules.map((s) => s.name), ...neighbourPlan.schedules.map((s) => s.name)].sort(),
    );
  });

  it("returns a firing schedule's Schedule Fired event on the bus, parsed by the catalog with a fresh runId and the fire time", async () => {
    // Prepare: route Schedule Fired to a queue; move the import schedule of the neighbour to a moment from now.
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'schedule-fired' }))).QueueUrl!;
    await events.send(
      new PutRuleCommand({ Name: 'schedule-fired', EventBusName: BUS, EventPattern: JSON.stringify(scheduleFired.pattern()) }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: 'schedule-fired',
        EventBusName: BUS,
        Targets: [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:schedule-fired' }],
      }),
    );
    const importSchedule = neighbourPlan.schedules.find((s) => s.kind === 'import')!;
    const stored = await scheduler.send(new GetScheduleCommand({ Name: importSchedule.name, GroupName: GROUP }));
    const at = atIn(1200);

    // Act
    await scheduler.send(
      new UpdateScheduleCommand({
        Name: importSchedule.name,
        GroupName: GROUP,
        ScheduleExpression: at,
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: stored.Target,
      }),
    );
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 10 }));

    // Assess
    const event = JSON.parse(received.Messages![0]!.Body!) as unknown;
    expect(scheduleFired.matches(event)).toBe(true);
    const detail = scheduleFired.parse(event);
    expect(detail).toEqual({
      runId: expect.stringMatching(/^[a-z0-9]{16}$/),
      datasetGroupName: neighbourPlan.datasetGroup.name,
      stage: 'test',
      kind: 'import',
      scheduleName: importSchedule.name,
      config: neighbourConfig,
      firedAt: `${at.slice(3, -1)}Z`,
      schemaVersion: 1,
    });
  });

  it("returns no failure from the handler for the run's dataset group ACTIVE, and the record back when the scheduler group is not configured", async () => {
    // Prepare
    const file = JSON.parse(fixture) as { datasetGroup: { serviceConfig: { name: string } } };
    file.datasetGroup.serviceConfig.name = 'handler_group';
    const handlerPlan = resolvePlan(loadParameterFile(JSON.stringify(file)).file, {
      stage: 'prod',
      bucket: BUCKET,
      configKey: 'train/handler_group/config.json',
    });
    const document = plannedRunOf(handlerPlan, { runId: '2026_11_25_10_00_00-0000aaaa' });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: plannedRunKey(document), Body: JSON.stringify(document) }));
    const record = groupActiveRecord(document.plan.datasetGroup.name, document.run.id);
    // No access key: against a local endpoint the runtime signs with placeholder credentials.
    const { AWS_ACCESS_KEY_ID: _key, AWS_SECRET_ACCESS_KEY: _secret, ...testEnv } = RUNTIME_TEST_ENV;
    const env = {
      ...testEnv,
      AWS_ENDPOINT_URL: cloud.endpoint,
      RECOPS_SCHEDULER_GROUP: GROUP,
      RECOPS_SCHEDULER_ROLE_ARN: ROLE,
    };
    const { RECOPS_SCHEDULER_GROUP: _omitted, ...withoutGroup } = env;

    // Act
    const handled = await runWithEnvironment(env, () => main({ Records: [record] }, lambdaContext()));
    const unconfigured = await runWithEnvironment(withoutGroup, () => main({ Records: [record] }, lambdaContext()));

    // Assess
    expect(handled).toEqual({ batchItemFailures: [] });
    expect(await namesIn('handler_group-')).toEqual(handlerPlan.schedules.map((s) => s.name).sort());
    expect(unconfigured).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
  });

  it("leaves the schedules alone for a scheduled run, whose file the upload's run already applied", async () => {
    // Prepare: a retrain run of a group whose file asks for schedules, none of them applied.
    const file = JSON.parse(fixture) as { datasetGroup: { serviceConfig: { name: string } } };
    file.datasetGroup.serviceConfig.name = 'scheduled_group';
    const scheduledPlan = resolvePlan(loadParameterFile(JSON.stringify(file)).file, {
      stage: 'prod',
      bucket: BUCKET,
      configKey: 'train/scheduled_group/config.json',
    });
    const solutionName = scheduledPlan.solutions[0]!.name;
    const document = plannedRunOf(scheduledPlan, {
      runId: '2026_11_25_12_00_00-0000bbbb',
      trigger: 'schedule',
      scope: { kind: 'retrain', solutionName, trainingMode: 'FULL' },
      scheduleName: 'scheduled_group-full',
    });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: plannedRunKey(document), Body: JSON.stringify(document) }));
    const record = groupActiveRecord(document.plan.datasetGroup.name, document.run.id);
    const { AWS_ACCESS_KEY_ID: _key, AWS_SECRET_ACCESS_KEY: _secret, ...testEnv } = RUNTIME_TEST_ENV;
    const env = { ...testEnv, AWS_ENDPOINT_URL: cloud.endpoint, RECOPS_SCHEDULER_GROUP: GROUP, RECOPS_SCHEDULER_ROLE_ARN: ROLE };

    // Act
    const handled = await runWithEnvironment(env, () => main({ Records: [record] }, lambdaContext()));

    // Assess
    expect(handled).toEqual({ batchItemFailures: [] });
    expect(await namesIn('scheduled_group-')).toEqual([]);
  });

  it('creates nothing, without failing, for a dataset group ACTIVE of a run that has no run document', async () => {
    const { AWS_ACCESS_KEY_ID: _key, AWS_SECRET_ACCESS_KEY: _secret, ...testEnv } = RUNTIME_TEST_ENV;
    const env = { ...testEnv, AWS_ENDPOINT_URL: cloud.endpoint, RECOPS_SCHEDULER_GROUP: GROUP, RECOPS_SCHEDULER_ROLE_ARN: ROLE };
    const record = groupActiveRecord('phantom_group', '2026_11_25_13_00_00-0000cccc');
    const handled = await runWithEnvironment(env, () => main({ Records: [record] }, lambdaContext()));
    expect(handled).toEqual({ batchItemFailures: [] });
    expect(await namesIn('phantom_group-')).toEqual([]);
  });

  it('returns an error naming the plan path and creates nothing when a schedule would fire an invalid event', async () => {
    // Prepare: a batch job name no Schedule Fired detail can carry.
    const batch = plan.schedules.find((s) => s.kind === 'batch')!;
    const broken: Plan = {
      ...plan,
      datasetGroup: { ...plan.datasetGroup, name: 'broken_group' },
      schedules: [
        { ...plan.schedules.find((s) => s.kind === 'import')!, name: 'broken_group-import', target: { datasetGroupName: 'broken_group' } },
        { ...batch, name: 'broken_group-batch', target: { ...batch.target, datasetGroupName: 'broken_group', jobNameBase: 'not a name' } },
      ],
    };

    // Act
    const attempt = onPipelineRequested(inline(broken), deps);

    // Assess
    await expect(attempt).rejects.toThrow(`${batch.sourcePath}: job name base "not a name" is not a Personalize name`);
    expect(await namesIn('broken_group')).toEqual([]);
  });

  /** Two uploads of one dataset group's file: the older schedules an import, the newer drops it and retrains every 2 days. */
  const uploadsOf = (name: string) => {
    const file = JSON.parse(fixture) as { datasetGroup: { serviceConfig: { name: string } } };
    file.datasetGroup.serviceConfig.name = name;
    const config = { bucket: BUCKET, key: `train/${name}/config.json` };
    const older = resolvePlan(loadParameterFile(JSON.stringify(file)).file, { stage: 'prod', bucket: BUCKET, configKey: config.key });
    const newer: Plan = {
      ...older,
      schedules: older.schedules
        .filter((s) => s.kind !== 'import')
        .map((s) => (s.kind === 'full' ? { ...s, expression: 'rate(2 days)' } : s)),
    };
    return {
      older: inline(older, config, '2026_11_25_15_09_37-fa3cb0b6'),
      newer: inline(newer, config, '2026_11_25_15_12_01-0b1c2d3e'),
      newerPlan: newer,
      /** The newer plan's schedules, by name with their expressions. */
      expected: Object.fromEntries(newer.schedules.map((s) => [s.name, s.expression])),
      /** The dataset group's schedules in the group, by name with their expressions. */
      stored: async (): Promise<Record<string, string | undefined>> => {
        const names = await namesIn(`${name}-`);
        const stored = await Promise.all(names.map((n) => scheduler.send(new GetScheduleCommand({ Name: n, GroupName: GROUP }))));
        return Object.fromEntries(stored.map((s) => [s.Name!, s.ScheduleExpression]));
      },
    };
  };

  it('returns the older run superseded and keeps the newer schedules when the older Pipeline Requested arrives last', async () => {
    // Prepare
    const uploads = uploadsOf('order_late_older');
    await onPipelineRequested(uploads.newer, deps);

    // Act
    const late = await onPipelineRequested(uploads.older, deps);

    // Assess
    expect(late).toEqual({ created: [], updated: [], unchanged: [], deleted: [], supersededBy: uploads.newer.runId });
    expect(await uploads.stored()).toEqual(uploads.expected);
  });

  it('returns the newer schedules applied over the older ones, and kept when the older run is delivered again', async () => {
    // Prepare
    const uploads = uploadsOf('order_in_sequence');
    await onPipelineRequested(uploads.older, deps);

    // Act
    const applied = await onPipelineRequested(uploads.newer, deps);
    const redelivered = await onPipelineRequested(uploads.older, deps);

    // Assess
    expect(applied.deleted).toHaveLength(1);
    expect(applied.supersededBy).toBeUndefined();
    expect(redelivered.supersededBy).toBe(uploads.newer.runId);
    expect(await uploads.stored()).toEqual(uploads.expected);
  });

  it('returns every schedule unchanged when the newer run is delivered twice around a late older one', async () => {
    // Prepare
    const uploads = uploadsOf('order_duplicate');
    await onPipelineRequested(uploads.newer, deps);
    await onPipelineRequested(uploads.older, deps);

    // Act
    const again = await onPipelineRequested(uploads.newer, deps);

    // Assess
    expect(again).toEqual({ created: [], updated: [], unchanged: uploads.newerPlan.schedules.map((s) => s.name), deleted: [] });
    expect(await uploads.stored()).toEqual(uploads.expected);
  });

  it('returns the newer schedules in place when the newer run is applied while the older one is writing its own', async () => {
    // Prepare: the older delivery's scheduler pauses before its first write until the newer delivery is done.
    const uploads = uploadsOf('order_overtaken');
    const slowScheduler = new SchedulerClient(clientConfig(cloud.endpoint));
    let newerDone: Promise<unknown> | undefined;
    slowScheduler.middlewareStack.add(
      (next, context) => async (args) => {
        if (
          newerDone === undefined &&
          (context.commandName === 'CreateScheduleCommand' || context.commandName === 'UpdateScheduleCommand')
        ) {
          newerDone = onPipelineRequested(uploads.newer, deps);
          await newerDone;
        }
        return next(args);
      },
      { step: 'initialize', name: 'pauseBeforeFirstWrite' },
    );

    // Act
    const older = await onPipelineRequested(uploads.older, { ...deps, scheduler: slowScheduler });
    slowScheduler.destroy();

    // Assess
    expect(newerDone).toBeDefined();
    expect(older.supersededBy).toBe(uploads.newer.runId);
    expect(await uploads.stored()).toEqual(uploads.expected);
  });

  it('returns the newer schedules in place after both runs are delivered at once', async () => {
    // Prepare: several dataset groups, so the deliveries interleave in more than one way.
    const groups = ['order_race_a', 'order_race_b', 'order_race_c'].map(uploadsOf);

    // Act
    await Promise.all(groups.flatMap((uploads) => [onPipelineRequested(uploads.older, deps), onPipelineRequested(uploads.newer, deps)]));

    // Assess
    for (const uploads of groups) expect(await uploads.stored()).toEqual(uploads.expected);
  });
});
