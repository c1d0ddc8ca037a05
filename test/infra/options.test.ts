import { afterEach, describe, expect, it } from 'vitest';
import {
  METRICS_NAMESPACE as RUNTIME_NAMESPACE,
  RUNTIME_METRIC,
  STAGE_DIMENSION as RUNTIME_STAGE_DIMENSION,
} from '../../packages/core/src/runtime/observability';
import { SERVICES } from '@recops/services/manifest';
import type { ServiceDefinition } from '@recops/platform';
import { RUN_OUTCOME_METRIC, STAGE_DIMENSION as RUN_TRACKER_STAGE_DIMENSION } from '../../services/run-tracker/metrics';
import { deployRecops } from '../../stacks';
import {
  loadStackOptions,
  METRICS_NAMESPACE,
  PIPELINES_FAILED_METRIC,
  RECORDS_FAILED_METRIC,
  RUN_TRACKER_SERVICE,
  STAGE_DIMENSION,
  StackConfigError,
  type StackOptions,
} from '../../stacks/config';
import { runStage } from './stand-in/run-stage';
import { installStandIn, uninstallStandIn, type Recording } from './stand-in/stand-in';
import { actionsOf, NAMED_PERSONALIZE_TYPES, resourcesOf, roleStatements } from './helpers';

const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const OPTIONS: StackOptions = { personalizeKmsKeyArns: [], archiveRetentionDays: 30, runRetentionDays: 30 };

function service(overrides: Partial<ServiceDefinition> = {}): ServiceDefinition {
  return {
    name: 'worker',
    handler: 'services/worker/handler.main',
    timeoutSeconds: 30,
    memoryMB: 256,
    subscriptions: [{ source: ['recops'], 'detail-type': ['Work Requested'] }],
    queue: { batchSize: 10, batchingWindowSeconds: 0, visibilityTimeoutSeconds: 180, maxReceiveCount: 5, dlqRetentionSeconds: 1_209_600 },
    s3Triggers: [],
    permissions: [{ actions: ['events:PutEvents'], scope: 'bus' }],
    ...overrides,
  };
}

/** Runs the stacks on a manifest of the test's own, for rules the real manifest does not exercise. */
function deploy(services: readonly ServiceDefinition[], options: StackOptions = OPTIONS): Recording {
  const recording = installStandIn({ name: 'recops', stage: 'test', removal: 'remove', protect: false });
  deployRecops(services, options);
  return recording;
}

describe('Function: loadStackOptions', () => {
  it('returns defaults per stage and reads the e-mail, KMS keys, archive and run retention', () => {
    expect(loadStackOptions({}, 'dev')).toEqual({ personalizeKmsKeyArns: [], archiveRetentionDays: 30, runRetentionDays: 30 });
    expect(loadStackOptions({}, 'production').archiveRetentionDays).toBe(365);
    expect(
      loadStackOptions(
        {
          RECOPS_ALARM_EMAIL: ' ops@example.com ',
          RECOPS_PERSONALIZE_KMS_KEY_ARNS: `${KEY}, `,
          RECOPS_ARCHIVE_RETENTION_DAYS: '7',
          RECOPS_RUN_RETENTION_DAYS: '90',
        },
        'dev',
      ),
    ).toEqual({ alarmEmail: 'ops@example.com', personalizeKmsKeyArns: [KEY], archiveRetentionDays: 7, runRetentionDays: 90 });
  });

  it.each([
    [{ RECOPS_ALARM_EMAIL: 'ops' }, 'RECOPS_ALARM_EMAIL: "ops" is not an e-mail address'],
    [{ RECOPS_PERSONALIZE_KMS_KEY_ARNS: 'alias/mine' }, 'RECOPS_PERSONALIZE_KMS_KEY_ARNS: "alias/mine" is not a KMS key ARN'],
    [{ RECOPS_ARCHIVE_RETENTION_DAYS: '0' }, 'RECOPS_ARCHIVE_RETENTION_DAYS: "0" must be a whole number of days ≥ 1'],
    [{ RECOPS_RUN_RETENTION_DAYS: '2.5' }, 'RECOPS_RUN_RETENTION_DAYS: "2.5" must be a whole number of days ≥ 1'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadStackOptions(env, 'dev')).toThrow(StackConfigError);
    expect(() => loadStackOptions(env, 'dev')).toThrow(message);
  });
});

describe('Infra: options from the deploy environment', () => {
  it('subscribes the administrator e-mail to the alarm topic and lets Personalize use the named KMS key', async () => {
    // Act
    const run = await runStage({ stage: 'dev', env: { RECOPS_ALARM_EMAIL: 'ops@example.com', RECOPS_PERSONALIZE_KMS_KEY_ARNS: KEY } });

    // Assess
    const subscriptions = run.recording.ofType('aws:sns/topicSubscription:TopicSubscription');
    expect(subscriptions.map((s) => s.inputs)).toEqual([
      { topic: run.outputs.alarmTopicArn, protocol: 'email', endpoint: 'ops@example.com' },
    ]);
    const kms = roleStatements(run.recording).filter(
      (s) => s.owner === 'PersonalizeRole' && actionsOf(s.statement).some((a) => a.startsWith('kms:')),
    );
    expect(kms.map((s) => s.statement)).toEqual([
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Resource: [KEY] },
    ]);
  });

  it('keeps finished runs as many days as RECOPS_RUN_RETENTION_DAYS says', async () => {
    // Act
    const run = await runStage({ stage: 'dev', env: { RECOPS_RUN_RETENTION_DAYS: '7' } });

    // Assess
    const [lifecycle] = run.recording.ofType('aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration');
    expect(lifecycle?.inputs.rules).toMatchObject([
      { expiration: { days: 7 } },
      { expiration: { days: 21 } },
      { noncurrentVersionExpiration: { noncurrentDays: 7 } },
    ]);
  });

  it('creates no e-mail subscription and no KMS grant when none is configured', async () => {
    const run = await runStage({ stage: 'dev', env: { RECOPS_ALARM_EMAIL: undefined, RECOPS_PERSONALIZE_KMS_KEY_ARNS: undefined } });
    expect(run.recording.ofType('aws:sns/topicSubscription:TopicSubscription')).toEqual([]);
    expect(roleStatements(run.recording).some((s) => actionsOf(s.statement).some((a) => a.startsWith('kms:')))).toBe(false);
  });

  it('uses the metric names the handler runtime emits', () => {
    expect(METRICS_NAMESPACE).toBe(RUNTIME_NAMESPACE);
    expect(RECORDS_FAILED_METRIC).toBe(RUNTIME_METRIC.recordsFailed);
    expect(PIPELINES_FAILED_METRIC).toBe(RUN_OUTCOME_METRIC.failed);
    expect(STAGE_DIMENSION).toBe(RUNTIME_STAGE_DIMENSION);
    expect(STAGE_DIMENSION).toBe(RUN_TRACKER_STAGE_DIMENSION);
    expect(SERVICES.map((s) => s.name)).toContain(RUN_TRACKER_SERVICE);
  });
});

describe('Infra: stacks refuse a manifest AWS would reject or that breaks least privilege', () => {
  afterEach(() => uninstallStandIn());

  it.each<[string, ServiceDefinition[], string]>([
    [
      'a wildcard action',
      [service({ permissions: [{ actions: ['personalize:*'], scope: 'personalize' }] })],
      'worker asks for "personalize:*"',
    ],
    ['a bare * action', [service({ permissions: [{ actions: ['*'], scope: 'bucket' }] })], 'worker asks for "*"'],
    [
      'PassRole on the bucket',
      [service({ permissions: [{ actions: ['iam:PassRole'], scope: 'bucket' }] })],
      'iam:PassRole must be alone in a personalizeRole or schedulerRole permission',
    ],
    [
      'other actions on the Personalize role',
      [service({ permissions: [{ actions: ['iam:GetRole'], scope: 'personalizeRole' }] })],
      'iam:PassRole must be alone',
    ],
    [
      'a visibility timeout below the function timeout',
      [service({ timeoutSeconds: 300 })],
      'visibilityTimeoutSeconds (180) must be at least timeoutSeconds (300)',
    ],
    ['subscriptions without a queue', [service({ queue: undefined })], 'subscribes to bus events but has no queue settings'],
    [
      'its own queue without one',
      [service({ subscriptions: [], queue: undefined, permissions: [{ actions: ['sqs:SendMessage'], scope: 'ownQueue' }] })],
      'uses its own queue but declares no queue settings',
    ],
    ['a duplicate service', [service(), service()], 'service "worker" is listed twice'],
    [
      'overlapping S3 triggers',
      [
        service({ name: 'a', subscriptions: [], queue: undefined, s3Triggers: [{ prefix: 'train/', suffix: '.json' }] }),
        service({ name: 'b', subscriptions: [], queue: undefined, s3Triggers: [{ prefix: 'train/x/' }] }),
      ],
      'S3 triggers of a (train/*.json) and b (train/x/*) overlap',
    ],
  ])('throws for %s', (_what, services, message) => {
    expect(() => deploy(services)).toThrow(StackConfigError);
    uninstallStandIn();
    expect(() => deploy(services)).toThrow(message);
  });

  it('grants PassRole on the schedule role only to EventBridge Scheduler, and scheduler calls only in its own group', () => {
    // Act
    const recording = deploy([
      service({
        permissions: [
          { actions: ['iam:PassRole'], scope: 'schedulerRole' },
          { actions: ['scheduler:CreateSchedule'], scope: 'schedulerGroup' },
        ],
      }),
    ]);

    // Assess
    const statements = roleStatements(recording)
      .filter((s) => s.owner === 'WorkerFunctionRole')
      .map((s) => s.statement);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: ['arn:aws:iam::123456789012:role/recops-test-us-east-1-scheduler'],
      Condition: { StringEquals: { 'iam:PassedToService': ['scheduler.amazonaws.com'] } },
    });
    const scheduler = statements.find((s) => actionsOf(s).includes('scheduler:CreateSchedule'));
    expect(resourcesOf(scheduler ?? { Effect: '', Action: [] })).toEqual([
      'arn:aws:scheduler:us-east-1:123456789012:schedule-group/recops-test-schedules',
      'arn:aws:scheduler:us-east-1:123456789012:schedule/recops-test-schedules/*',
    ]);
  });

  it('scopes Personalize calls to the stage\'s names in the account and region, with "*" only for List calls', () => {
    const recording = deploy([
      service({ permissions: [{ actions: ['personalize:DescribeRecipe', 'personalize:ListRecipes'], scope: 'personalize' }] }),
    ]);
    const statements = roleStatements(recording)
      .filter((s) => s.owner === 'WorkerFunctionRole')
      .map((s) => s.statement);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['personalize:DescribeRecipe'],
      Resource: [
        ...NAMED_PERSONALIZE_TYPES.map((type) => `arn:aws:personalize:us-east-1:123456789012:${type}/test-*`),
        'arn:aws:personalize:us-east-1:123456789012:event-tracker/*',
        'arn:aws:personalize:::recipe/*',
      ],
    });
    expect(statements).toContainEqual({ Effect: 'Allow', Action: ['personalize:ListRecipes'], Resource: ['*'] });
  });
});
