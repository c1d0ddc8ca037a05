import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import { SERVICES } from '@recops/services/manifest';
import { topologyFromManifest, type Topology } from '@recops/platform';
import { runStage, type StageRun } from './stand-in/run-stage';
import { topologyFromRecording } from './stand-in/topology';
import { actionsOf, only, physicalNames, resourcePolicyStatements, resourcesOf, roleStatements } from './helpers';

const STAGES = [
  { stage: 'dev', production: false },
  { stage: 'prod', production: true },
] as const;

describe('Infra: the local cloud and the stacks read the manifest alike', () => {
  let dir: string;
  let cloud: LocalCloud;
  let localTopology: Topology;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recops-infra-'));
    cloud = await createLocalCloud({ dataDir: dir, stage: 'dev', manifest: SERVICES });
    const topology = cloud.runner?.topology();
    if (topology === undefined) throw new Error('the local cloud started no runner for the manifest');
    localTopology = topology;
  });

  afterAll(async () => {
    await cloud.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(STAGES)('returns the topology the local cloud builds for the $stage stage', async ({ stage }) => {
    // Act
    const run = await runStage({ stage });

    // Assess
    const recorded = topologyFromRecording(run.recording);
    expect(recorded).toEqual(localTopology);
    expect(recorded).toEqual(topologyFromManifest(SERVICES));
    expect(recorded.services.map((s) => s.name)).toEqual(SERVICES.map((s) => s.name).sort());
  });
});

describe.each(STAGES)('Infra: sst.config.ts run() for the $stage stage', ({ stage, production }) => {
  let run: StageRun;

  beforeAll(async () => {
    run = await runStage({ stage, env: { RECOPS_ALARM_EMAIL: undefined, RECOPS_PERSONALIZE_KMS_KEY_ARNS: undefined } });
  });

  it('returns the app settings: protected and retained only in production', () => {
    expect(run.app).toMatchObject({ name: 'recops', home: 'aws' });
    expect(run.app.protect).toBe(production);
    expect(run.app.removal).toBe(production ? 'retain' : 'remove');
    expect(run.app.providers).toEqual({ aws: { region: expect.any(String) } });
  });

  it('gives every service queue a DLQ and every subscription partial batch responses', () => {
    const queues = run.recording.ofType('aws:sqs/queue:Queue');
    const dlqArns = new Set<string>();
    const mainQueues = queues.filter((q) => q.inputs.redrivePolicy !== undefined);
    for (const queue of mainQueues) {
      const redrive = JSON.parse(queue.inputs.redrivePolicy as string) as { deadLetterTargetArn: string; maxReceiveCount: number };
      expect(queues.some((q) => q.outputs.arn === redrive.deadLetterTargetArn)).toBe(true);
      dlqArns.add(redrive.deadLetterTargetArn);
    }
    // S3-triggered functions send events that still fail after Lambda's retries to a queue of their own.
    const invokeConfigs = run.recording.ofType('aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig');
    expect(invokeConfigs).toHaveLength(SERVICES.filter((s) => s.s3Triggers.length > 0).length);
    for (const config of invokeConfigs) {
      const destination = (config.inputs.destinationConfig as { onFailure: { destination: string } }).onFailure.destination;
      expect(config.inputs.maximumRetryAttempts).toBe(2);
      expect(queues.some((q) => q.outputs.arn === destination)).toBe(true);
      // Lambda delivers to the destination with the function's own role.
      const role = `${config.parent ?? ''}Role`;
      expect(
        roleStatements(run.recording)
          .filter((s) => s.owner === role)
          .map((s) => s.statement),
      ).toContainEqual({
        Effect: 'Allow',
        Action: ['sqs:SendMessage'],
        Resource: [destination],
      });
      dlqArns.add(destination);
    }
    // Bus targets dead-letter to the bus targets' DLQ.
    for (const target of run.recording.ofType('aws:cloudwatch/eventTarget:EventTarget')) {
      dlqArns.add((target.inputs.deadLetterConfig as { arn: string }).arn);
    }
    // Every queue is either a service queue with a DLQ or a DLQ.
    expect(queues.every((q) => q.inputs.redrivePolicy !== undefined || dlqArns.has(q.outputs.arn as string))).toBe(true);
    expect(mainQueues).toHaveLength(SERVICES.filter((s) => s.queue !== undefined).length);
    const mappings = run.recording.ofType('aws:lambda/eventSourceMapping:EventSourceMapping');
    expect(mappings).toHaveLength(mainQueues.length);
    for (const mapping of mappings) expect(mapping.inputs.functionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  it("gives every bus target a retry policy and a dead-letter queue only this bus's rules may send to", () => {
    const dlqArn = run.recording.named('BusTargetDlqQueue').outputs.arn as string;
    const targets = run.recording.ofType('aws:cloudwatch/eventTarget:EventTarget');
    expect(targets).toHaveLength(SERVICES.reduce((n, s) => n + s.subscriptions.length, 0) + 1); // + the event log
    for (const target of targets) {
      expect(target.inputs, target.name).toMatchObject({
        deadLetterConfig: { arn: dlqArn },
        retryPolicy: { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 },
      });
    }
    const dlqPolicy = resourcePolicyStatements(run.recording).filter((s) => s.owner === 'BusTargetDlqPolicy');
    expect(dlqPolicy.map((s) => s.statement)).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: dlqArn,
        Condition: { ArnLike: { 'aws:SourceArn': [`arn:aws:events:us-east-1:123456789012:rule/${run.outputs.busName}/*`] } },
      },
    ]);
  });

  it("lets EventBridge send to a service queue only for that service's own rules (aws:SourceArn)", () => {
    const rules = run.recording.ofType('aws:cloudwatch/eventRule:EventRule');
    const policies = run.recording.ofType('aws:sqs/queuePolicy:QueuePolicy').filter((p) => p.name !== 'BusTargetDlqPolicy');
    expect(policies).toHaveLength(SERVICES.filter((s) => s.subscriptions.length > 0).length);
    for (const policy of policies) {
      const statements = (JSON.parse(policy.inputs.policy as string) as { Statement: Record<string, any>[] }).Statement;
      expect(statements, policy.name).toHaveLength(1);
      const [statement] = statements as [Record<string, any>];
      const targets = run.recording.ofType('aws:cloudwatch/eventTarget:EventTarget').filter((t) => t.inputs.arn === statement.Resource);
      const ruleArns = targets.map((t) => rules.find((r) => r.inputs.name === t.inputs.rule)?.outputs.arn);
      expect(ruleArns.length, policy.name).toBeGreaterThan(0);
      expect(statement).toEqual({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: statement.Resource,
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArns } },
      });
    }
  });

  it('names the Personalize and Scheduler roles by stage and region, so one stage can live in two regions', () => {
    const roles = run.recording.ofType('aws:iam/role:Role').filter((r) => r.name === 'PersonalizeRole' || r.name === 'SchedulerRole');
    expect(roles.map((r) => r.inputs.name).sort()).toEqual([
      `recops-${stage}-us-east-1-personalize`,
      `recops-${stage}-us-east-1-scheduler`,
    ]);
  });

  it('grants no IAM action "*" or "service:*", and "*" as a resource only for List calls', () => {
    const statements = roleStatements(run.recording).filter((s) => s.statement.Effect === 'Allow');
    expect(statements.length).toBeGreaterThan(0);
    for (const { owner, statement } of statements) {
      for (const action of actionsOf(statement)) expect(action, owner).not.toMatch(/(^\*$|:\*$)/);
      if (resourcesOf(statement).includes('*')) {
        // Personalize and Scheduler List* calls support no resource-level permissions; AWS requires "*".
        expect(
          actionsOf(statement).every((a) => a.startsWith('personalize:List') || a.startsWith('scheduler:List')),
          owner,
        ).toBe(true);
      }
    }
    // Resource policies allow nothing to everyone: the only "*" principal is SST's TLS deny.
    for (const { owner, statement } of resourcePolicyStatements(run.recording)) {
      if (statement.Effect === 'Allow') {
        expect(statement.Principal, owner).not.toBe('*');
        for (const action of actionsOf(statement)) expect(action, owner).not.toMatch(/(^\*$|:\*$)/);
      }
    }
  });

  it('grants iam:PassRole only on the Personalize role to Personalize and on the scheduler role to Scheduler', () => {
    const passedTo: Record<string, string> = {
      [run.outputs.personalizeRoleArn as string]: 'personalize.amazonaws.com',
      [run.outputs.schedulerRoleArn as string]: 'scheduler.amazonaws.com',
    };
    const passRole = roleStatements(run.recording).filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith('iam:')));
    expect(passRole.length).toBeGreaterThan(0);
    for (const { owner, statement } of passRole) {
      expect(actionsOf(statement), owner).toEqual(['iam:PassRole']);
      const resources = resourcesOf(statement);
      expect(resources.length, owner).toBe(1);
      const service = passedTo[resources[0] as string];
      expect(service, `${owner} passes ${resources[0]}`).toBeDefined();
      expect(statement.Condition, owner).toEqual({ StringEquals: { 'iam:PassedToService': [service] } });
    }
  });

  it('blocks public access to the bucket, encrypts it and denies requests without TLS', () => {
    const bucket = only(run.recording, 'aws:s3/bucket:Bucket');
    const block = only(run.recording, 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock');
    expect(block.inputs).toMatchObject({
      bucket: bucket.inputs.bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const encryption = only(run.recording, 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration');
    expect(encryption.inputs).toEqual({
      bucket: bucket.inputs.bucket,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    const bucketArn = bucket.outputs.arn as string;
    const deny = resourcePolicyStatements(run.recording).find(({ statement }) => statement.Effect === 'Deny');
    expect(deny?.statement).toMatchObject({
      Principal: '*',
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': ['false'] } },
    });
    // Production data survives `sst remove` even if protection is lifted.
    expect(bucket.inputs.forceDestroy).toBe(!production);
  });

  it('expires the documents of finished runs after 30 days, unfinished ones after 90, and noncurrent versions under runs/, but not schedules', () => {
    const bucket = only(run.recording, 'aws:s3/bucket:Bucket');
    const lifecycle = only(run.recording, 'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration');
    expect(lifecycle.inputs).toEqual({
      bucket: bucket.inputs.bucket,
      rules: [
        {
          id: 'finished-runs',
          status: 'Enabled',
          // Only tagged objects: runs/<dsg>/schedules.json carries no tag and stays.
          filter: { and: { prefix: 'runs/', tags: { 'recops-run': 'finished' } } },
          expiration: { days: 30 },
        },
        {
          // Every run document is written tagged open: a run that never ends, and a document
          // written into a run after it ended, expire too.
          id: 'unfinished-runs',
          status: 'Enabled',
          filter: { and: { prefix: 'runs/', tags: { 'recops-run': 'open' } } },
          expiration: { days: 90 },
        },
        {
          id: 'run-document-versions',
          status: 'Enabled',
          filter: { prefix: 'runs/' },
          noncurrentVersionExpiration: { noncurrentDays: 30 },
        },
      ],
    });
  });

  it('lets Personalize read and write only the data bucket, through its role and the bucket policy', () => {
    const bucketArn = only(run.recording, 'aws:s3/bucket:Bucket').outputs.arn as string;
    const role = roleStatements(run.recording).filter((s) => s.owner === 'PersonalizeRole');
    expect(role.map((s) => s.statement)).toEqual([
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket', 's3:PutObject'], Resource: [bucketArn, `${bucketArn}/*`] },
    ]);
    const trust = JSON.parse(run.recording.named('PersonalizeRole').inputs.assumeRolePolicy as string) as {
      Statement: { Principal: unknown; Action: unknown; Condition?: unknown }[];
    };
    expect(trust.Statement.map((s) => s.Principal)).toEqual([{ Service: 'personalize.amazonaws.com' }]);
    // Personalize assumes the role only on behalf of this account's Personalize resources in this region (confused deputy).
    expect(trust.Statement.map((s) => [s.Action, s.Condition])).toEqual([
      [
        'sts:AssumeRole',
        {
          StringEquals: { 'aws:SourceAccount': '123456789012' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:personalize:us-east-1:123456789012:*' },
        },
      ],
    ]);
    // Scheduler assumes its role only for the schedules of this stage's group.
    const schedulerTrust = JSON.parse(run.recording.named('SchedulerRole').inputs.assumeRolePolicy as string) as {
      Statement: { Principal: unknown; Condition?: unknown }[];
    };
    expect(schedulerTrust.Statement.map((s) => [s.Principal, s.Condition])).toEqual([
      [
        { Service: 'scheduler.amazonaws.com' },
        {
          StringEquals: { 'aws:SourceAccount': '123456789012' },
          ArnLike: { 'aws:SourceArn': `arn:aws:scheduler:us-east-1:123456789012:schedule-group/recops-${stage}-schedules` },
        },
      ],
    ]);
    const bucketPolicy = resourcePolicyStatements(run.recording).filter((s) => s.statement.Effect === 'Allow' && s.owner === 'DataPolicy');
    expect(bucketPolicy.map((s) => s.statement.Principal)).toEqual([{ Service: ['personalize.amazonaws.com'] }]);
    // Only on behalf of this account's Personalize resources in this region (confused deputy).
    expect(bucketPolicy.map((s) => s.statement.Condition)).toEqual([
      {
        StringEquals: { 'aws:SourceAccount': ['123456789012'] },
        ArnLike: { 'aws:SourceArn': ['arn:aws:personalize:us-east-1:123456789012:*'] },
      },
    ]);
  });

  it('puts the stage in every resource name', () => {
    const names = physicalNames(run.recording);
    expect(names.length).toBeGreaterThan(40);
    // The one CloudWatch Logs resource policy is the app's, shared by its stages (10 per account and region).
    for (const { resource, name } of names) {
      expect(name, resource).toContain(resource === 'EventLogPolicy' ? 'recops-events-to-logs' : `recops-${stage}-`);
    }
  });

  it('runs functions on nodejs22.x / arm64 with the manifest timeout, memory and environment', () => {
    const functions = run.recording.ofType('aws:lambda/function:Function');
    expect(functions).toHaveLength(SERVICES.length);
    for (const fn of functions) {
      const service = SERVICES.find((s) => s.handler === fn.inputs.handler);
      expect(fn.inputs).toMatchObject({
        runtime: 'nodejs22.x',
        architectures: ['arm64'],
        timeout: service?.timeoutSeconds,
        memorySize: service?.memoryMB,
      });
      expect((fn.inputs.environment as { variables: Record<string, string> }).variables.RECOPS_STAGE).toBe(stage);
    }
  });

  it('archives the bus, schedules through its own group and role, and alarms on every dead-letter queue', () => {
    const archive = only(run.recording, 'aws:cloudwatch/eventArchive:EventArchive');
    expect(archive.inputs).toMatchObject({ eventSourceArn: run.outputs.busArn, retentionDays: production ? 365 : 30 });
    const schedulerRole = roleStatements(run.recording).filter((s) => s.owner === 'SchedulerRole');
    expect(schedulerRole.map((s) => s.statement)).toEqual([
      { Effect: 'Allow', Action: ['events:PutEvents'], Resource: [run.outputs.busArn] },
    ]);
    const alarms = run.recording.ofType('aws:cloudwatch/metricAlarm:MetricAlarm');
    const dlqNames = run.recording
      .ofType('aws:sqs/queue:Queue')
      .filter((q) => q.inputs.redrivePolicy === undefined)
      .map((q) => q.inputs.name);
    const watched = alarms
      .filter((a) => a.inputs.namespace === 'AWS/SQS')
      .map((a) => (a.inputs.dimensions as { QueueName: string }).QueueName);
    expect(watched.sort()).toEqual([...dlqNames].sort());
    const topicArn = run.outputs.alarmTopicArn;
    for (const alarm of alarms) expect(alarm.inputs.alarmActions).toEqual([topicArn]);
    expect(alarms.filter((a) => a.inputs.metricName === 'RecordsFailed')).toHaveLength(
      SERVICES.filter((s) => s.queue !== undefined).length,
    );
  });

  it("alarms on failed records of this stage only: each queue consumer's RecordsFailed filtered on service and stage", () => {
    const failedRecords = run.recording
      .ofType('aws:cloudwatch/metricAlarm:MetricAlarm')
      .filter((a) => a.inputs.metricName === 'RecordsFailed');
    const consumers = SERVICES.filter((s) => s.queue !== undefined).map((s) => s.name);
    expect(failedRecords.map((a) => a.inputs.dimensions)).toEqual(consumers.map((service) => ({ service, stage })));
    for (const alarm of failedRecords) {
      expect(alarm.inputs).toMatchObject({
        namespace: 'recops',
        statistic: 'Sum',
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it('alarms on failed pipeline runs of this stage only, to the alarm topic', () => {
    const failedRuns = run.recording
      .ofType('aws:cloudwatch/metricAlarm:MetricAlarm')
      .filter((a) => a.inputs.metricName === 'PipelinesFailed');
    expect(failedRuns.map((a) => a.inputs)).toEqual([
      expect.objectContaining({
        name: `recops-${stage}-pipelines-failed`,
        namespace: 'recops',
        metricName: 'PipelinesFailed',
        dimensions: { service: 'run-tracker', stage },
        statistic: 'Sum',
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        alarmActions: [run.outputs.alarmTopicArn],
      }),
    ]);
  });

  it('copies every bus event to a log group users can tail', () => {
    const group = only(run.recording, 'aws:cloudwatch/logGroup:LogGroup');
    expect(group.inputs).toEqual({ name: `/aws/events/recops-${stage}-events`, retentionInDays: production ? 90 : 14 });
    const rule = run.recording.named('EventLogRule');
    expect(rule.inputs).toMatchObject({ eventBusName: run.outputs.busName, eventPattern: JSON.stringify({ source: [{ prefix: '' }] }) });
    const groupArn = `arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/recops-${stage}-events`;
    const target = run.recording.named('EventLogTarget');
    expect(target.inputs).toMatchObject({ rule: rule.inputs.name, eventBusName: run.outputs.busName, arn: groupArn });
    // The target waits for the group (its ARN output) and for the policy that lets EventBridge write.
    expect(target.dependsOn).toEqual(['EventLogPolicy']);
    const policyResource = only(run.recording, 'aws:cloudwatch/logResourcePolicy:LogResourcePolicy');
    expect(policyResource.inputs.policyName).toBe('recops-events-to-logs');
    expect(policyResource.retainOnDelete).toBe(true);
    const policy = JSON.parse(policyResource.inputs.policyDocument as string) as { Statement: { Resource: string[] }[] };
    expect(policy.Statement.map((s) => s.Resource)).toEqual([['arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/recops-*:*']]);
    expect(run.outputs.eventLogGroup).toBe(`/aws/events/recops-${stage}-events`);
  });

  it('returns the outputs users need: bus, bucket, Personalize role and DLQ URLs', () => {
    expect(run.outputs).toMatchObject({
      stage,
      busName: expect.stringContaining(`recops-${stage}-`),
      busArn: expect.stringMatching(/^arn:aws:events:/),
      bucketName: expect.stringContaining(`recops-${stage}-`),
      personalizeRoleArn: `arn:aws:iam::123456789012:role/recops-${stage}-us-east-1-personalize`,
    });
    const dlqUrls = run.outputs.dlqUrls as Record<string, string>;
    expect(Object.keys(dlqUrls).sort()).toEqual(
      [
        ...SERVICES.flatMap((s) => [
          ...(s.queue !== undefined || s.s3Triggers.length > 0 ? [s.name] : []),
          // A service with a queue and an S3 trigger has two DLQs (batch-output-notifier).
          ...(s.queue !== undefined && s.s3Triggers.length > 0 ? [`${s.name}-s3`] : []),
        ]),
        'bus-targets',
      ].sort(),
    );
    for (const url of Object.values(dlqUrls)) expect(url).toMatch(/^https:\/\/sqs\./);
  });
});
