/**
 * Every SST / Pulumi property `sst.config.ts` and `stacks/` use, with the source that defines it
 * and a line of that source as evidence. `test/infra/api-surface.test.ts` fails when the stacks use
 * anything not listed here; `npx tsx stacks/scripts/check-api-surface.ts --sst DIR [--pulumi-aws DIR]`
 * (`stacks/scripts/check-api-surface.ts`) checks each evidence line against a checkout.
 *
 * Checked against: anomalyco/sst tag v4.17.0 (commit 8bfe1c1, Pulumi AWS 7.20.0 in
 * platform/package.json) — all `sst` entries pass the script; pulumi/pulumi-aws `sdk/nodejs`
 * files read at the commits named per entry (the argument names used are unchanged between 6.x
 * and 7.x for these resources; the S3 V2 renames of 7.0 are why the v7 name
 * `BucketServerSideEncryptionConfiguration` is used).
 */

export const SST_SOURCE = 'anomalyco/sst@v4.17.0 (8bfe1c1bddd2e935d3b174460302a60ce25789e2)';

export interface ApiUse {
  /** As recorded by the stand-in, with `[]` array markers dropped at the end. */
  readonly use: string;
  readonly repo: 'sst' | 'pulumi-aws';
  /** Path in the repository. */
  readonly file: string;
  /** Text that occurs in that file and shows the property. */
  readonly evidence: string;
  /** For pulumi-aws: the commit the file was read at. */
  readonly commit?: string;
}

const SST_FUNCTION = 'platform/src/components/aws/function.ts';
const SST_QUEUE = 'platform/src/components/aws/queue.ts';
const SST_BUS = 'platform/src/components/aws/bus.ts';
const SST_BUCKET = 'platform/src/components/aws/bucket.ts';
const SST_SNS = 'platform/src/components/aws/sns-topic.ts';
const SST_GLOBAL = 'platform/src/global.d.ts';

const sst = (use: string, file: string, evidence: string): ApiUse => ({ use, repo: 'sst', file, evidence });
const pulumi = (use: string, file: string, commit: string, evidence: string): ApiUse => ({
  use,
  repo: 'pulumi-aws',
  file,
  commit,
  evidence,
});

const METRIC_ALARM = ['sdk/nodejs/cloudwatch/metricAlarm.ts', '0073a411f2883d0afa28667571d8029a860368db'] as const;
const EVENT_ARCHIVE = ['sdk/nodejs/cloudwatch/eventArchive.ts', '0fbd8566f1b723bf6cf3a18bb961f128b9a79613'] as const;
const SCHEDULE_GROUP = ['sdk/nodejs/scheduler/scheduleGroup.ts', '106505a355cd30f0957916a2dceeb5caa8b71c91'] as const;
const SSE = ['sdk/nodejs/s3/bucketServerSideEncryptionConfiguration.ts', '0a88dbc90eede13eec6de6317a22687cb865ac5e'] as const;
const LIFECYCLE = ['sdk/nodejs/s3/bucketLifecycleConfiguration.ts', '16bfec9e1ae6615f25d68003fe0f27d14284d736'] as const;
const INVOKE_CONFIG = ['sdk/nodejs/lambda/functionEventInvokeConfig.ts', '0d6441758e3fb50efe48de4441de419e1f5d42ce'] as const;
const LOG_POLICY = ['sdk/nodejs/cloudwatch/logResourcePolicy.ts', '0217b321ada8c4507cbe448b528890e848903015'] as const;
const SCHEMA_REGISTRY = ['sdk/nodejs/schemas/registry.ts', '0fbd8566f1b723bf6cf3a18bb961f128b9a79613'] as const;
const SCHEMA = ['sdk/nodejs/schemas/schema.ts', '1085d9699ab3b4f2a254937175518adcfbeff5dc'] as const;
const SQS_QUEUE = ['sdk/nodejs/sqs/queue.ts', 'master (code index, 2 snapshots)'] as const;
const EVENT_TARGET = ['sdk/nodejs/cloudwatch/eventTarget.ts', '00176c39fe19adc93b502d51fb827a91344dd1f8'] as const;
/** cloudwatch.EventTargetDeadLetterConfig and cloudwatch.EventTargetRetryPolicy. */
const EVENT_TARGET_TYPES = ['sdk/nodejs/types/input.ts', 'c5a2142199ca98e4e6fe6d85ab3def81d2b4cb8f'] as const;
const LOG_GROUP = ['sdk/nodejs/cloudwatch/logGroup.ts', '0073a411f2883d0afa28667571d8029a860368db'] as const;

export const API_SURFACE: readonly ApiUse[] = [
  // Globals
  sst('$app.name', SST_GLOBAL, 'name: string;'),
  sst('$app.stage', SST_GLOBAL, 'stage: string;'),
  sst('$interpolate', SST_GLOBAL, 'export const $interpolate: typeof util.interpolate;'),
  sst('$jsonStringify', SST_GLOBAL, 'export const $jsonStringify: typeof util.jsonStringify;'),
  sst('$config', 'platform/src/config.ts', 'export function $config(input: Config): Config {'),
  sst('$config.app.name', 'platform/src/config.ts', 'name: string;'),
  sst('$config.app.home', 'platform/src/config.ts', 'home: "aws" | "cloudflare" | "local";'),
  sst('$config.app.removal', 'platform/src/config.ts', 'removal?: "remove" | "retain" | "retain-all";'),
  sst('$config.app.protect', 'platform/src/config.ts', 'protect?: boolean;'),
  sst('$config.app.providers', 'platform/src/config.ts', 'providers?: Record<string, any>;'),
  sst('$config.run', 'platform/src/config.ts', 'run(): Promise<Record<string, any> | void>;'),

  // sst.aws.Function
  sst('sst.aws.Function(args).handler', SST_FUNCTION, 'handler: Input<string>;'),
  sst('sst.aws.Function(args).description', SST_FUNCTION, 'description?: Input<string>;'),
  sst('sst.aws.Function(args).runtime', SST_FUNCTION, '| "nodejs22.x"'),
  sst('sst.aws.Function(args).architecture', SST_FUNCTION, 'architecture?: Input<"x86_64" | "arm64">;'),
  sst('sst.aws.Function(args).timeout', SST_FUNCTION, 'timeout?: Input<DurationMinutes>;'),
  sst('sst.aws.Function(args).memory', SST_FUNCTION, 'memory?: Input<Size>;'),
  sst('sst.aws.Function(args).environment', SST_FUNCTION, 'environment?: Input<Record<string, Input<string>>>;'),
  sst('sst.aws.Function(args).tags', SST_FUNCTION, 'tags?: Input<Record<string, Input<string>>>;'),
  sst('sst.aws.Function(args).permissions', SST_FUNCTION, 'permissions?: Input<Prettify<FunctionPermissionArgs>[]>;'),
  sst('sst.aws.Function(args).permissions[].actions', SST_FUNCTION, 'actions: string[];'),
  sst('sst.aws.Function(args).permissions[].resources', SST_FUNCTION, 'resources: Input<Input<string>[]>;'),
  sst('sst.aws.Function(args).permissions[].conditions', SST_FUNCTION, 'conditions?: Input<'),
  sst('sst.aws.Function(args).permissions[].conditions[].test', SST_FUNCTION, 'test: Input<string>;'),
  sst('sst.aws.Function(args).permissions[].conditions[].variable', SST_FUNCTION, 'variable: Input<string>;'),
  sst('sst.aws.Function(args).permissions[].conditions[].values', SST_FUNCTION, 'values: Input<Input<string>[]>;'),
  sst('sst.aws.Function(args).retries', SST_FUNCTION, 'retries?: Input<number>;'),
  sst('sst.aws.Function(args).transform', SST_FUNCTION, 'transform?: {'),
  sst(
    'sst.aws.Function(args).transform.eventInvokeConfig',
    SST_FUNCTION,
    'eventInvokeConfig?: Transform<lambda.FunctionEventInvokeConfigArgs>;',
  ),
  pulumi(
    'sst.aws.Function(args).transform.eventInvokeConfig.destinationConfig',
    ...INVOKE_CONFIG,
    'destinationConfig?: pulumi.Input<inputs.lambda.FunctionEventInvokeConfigDestinationConfig>;',
  ),
  pulumi('sst.aws.Function(args).transform.eventInvokeConfig.destinationConfig.onFailure', ...INVOKE_CONFIG, 'onFailure: {'),
  pulumi(
    'sst.aws.Function(args).transform.eventInvokeConfig.destinationConfig.onFailure.destination',
    ...INVOKE_CONFIG,
    'destination: aws_sqs_queue.example.arn,',
  ),
  sst('sst.aws.Function.arn', SST_FUNCTION, 'public get arn() {'),

  // sst.aws.Queue
  sst('sst.aws.Queue(args).visibilityTimeout', SST_QUEUE, 'visibilityTimeout?: Input<DurationHours>;'),
  sst('sst.aws.Queue(args).dlq', SST_QUEUE, 'dlq?: Input<'),
  sst('sst.aws.Queue(args).dlq.queue', SST_QUEUE, 'queue: Input<string>;'),
  sst('sst.aws.Queue(args).dlq.retry', SST_QUEUE, 'retry: Input<number>;'),
  sst('sst.aws.Queue(args).transform', SST_QUEUE, 'transform?: {'),
  sst('sst.aws.Queue(args).transform.queue', SST_QUEUE, 'queue?: Transform<sqs.QueueArgs>;'),
  pulumi(
    'sst.aws.Queue(args).transform.queue.messageRetentionSeconds',
    SQS_QUEUE[0],
    SQS_QUEUE[1],
    'messageRetentionSeconds?: pulumi.Input<number>;',
  ),
  sst('sst.aws.Queue.arn', SST_QUEUE, 'public get arn() {'),
  sst('sst.aws.Queue.url', SST_QUEUE, 'public get url() {'),
  sst('sst.aws.Queue.nodes.queue', SST_QUEUE, 'public get nodes() {'),
  sst('sst.aws.Queue.nodes.queue.name', SST_QUEUE, 'private queue: sqs.Queue;'),
  sst('sst.aws.Queue#subscribe', SST_QUEUE, 'subscriber: Input<string | FunctionArgs | FunctionArn>,'),
  sst('sst.aws.Queue#subscribe(args).batch', SST_QUEUE, 'batch?: Input<{'),
  sst('sst.aws.Queue#subscribe(args).batch.size', SST_QUEUE, 'size?: Input<number>;'),
  sst('sst.aws.Queue#subscribe(args).batch.window', SST_QUEUE, 'window?: Input<DurationMinutes>;'),
  sst('sst.aws.Queue#subscribe(args).batch.partialResponses', SST_QUEUE, 'partialResponses?: Input<boolean>;'),

  // sst.aws.Bus
  sst('sst.aws.Bus.arn', SST_BUS, 'public get arn() {'),
  sst('sst.aws.Bus.name', SST_BUS, 'public get name() {'),

  // sst.aws.Bucket
  sst('sst.aws.Bucket(args).enforceHttps', SST_BUCKET, 'enforceHttps?: Input<boolean>;'),
  sst('sst.aws.Bucket(args).cors', SST_BUCKET, 'cors?: Input<false | Prettify<BucketCorsArgs>>;'),
  sst('sst.aws.Bucket(args).versioning', SST_BUCKET, 'versioning?: Input<boolean>;'),
  sst('sst.aws.Bucket(args).policy', SST_BUCKET, 'policy?: Input<'),
  sst('sst.aws.Bucket(args).policy[].actions', SST_BUCKET, 'actions: Input<Input<string>[]>;'),
  sst('sst.aws.Bucket(args).policy[].principals', SST_BUCKET, 'principals: Input<'),
  sst('sst.aws.Bucket(args).policy[].principals[].type', SST_BUCKET, 'type: Input<"aws" | "service" | "federated" | "canonical">;'),
  sst('sst.aws.Bucket(args).policy[].principals[].identifiers', SST_BUCKET, 'identifiers: Input<Input<string>[]>;'),
  sst('sst.aws.Bucket(args).policy[].conditions', SST_BUCKET, 'conditions: policy.conditions,'),
  sst('sst.aws.Bucket(args).policy[].conditions[].test', SST_BUCKET, 'test: Input<string>;'),
  sst('sst.aws.Bucket(args).policy[].conditions[].variable', SST_BUCKET, 'variable: Input<string>;'),
  sst('sst.aws.Bucket(args).policy[].conditions[].values', SST_BUCKET, 'values: Input<Input<string>[]>;'),
  sst('sst.aws.Bucket(args).transform', SST_BUCKET, 'transform?: {'),
  sst('sst.aws.Bucket(args).transform.bucket', SST_BUCKET, 'bucket?: Transform<s3.BucketArgs>;'),
  sst('sst.aws.Bucket(args).transform.bucket.forceDestroy', SST_BUCKET, 'forceDestroy: true,'),
  sst(
    'sst.aws.Bucket(args).transform.publicAccessBlock',
    SST_BUCKET,
    'publicAccessBlock?: Transform<s3.BucketPublicAccessBlockArgs> | false;',
  ),
  sst('sst.aws.Bucket(args).transform.publicAccessBlock.blockPublicAcls', SST_BUCKET, 'blockPublicAcls: true,'),
  sst('sst.aws.Bucket(args).transform.publicAccessBlock.blockPublicPolicy', SST_BUCKET, 'blockPublicPolicy: access.apply('),
  sst('sst.aws.Bucket(args).transform.publicAccessBlock.ignorePublicAcls', SST_BUCKET, 'ignorePublicAcls: true,'),
  sst('sst.aws.Bucket(args).transform.publicAccessBlock.restrictPublicBuckets', SST_BUCKET, 'restrictPublicBuckets: access.apply('),
  sst('sst.aws.Bucket.arn', SST_BUCKET, 'public get arn() {'),
  sst('sst.aws.Bucket.name', SST_BUCKET, 'public get name() {'),
  sst('sst.aws.Bucket#notify', SST_BUCKET, 'public notify(args: BucketNotificationsArgs) {'),
  sst('sst.aws.Bucket#notify(args).notifications', SST_BUCKET, 'notifications: Input<'),
  sst('sst.aws.Bucket#notify(args).notifications[].name', SST_BUCKET, 'name: Input<string>;'),
  sst('sst.aws.Bucket#notify(args).notifications[].function', SST_BUCKET, 'function?: Input<string | FunctionArgs | FunctionArn>;'),
  sst('sst.aws.Bucket#notify(args).notifications[].events', SST_BUCKET, '| "s3:ObjectCreated:*"'),
  sst('sst.aws.Bucket#notify(args).notifications[].filterPrefix', SST_BUCKET, 'filterPrefix?: Input<string>;'),
  sst('sst.aws.Bucket#notify(args).notifications[].filterSuffix', SST_BUCKET, 'filterSuffix?: Input<string>;'),

  // sst.aws.SnsTopic
  sst('sst.aws.SnsTopic.arn', SST_SNS, 'public get arn() {'),

  // aws.* data sources (SST calls them the same way in function.ts)
  sst('aws.getPartitionOutput()', SST_FUNCTION, 'getPartitionOutput({}, opts).partition'),
  sst('aws.getPartitionOutput().partition', SST_FUNCTION, 'getPartitionOutput({}, opts).partition'),
  sst('aws.getRegionOutput()', SST_FUNCTION, 'getRegionOutput({}, opts).region'),
  sst('aws.getRegionOutput().region', SST_FUNCTION, 'getRegionOutput({}, opts).region'),
  sst('aws.getCallerIdentityOutput()', SST_FUNCTION, 'getCallerIdentityOutput({}, opts).accountId'),
  sst('aws.getCallerIdentityOutput().accountId', SST_FUNCTION, 'getCallerIdentityOutput({}, opts).accountId'),

  // aws.iam.Role (SST builds every function role with these arguments)
  sst('aws.iam.Role(args).name', 'platform/src/components/component.ts', '"aws:iam/role:Role": ["name", 64],'),
  sst('aws.iam.Role(args).assumeRolePolicy', SST_FUNCTION, 'assumeRolePolicy: !dev'),
  sst('aws.iam.Role(args).inlinePolicies', SST_FUNCTION, 'inlinePolicies: policy.apply('),
  sst('aws.iam.Role(args).inlinePolicies[].name', SST_FUNCTION, '[{ name: "inline", policy: policy.json }]'),
  sst('aws.iam.Role(args).inlinePolicies[].policy', SST_FUNCTION, '[{ name: "inline", policy: policy.json }]'),
  sst('aws.iam.Role.arn', 'platform/src/components/aws/aurora.ts', 'roleArn: role.arn,'),

  // aws.sns.TopicSubscription (as SST's queue subscriber passes them)
  sst('aws.sns.TopicSubscription(args).topic', 'platform/src/components/aws/sns-topic-queue-subscriber.ts', 'topic: topic.arn,'),
  sst('aws.sns.TopicSubscription(args).protocol', 'platform/src/components/aws/sns-topic-queue-subscriber.ts', 'protocol: "sqs",'),
  sst('aws.sns.TopicSubscription(args).endpoint', 'platform/src/components/aws/sns-topic-queue-subscriber.ts', 'endpoint: queueArn,'),

  // aws.cloudwatch.LogGroup / EventRule / EventTarget (arguments SST passes to the same resources)
  sst('aws.cloudwatch.LogGroup(args).name', 'platform/src/components/aws/fargate.ts', 'name: container.logging.name,'),
  sst('aws.cloudwatch.LogGroup(args).retentionInDays', SST_FUNCTION, 'retentionInDays: RETENTION[logging.retention],'),
  sst('aws.cloudwatch.EventRule(args).name', 'platform/src/components/component.ts', '"aws:cloudwatch/eventRule:EventRule": ["name", 64],'),
  sst('aws.cloudwatch.EventRule(args).eventBusName', 'platform/src/components/aws/bus-base-subscriber.ts', 'eventBusName,'),
  sst('aws.cloudwatch.EventRule(args).eventPattern', 'platform/src/components/aws/bus-base-subscriber.ts', 'eventPattern: args.pattern'),
  sst('aws.cloudwatch.EventRule.name', 'platform/src/components/aws/bus-queue-subscriber.ts', 'rule: rule.name,'),
  sst('aws.cloudwatch.EventTarget(args).rule', 'platform/src/components/aws/bus-queue-subscriber.ts', 'rule: rule.name,'),
  sst('aws.cloudwatch.EventTarget(args).arn', 'platform/src/components/aws/bus-queue-subscriber.ts', 'arn: queueArn,'),
  sst('aws.cloudwatch.EventTarget(args).eventBusName', 'platform/src/components/aws/bus-queue-subscriber.ts', 'eventBusName: bus.name,'),
  sst('aws.cloudwatch.EventRule.arn', 'platform/src/components/aws/bus-lambda-subscriber.ts', 'sourceArn: rule.arn,'),
  // aws.sqs.QueuePolicy: the arguments SST's bus → queue subscriber passes (we write the policy ourselves for aws:SourceArn)
  sst('aws.sqs.QueuePolicy(args).queueUrl', 'platform/src/components/aws/bus-queue-subscriber.ts', 'queueUrl: queueArn.apply((arn) => {'),
  sst('aws.sqs.QueuePolicy(args).policy', 'platform/src/components/aws/bus-queue-subscriber.ts', 'policy: iam.getPolicyDocumentOutput({'),
  // Pulumi resource option, as SST passes it
  sst(
    'aws.cloudwatch.LogResourcePolicy(opts).retainOnDelete',
    'platform/src/components/aws/bus-queue-subscriber.ts',
    '{ retainOnDelete: true },',
  ),

  // Raw Pulumi resources SST itself never creates
  pulumi(
    'aws.cloudwatch.EventTarget(args).deadLetterConfig',
    ...EVENT_TARGET,
    'inputs["deadLetterConfig"] = args ? args.deadLetterConfig : undefined;',
  ),
  pulumi('aws.cloudwatch.EventTarget(args).deadLetterConfig.arn', ...EVENT_TARGET_TYPES, 'arn?: pulumi.Input<string>;'),
  pulumi('aws.cloudwatch.EventTarget(args).retryPolicy', ...EVENT_TARGET, 'inputs["retryPolicy"] = args ? args.retryPolicy : undefined;'),
  pulumi(
    'aws.cloudwatch.EventTarget(args).retryPolicy.maximumEventAgeInSeconds',
    ...EVENT_TARGET_TYPES,
    'maximumEventAgeInSeconds?: pulumi.Input<number>;',
  ),
  pulumi(
    'aws.cloudwatch.EventTarget(args).retryPolicy.maximumRetryAttempts',
    ...EVENT_TARGET_TYPES,
    'maximumRetryAttempts?: pulumi.Input<number>;',
  ),
  pulumi(
    'aws.cloudwatch.EventTarget(opts).dependsOn',
    ...EVENT_TARGET,
    'constructor(name: string, args: EventTargetArgs, opts?: pulumi.CustomResourceOptions)',
  ),
  pulumi('aws.cloudwatch.LogGroup.arn', ...LOG_GROUP, 'public /*out*/ readonly arn!: pulumi.Output<string>;'),
  pulumi('aws.cloudwatch.LogResourcePolicy(args).policyName', ...LOG_POLICY, 'readonly policyName: pulumi.Input<string>;'),
  pulumi('aws.cloudwatch.LogResourcePolicy(args).policyDocument', ...LOG_POLICY, 'readonly policyDocument: pulumi.Input<string>;'),
  pulumi('aws.cloudwatch.EventArchive(args).name', ...EVENT_ARCHIVE, 'name?: pulumi.Input<string>;'),
  pulumi('aws.cloudwatch.EventArchive(args).description', ...EVENT_ARCHIVE, 'description?: pulumi.Input<string>;'),
  pulumi('aws.cloudwatch.EventArchive(args).eventSourceArn', ...EVENT_ARCHIVE, 'eventSourceArn: pulumi.Input<string>;'),
  pulumi('aws.cloudwatch.EventArchive(args).retentionDays', ...EVENT_ARCHIVE, 'retentionDays?: pulumi.Input<number>;'),
  pulumi('aws.cloudwatch.MetricAlarm(args).name', ...METRIC_ALARM, 'readonly name?: pulumi.Input<string>;'),
  pulumi('aws.cloudwatch.MetricAlarm(args).alarmDescription', ...METRIC_ALARM, 'readonly alarmDescription?: pulumi.Input<string>;'),
  pulumi('aws.cloudwatch.MetricAlarm(args).namespace', ...METRIC_ALARM, 'readonly namespace?: pulumi.Input<string>;'),
  pulumi('aws.cloudwatch.MetricAlarm(args).metricName', ...METRIC_ALARM, 'readonly metricName?: pulumi.Input<string>;'),
  pulumi('aws.cloudwatch.MetricAlarm(args).dimensions', ...METRIC_ALARM, 'readonly dimensions?: pulumi.Input<{[key: string]: any}>;'),
  pulumi('aws.cloudwatch.MetricAlarm(args).statistic', ...METRIC_ALARM, 'readonly statistic?: pulumi.Input<string>;'),
  pulumi('aws.cloudwatch.MetricAlarm(args).period', ...METRIC_ALARM, 'readonly period?: pulumi.Input<number>;'),
  pulumi('aws.cloudwatch.MetricAlarm(args).evaluationPeriods', ...METRIC_ALARM, 'readonly evaluationPeriods: pulumi.Input<number>;'),
  pulumi('aws.cloudwatch.MetricAlarm(args).threshold', ...METRIC_ALARM, 'readonly threshold?: pulumi.Input<number>;'),
  pulumi('aws.cloudwatch.MetricAlarm(args).comparisonOperator', ...METRIC_ALARM, 'readonly comparisonOperator: pulumi.Input<string>;'),
  pulumi('aws.cloudwatch.MetricAlarm(args).treatMissingData', ...METRIC_ALARM, 'readonly treatMissingData?: pulumi.Input<string>;'),
  pulumi(
    'aws.cloudwatch.MetricAlarm(args).alarmActions',
    ...METRIC_ALARM,
    'readonly alarmActions?: pulumi.Input<pulumi.Input<string | Topic>[]>;',
  ),
  pulumi(
    'aws.cloudwatch.MetricAlarm(args).okActions',
    ...METRIC_ALARM,
    'readonly okActions?: pulumi.Input<pulumi.Input<string | Topic>[]>;',
  ),
  pulumi('aws.schemas.Registry(args).name', ...SCHEMA_REGISTRY, 'name?: pulumi.Input<string>;'),
  pulumi('aws.schemas.Registry(args).description', ...SCHEMA_REGISTRY, 'description?: pulumi.Input<string>;'),
  pulumi('aws.schemas.Registry.name', ...SCHEMA_REGISTRY, 'public readonly name!: pulumi.Output<string>;'),
  pulumi('aws.schemas.Schema(args).name', ...SCHEMA, 'name?: pulumi.Input<string>;'),
  pulumi('aws.schemas.Schema(args).registryName', ...SCHEMA, 'registryName: pulumi.Input<string>;'),
  pulumi('aws.schemas.Schema(args).type', ...SCHEMA, 'type: pulumi.Input<string>;'),
  pulumi('aws.schemas.Schema(args).content', ...SCHEMA, 'content: pulumi.Input<string>;'),
  pulumi('aws.schemas.Schema(args).description', ...SCHEMA, 'description?: pulumi.Input<string>;'),
  pulumi('aws.scheduler.ScheduleGroup(args).name', ...SCHEDULE_GROUP, 'name?: pulumi.Input<string>;'),
  pulumi('aws.scheduler.ScheduleGroup.name', ...SCHEDULE_GROUP, 'name?: pulumi.Input<string>;'),
  // Evidence from the resource's own examples where the argument types live in types/input.ts.
  pulumi('aws.s3.BucketLifecycleConfiguration(args).bucket', ...LIFECYCLE, 'bucket: pulumi.Input<string>;'),
  pulumi(
    'aws.s3.BucketLifecycleConfiguration(args).rules',
    ...LIFECYCLE,
    'rules?: pulumi.Input<pulumi.Input<inputs.s3.BucketLifecycleConfigurationRule>[]>;',
  ),
  pulumi('aws.s3.BucketLifecycleConfiguration(args).rules[].id', ...LIFECYCLE, 'id: "rule-1",'),
  pulumi('aws.s3.BucketLifecycleConfiguration(args).rules[].status', ...LIFECYCLE, 'status: "Enabled",'),
  pulumi('aws.s3.BucketLifecycleConfiguration(args).rules[].filter', ...LIFECYCLE, 'filter: {'),
  pulumi('aws.s3.BucketLifecycleConfiguration(args).rules[].filter.prefix', ...LIFECYCLE, 'prefix: "tmp/",'),
  pulumi('aws.s3.BucketLifecycleConfiguration(args).rules[].filter.and', ...LIFECYCLE, 'and: {'),
  pulumi('aws.s3.BucketLifecycleConfiguration(args).rules[].filter.and.prefix', ...LIFECYCLE, 'prefix: "log/",'),
  pulumi('aws.s3.BucketLifecycleConfiguration(args).rules[].filter.and.tags', ...LIFECYCLE, 'autoclean: "true",'),
  pulumi('aws.s3.BucketLifecycleConfiguration(args).rules[].expiration', ...LIFECYCLE, 'expiration: {'),
  pulumi('aws.s3.BucketLifecycleConfiguration(args).rules[].expiration.days', ...LIFECYCLE, 'days: 90,'),
  pulumi('aws.s3.BucketLifecycleConfiguration(args).rules[].noncurrentVersionExpiration', ...LIFECYCLE, 'noncurrentVersionExpiration: {'),
  pulumi(
    'aws.s3.BucketLifecycleConfiguration(args).rules[].noncurrentVersionExpiration.noncurrentDays',
    ...LIFECYCLE,
    'noncurrentDays: 90,',
  ),
  pulumi('aws.s3.BucketServerSideEncryptionConfiguration(args).bucket', ...SSE, 'bucket: pulumi.Input<string>;'),
  pulumi(
    'aws.s3.BucketServerSideEncryptionConfiguration(args).rules',
    ...SSE,
    'rules: pulumi.Input<pulumi.Input<inputs.s3.BucketServerSideEncryptionConfigurationRule>[]>;',
  ),
  pulumi(
    'aws.s3.BucketServerSideEncryptionConfiguration(args).rules[].applyServerSideEncryptionByDefault',
    ...SSE,
    'applyServerSideEncryptionByDefault: {',
  ),
  pulumi(
    'aws.s3.BucketServerSideEncryptionConfiguration(args).rules[].applyServerSideEncryptionByDefault.sseAlgorithm',
    ...SSE,
    'sseAlgorithm: "aws:kms",',
  ),
];

/** `a.b[].c[]` → `a.b[].c`: a trailing array marker names the same property. */
export function normalizeUse(use: string): string {
  return use.replace(/(\[\])+$/, '');
}
