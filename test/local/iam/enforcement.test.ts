/**
 * The local cloud's IAM: a service's own key gets exactly its manifest grants (as stacks/ gives its
 * role in AWS), denied calls fail with the error AWS would send, and other keys stay unrestricted.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  DescribeSolutionCommand,
  ListDatasetGroupsCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCloud, REGION, type EventLogEntry, type LocalCloud } from '@recops/local';
import type { Permission, ServiceDefinition } from '@recops/platform';
import { serviceNamed } from '@recops/services/manifest';
import { localNames, servicePrincipal, type RunnerNames } from '../../../packages/local/src/runner';
import { tempDir } from '../sqs/harness';

const config = (endpoint: string, accessKeyId: string) => ({
  endpoint,
  region: REGION,
  credentials: { accessKeyId, secretAccessKey: 'local' },
  maxAttempts: 1,
});

/** `service` without `action` in any of its permissions. */
function without(service: ServiceDefinition, action: string): ServiceDefinition {
  const permissions: Permission[] = service.permissions
    .map((p) => ({ ...p, actions: p.actions.filter((a) => a !== action) }))
    .filter((p) => p.actions.length > 0);
  return { ...service, permissions };
}

describe('local IAM', () => {
  let cloud: LocalCloud;
  let names: RunnerNames;
  let remove: () => Promise<void>;
  const denials: EventLogEntry[] = [];
  /** Clients signing with `service`'s key, after (re)registering it with the grants `service` lists. */
  const as = (service: ServiceDefinition) => {
    const principal = servicePrincipal(service, names, 'iam');
    cloud.iam?.register(principal);
    const c = config(cloud.endpoint, principal.accessKeyId);
    return {
      s3: new S3Client({ ...c, forcePathStyle: true }),
      sqs: new SQSClient(c),
      events: new EventBridgeClient(c),
      scheduler: new SchedulerClient(c),
      personalize: new PersonalizeClient(c),
    };
  };
  const admin = () => {
    const c = config(cloud.endpoint, 'test');
    return { s3: new S3Client({ ...c, forcePathStyle: true }), sqs: new SQSClient(c), events: new EventBridgeClient(c) };
  };

  beforeAll(async () => {
    const dir = await tempDir('recops-iam-');
    remove = dir.remove;
    cloud = await createLocalCloud({ dataDir: dir.dir, stage: 'iam' });
    names = localNames('iam');
    await cloud.s3.ensureBucket(names.bucketName);
    await cloud.s3.ensureBucket('someone-elses-bucket');
    await cloud.bus?.eventBridge.createBus(names.busName);
    cloud.eventLog.subscribe((entry) => {
      if (entry.kind === 'iam.access-denied') denials.push(entry);
    });
  });
  afterAll(async () => {
    await cloud.close();
    await remove();
  });

  it('answers a missing key with 404 NoSuchKey given s3:ListBucket, and with 403 AccessDenied naming s3:ListBucket without it', async () => {
    const tracker = serviceNamed('run-tracker');
    await expect(as(tracker).s3.send(new GetObjectCommand({ Bucket: names.bucketName, Key: 'runs/x/state.json' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
      $metadata: { httpStatusCode: 404 },
    });
    const error = await as(without(tracker, 's3:ListBucket'))
      .s3.send(new GetObjectCommand({ Bucket: names.bucketName, Key: 'runs/x/state.json' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect((error as Error).message).toBe(
      `User: arn:aws:sts::000000000000:assumed-role/recops-iam-run-tracker/recops-iam-run-tracker is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::recops-iam-data" because no identity-based policy allows the s3:ListBucket action`,
    );
    await expect(
      as(without(tracker, 's3:ListBucket')).s3.send(new HeadObjectCommand({ Bucket: names.bucketName, Key: 'runs/x/state.json' })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    // An existing key reads the same with or without ListBucket.
    await admin().s3.send(new PutObjectCommand({ Bucket: names.bucketName, Key: 'runs/x/plan.json', Body: '{}' }));
    const read = await as(without(tracker, 's3:ListBucket')).s3.send(
      new GetObjectCommand({ Bucket: names.bucketName, Key: 'runs/x/plan.json' }),
    );
    expect(await read.Body?.transformToString()).toBe('{}');
  });

  it('denies PutObject without s3:PutObject, and any call on a bucket outside the grant, with S3 403 AccessDenied', async () => {
    const trainer = serviceNamed('solution-trainer');
    await as(trainer).s3.send(new PutObjectCommand({ Bucket: names.bucketName, Key: 'runs/x/claim', Body: 'a' }));
    await expect(
      as(without(trainer, 's3:PutObject')).s3.send(new PutObjectCommand({ Bucket: names.bucketName, Key: 'runs/x/claim', Body: 'a' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringMatching(
        /recops-iam-solution-trainer .* s3:PutObject on resource: "arn:aws:s3:::recops-iam-data\/runs\/x\/claim"/,
      ),
    });
    await expect(as(trainer).s3.send(new GetObjectCommand({ Bucket: 'someone-elses-bucket', Key: 'k' }))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    expect(denials.at(-1)?.data).toMatchObject({ service: 'solution-trainer', operation: 'GetObject', action: 's3:GetObject' });
  });

  it('lets PutEvents reach the stage bus only, with EventBridge AccessDeniedException elsewhere or without events:PutEvents', async () => {
    await admin()
      .events.send(new PutEventsCommand({ Entries: [] }))
      .catch(() => undefined);
    const tracker = serviceNamed('run-tracker');
    const entry = (bus: string) => ({ EventBusName: bus, Source: 'recops.test', DetailType: 'T', Detail: '{}' });
    const ok = await as(tracker).events.send(new PutEventsCommand({ Entries: [entry(names.busName)] }));
    expect(ok.FailedEntryCount).toBe(0);
    await expect(as(tracker).events.send(new PutEventsCommand({ Entries: [entry('default')] }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('events:PutEvents on resource: arn:aws:events:us-east-1:000000000000:event-bus/default'),
    });
    await expect(
      as(without(tracker, 'events:PutEvents')).events.send(new PutEventsCommand({ Entries: [entry(names.busName)] })),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('recops-iam-run-tracker is not authorized to perform: events:PutEvents'),
    });
  });

  it('lets a service send to its own queue only, with SQS AccessDenied elsewhere', async () => {
    const watcher = serviceNamed('status-watcher');
    const own = await admin().sqs.send(new CreateQueueCommand({ QueueName: names.queueName('status-watcher') }));
    const other = await admin().sqs.send(new CreateQueueCommand({ QueueName: names.queueName('run-tracker') }));
    await as(watcher).sqs.send(new SendMessageCommand({ QueueUrl: own.QueueUrl, MessageBody: 'x' }));
    await expect(as(watcher).sqs.send(new SendMessageCommand({ QueueUrl: other.QueueUrl, MessageBody: 'x' }))).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
      message: expect.stringContaining('sqs:SendMessage on resource: arn:aws:sqs:us-east-1:000000000000:recops-iam-run-tracker'),
    });
  });

  it('checks iam:PassRole with its iam:PassedToService condition on the roles Scheduler and Personalize are handed', async () => {
    const manager = serviceNamed('schedule-manager');
    const schedule = (roleArn: string) =>
      new CreateScheduleCommand({
        Name: 'nightly',
        GroupName: names.schedulerGroupName,
        ScheduleExpression: 'rate(1 day)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: `arn:aws:events:us-east-1:000000000000:event-bus/${names.busName}`, RoleArn: roleArn, Input: '{}' },
      });
    await expect(as(manager).scheduler.send(schedule(names.personalizeRoleArn))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
      message: expect.stringContaining(`iam:PassRole on resource: ${names.personalizeRoleArn}`),
    });
    await expect(as(without(manager, 'iam:PassRole')).scheduler.send(schedule(names.schedulerRoleArn))).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });

    const provisioner = serviceNamed('dataset-provisioner');
    const job = (roleArn: string) =>
      new CreateDatasetImportJobCommand({
        jobName: 'iam-j',
        datasetArn: 'arn:aws:personalize:us-east-1:000000000000:dataset/iam-g/INTERACTIONS',
        roleArn,
        dataSource: { dataLocation: `s3://${names.bucketName}/x.csv` },
      });
    // The scheduler role is not one Personalize may be handed; the personalize role passes the check
    // (and Personalize then answers for the missing dataset).
    await expect(as(provisioner).personalize.send(job(names.schedulerRoleArn))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
      message: expect.stringContaining('dataset-provisioner is not authorized to perform: iam:PassRole'),
    });
    await expect(as(provisioner).personalize.send(job(names.personalizeRoleArn))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('authorizes Personalize calls by action, List calls on "*"', async () => {
    const tracker = serviceNamed('run-tracker');
    await expect(as(tracker).personalize.send(new ListDatasetGroupsCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('personalize:ListDatasetGroups on resource: *'),
    });
    const provisioner = serviceNamed('dataset-provisioner');
    await as(provisioner).personalize.send(new ListDatasetGroupsCommand({}));
    await expect(
      as(without(provisioner, 'personalize:CreateDatasetGroup')).personalize.send(new CreateDatasetGroupCommand({ name: 'g' })),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(
        'personalize:CreateDatasetGroup on resource: arn:aws:personalize:us-east-1:000000000000:dataset-group/g',
      ),
    });
  });

  it("lets a non-production stage's services act only on Personalize names with the stage's prefix", async () => {
    const provisioner = serviceNamed('dataset-provisioner');
    const trainer = serviceNamed('solution-trainer');
    // Stage iam: its own names pass IAM, another stage's are denied naming the resource.
    await as(provisioner).personalize.send(new CreateDatasetGroupCommand({ name: 'iam-movies' }));
    await expect(as(provisioner).personalize.send(new CreateDatasetGroupCommand({ name: 'movies' }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(
        'personalize:CreateDatasetGroup on resource: arn:aws:personalize:us-east-1:000000000000:dataset-group/movies',
      ),
    });
    await expect(
      as(trainer).personalize.send(
        new DescribeSolutionCommand({ solutionArn: 'arn:aws:personalize:us-east-1:000000000000:solution/qa-sims' }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException', message: expect.stringContaining('solution/qa-sims') });
    // Its own (absent) solution passes IAM and Personalize answers for it.
    await expect(
      as(trainer).personalize.send(
        new DescribeSolutionCommand({ solutionArn: 'arn:aws:personalize:us-east-1:000000000000:solution/iam-sims' }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('leaves keys that are no service unrestricted', async () => {
    await admin().s3.send(new PutObjectCommand({ Bucket: 'someone-elses-bucket', Key: 'k', Body: 'v' }));
    await expect(admin().s3.send(new GetObjectCommand({ Bucket: names.bucketName, Key: 'missing' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });
});
