/**
 * A recording stand-in for the globals SST gives `sst.config.ts` (`sst`, `aws`, `$app`, `$dev`,
 * `$interpolate`, `$jsonStringify`, `$resolve`, `$config`). Each SST component records itself and
 * the AWS resources SST v4.17.0 creates for it, with the arguments SST passes (read from
 * `platform/src/components/aws/*.ts`, cited per component below), so tests can assert on what a
 * deploy would create. Raw `aws.*` resources are recorded as called.
 *
 * It also records every argument path and property the stacks use (`Recording.uses`); the test in
 * `test/infra/api-surface.test.ts` checks them against `stacks/api-surface.ts`.
 */
import { physicalName, toMBs, toSeconds } from './naming';
import { interpolate, jsonStringify, output, resolve, StandInOutput, unwrap } from './outputs';

export interface RecordedResource {
  /** Pulumi type token (`aws:sqs/queue:Queue`) or SST component type (`sst:aws:Queue`). */
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  /** Logical name of the SST component that created it. */
  readonly parent?: string;
  /** Arguments with every Output resolved. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Synthetic outputs (names and ARNs as AWS would report them). */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Logical names of the resources given as `dependsOn` (raw Pulumi resources only). */
  readonly dependsOn?: readonly string[];
  /** Pulumi's `retainOnDelete` option, when given. */
  readonly retainOnDelete?: boolean;
}

export class Recording {
  readonly resources: RecordedResource[] = [];
  /** API paths used, e.g. `sst.aws.Queue(args).dlq.retry` or `sst.aws.Queue.arn`. */
  readonly uses = new Set<string>();

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  named(name: string): RecordedResource {
    const found = this.resources.find((r) => r.name === name);
    if (found === undefined) throw new Error(`no recorded resource named ${name}`);
    return found;
  }
}

export interface StandInApp {
  readonly name: string;
  readonly stage: string;
  readonly removal: 'remove' | 'retain' | 'retain-all';
  readonly protect: boolean;
  readonly providers?: Record<string, unknown>;
}

export interface StandInOptions {
  readonly accountId?: string;
  readonly partition?: string;
  /** Records `$dev` as true (SST's `sst dev` mode). */
  readonly dev?: boolean;
}

/** Argument paths whose keys are user data (environment names, tags…), not API properties. */
const OPAQUE_PATHS = new Set([
  'sst.aws.Function(args).environment',
  'sst.aws.Function(args).tags',
  'aws.cloudwatch.MetricAlarm(args).dimensions',
  'aws.s3.BucketLifecycleConfiguration(args).rules[].filter.and.tags',
  'sst.aws.Bus#subscribeQueue(args).pattern.detail',
]);

interface Context {
  readonly recording: Recording;
  readonly app: StandInApp;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
}

let context: Context | undefined;

function ctx(): Context {
  if (context === undefined) throw new Error('The SST stand-in is not installed (call installStandIn first)');
  return context;
}

function use(path: string): void {
  ctx().recording.uses.add(path);
}

/** Records every argument path of `args` under `api`, e.g. `sst.aws.Queue(args).dlq.retry`. */
function useArgs(api: string, args: unknown): void {
  const walk = (path: string, value: unknown): void => {
    use(path);
    if (OPAQUE_PATHS.has(path)) return;
    if (value instanceof StandInOutput) {
      walk(path, value.value);
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) walk(`${path}[]`, item);
      return;
    }
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      for (const [key, item] of Object.entries(value)) {
        if (item !== undefined) walk(`${path}.${key}`, item);
      }
    }
  };
  if (args === undefined) return;
  if (args !== null && typeof args === 'object' && !(args instanceof StandInOutput)) {
    for (const [key, item] of Object.entries(args)) if (item !== undefined) walk(`${api}.${key}`, item);
  } else {
    walk(api, args);
  }
}

function record(resource: RecordedResource): RecordedResource {
  const recording = ctx().recording;
  if (recording.resources.some((r) => r.name === resource.name && r.type === resource.type)) {
    throw new Error(`Duplicate resource name ${resource.name} (${resource.type})`);
  }
  recording.resources.push(resource);
  return resource;
}

function resolved(value: unknown): Record<string, unknown> {
  return (unwrap(value) ?? {}) as Record<string, unknown>;
}

/** SST's `transform(...)`: an object is shallow-merged over SST's args (`components/component.ts`). */
function applyTransform(base: Record<string, unknown>, transform: unknown, name: string): Record<string, unknown> {
  if (typeof transform === 'function') {
    const args = { ...base };
    transform(args, {}, name);
    return args;
  }
  return { ...base, ...resolved(transform) };
}

function sstName(max: number, name: string, suffix = ''): string {
  const { app } = ctx();
  return physicalName(app.name, app.stage, max, name, suffix);
}

function arn(service: string, resource: string, { global = false } = {}): string {
  const c = ctx();
  return `arn:${c.partition}:${service}:${global ? '' : c.region}:${service === 's3' ? '' : c.accountId}:${resource}`;
}

function isArn(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('arn:');
}

// ---------------------------------------------------------------------------------------------
// sst.aws components

/** `aws/function.ts`: a lambda Function and its Role with an inline policy from `permissions`. */
class StandInFunction {
  private readonly physical: string;
  constructor(
    readonly logicalName: string,
    args: sst.aws.FunctionArgs,
  ) {
    useArgs('sst.aws.Function(args)', args);
    const a = resolved(args);
    this.physical = sstName(64, `${logicalName}Function`);
    const functionArn = arn('lambda', `function:${this.physical}`);
    record({ type: 'sst:aws:Function', name: logicalName, inputs: a, outputs: { arn: functionArn, name: this.physical } });
    const permissions = (a.permissions ?? []) as {
      effect?: string;
      actions: string[];
      resources: string[];
      conditions?: { test: string; variable: string; values: string[] }[];
    }[];
    const statements = permissions.map((p) => {
      const effect = p.effect ?? 'allow';
      return {
        Effect: effect.charAt(0).toUpperCase() + effect.slice(1),
        Action: p.actions,
        Resource: p.resources,
        ...(p.conditions === undefined
          ? {}
          : {
              Condition: Object.fromEntries(p.conditions.map((c) => [c.test, { [c.variable]: c.values }])),
            }),
      };
    });
    record({
      type: 'aws:iam/role:Role',
      name: `${logicalName}Role`,
      parent: logicalName,
      inputs: {
        name: sstName(64, `${logicalName}Role`),
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
        inlinePolicies:
          statements.length > 0 ? [{ name: 'inline', policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }] : [],
        managedPolicyArns: [`arn:${ctx().partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`],
      },
      outputs: { arn: arn('iam', `role/${sstName(64, `${logicalName}Role`)}`, { global: true }) },
    });
    record({
      type: 'aws:lambda/function:Function',
      name: `${logicalName}Function`,
      parent: logicalName,
      inputs: {
        name: this.physical,
        handler: a.handler,
        description: a.description,
        runtime: a.runtime ?? 'nodejs24.x',
        architectures: [a.architecture ?? 'x86_64'],
        timeout: toSeconds((a.timeout as string | undefined) ?? '20 seconds'),
        memorySize: toMBs((a.memory as string | undefined) ?? '1024 MB'),
        environment: { variables: a.environment ?? {} },
        tags: a.tags ?? {},
      },
      outputs: { arn: functionArn },
    });
    // createEventInvokeConfig (aws/function.ts): only when `retries` is set.
    if (a.retries !== undefined) {
      record({
        type: 'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig',
        name: `${logicalName}EventInvokeConfig`,
        parent: logicalName,
        inputs: applyTransform(
          { functionName: this.physical, maximumRetryAttempts: a.retries },
          (a.transform as { eventInvokeConfig?: unknown } | undefined)?.eventInvokeConfig,
          `${logicalName}EventInvokeConfig`,
        ),
        outputs: {},
      });
    }
  }

  get arn(): $util.Output<string> {
    use('sst.aws.Function.arn');
    return output(arn('lambda', `function:${this.physical}`));
  }

  get name(): $util.Output<string> {
    use('sst.aws.Function.name');
    return output(this.physical);
  }
}

/** `aws/queue.ts`: an sqs Queue with a redrive policy when `dlq` is set. */
class StandInQueue {
  private readonly physical: string;
  private subscribed = false;

  constructor(
    readonly logicalName: string,
    args: sst.aws.QueueArgs = {},
  ) {
    useArgs('sst.aws.Queue(args)', args);
    const a = resolved(args);
    this.physical = sstName(80, `${logicalName}Queue`);
    record({ type: 'sst:aws:Queue', name: logicalName, inputs: a, outputs: { arn: this.arnValue, url: this.urlValue } });
    const dlq =
      a.dlq === undefined
        ? undefined
        : typeof a.dlq === 'string'
          ? { queue: a.dlq, retry: 3 }
          : (a.dlq as { queue: string; retry: number });
    const transform = (a.transform as { queue?: unknown } | undefined)?.queue;
    record({
      type: 'aws:sqs/queue:Queue',
      name: `${logicalName}Queue`,
      parent: logicalName,
      inputs: applyTransform(
        {
          name: this.physical,
          fifoQueue: false,
          contentBasedDeduplication: false,
          visibilityTimeoutSeconds: toSeconds((a.visibilityTimeout as string | undefined) ?? '30 seconds'),
          delaySeconds: 0,
          redrivePolicy: dlq === undefined ? undefined : JSON.stringify({ deadLetterTargetArn: dlq.queue, maxReceiveCount: dlq.retry }),
        },
        transform,
        `${logicalName}Queue`,
      ),
      outputs: { arn: this.arnValue, url: this.urlValue },
    });
  }

  private get arnValue(): string {
    return arn('sqs', this.physical);
  }

  private get urlValue(): string {
    const c = ctx();
    return `https://sqs.${c.region}.amazonaws.com/${c.accountId}/${this.physical}`;
  }

  get arn(): $util.Output<string> {
    use('sst.aws.Queue.arn');
    return output(this.arnValue);
  }

  get url(): $util.Output<string> {
    use('sst.aws.Queue.url');
    return output(this.urlValue);
  }

  get nodes(): { readonly queue: { readonly name: $util.Output<string> } } {
    use('sst.aws.Queue.nodes.queue');
    const physical = this.physical;
    return {
      queue: {
        get name() {
          use('sst.aws.Queue.nodes.queue.name');
          return output(physical);
        },
      },
    };
  }

  /** `aws/queue-lambda-subscriber.ts`: an EventSourceMapping to the function. */
  subscribe(subscriber: $util.Input<string | sst.aws.FunctionArgs>, args: sst.aws.QueueSubscriberArgs = {}): unknown {
    use('sst.aws.Queue#subscribe');
    useArgs('sst.aws.Queue#subscribe(args)', args);
    if (this.subscribed) {
      throw new Error(`Cannot subscribe to the "${this.logicalName}" queue multiple times. An SQS Queue can only have one subscriber.`);
    }
    this.subscribed = true;
    const target = unwrap(subscriber);
    if (!isArn(target)) {
      throw new Error('The stand-in models queue subscribers passed by function ARN only (as stacks/ does)');
    }
    const batch = resolved((resolved(args).batch as unknown) ?? {}) as { size?: number; window?: string; partialResponses?: boolean };
    const name = `${this.logicalName}Subscriber`;
    record({
      type: 'sst:aws:QueueLambdaSubscriber',
      name,
      inputs: { queue: { arn: this.arnValue }, subscriber: target, ...resolved(args) },
      outputs: {},
    });
    record({
      type: 'aws:lambda/eventSourceMapping:EventSourceMapping',
      name: `${name}EventSourceMapping`,
      parent: name,
      inputs: {
        functionResponseTypes: batch.partialResponses ? ['ReportBatchItemFailures'] : [],
        batchSize: batch.size ?? 10,
        maximumBatchingWindowInSeconds: batch.window ? toSeconds(batch.window) : 0,
        eventSourceArn: this.arnValue,
        functionName: target,
      },
      outputs: {},
    });
    return undefined;
  }
}

/** `aws/bus.ts`: an EventBus; `subscribeQueue` per `aws/bus-queue-subscriber.ts`. */
class StandInBus {
  private readonly physical: string;

  constructor(
    readonly logicalName: string,
    args: Record<string, never> = {},
  ) {
    useArgs('sst.aws.Bus(args)', args);
    this.physical = sstName(256, `${logicalName}Bus`);
    record({ type: 'sst:aws:Bus', name: logicalName, inputs: resolved(args), outputs: { arn: this.arnValue, name: this.physical } });
    record({
      type: 'aws:cloudwatch/eventBus:EventBus',
      name: `${logicalName}Bus`,
      parent: logicalName,
      inputs: { name: this.physical },
      outputs: { arn: this.arnValue },
    });
  }

  private get arnValue(): string {
    return arn('events', `event-bus/${this.physical}`);
  }

  get arn(): $util.Output<string> {
    use('sst.aws.Bus.arn');
    return output(this.arnValue);
  }

  get name(): $util.Output<string> {
    use('sst.aws.Bus.name');
    return output(this.physical);
  }

  subscribeQueue(name: string, queue: $util.Input<string | sst.aws.Queue>, args: sst.aws.BusSubscriberArgs = {}): unknown {
    use('sst.aws.Bus#subscribeQueue');
    useArgs('sst.aws.Bus#subscribeQueue(args)', args);
    const target = unwrap(queue);
    const queueArn = target instanceof StandInQueue ? (unwrap(target.arn) as string) : (target as string);
    const component = `${this.logicalName}Subscriber${name}`;
    const pattern = resolved(args).pattern as { source?: unknown[]; detailType?: unknown[]; detail?: unknown } | undefined;
    record({ type: 'sst:aws:BusQueueSubscriber', name: component, inputs: { queue: queueArn, ...resolved(args) }, outputs: {} });
    // Queue.createPolicy (aws/queue.ts): events, S3 and SNS may send to the queue.
    record({
      type: 'aws:sqs/queuePolicy:QueuePolicy',
      name: `${component}Policy`,
      parent: component,
      inputs: {
        queueUrl: queueArn,
        policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['sqs:SendMessage'],
              Resource: [queueArn],
              Principal: { Service: ['sns.amazonaws.com', 's3.amazonaws.com', 'events.amazonaws.com'] },
            },
          ],
        }),
      },
      outputs: {},
    });
    const ruleName = sstName(64, `${component}Rule`);
    record({
      type: 'aws:cloudwatch/eventRule:EventRule',
      name: `${component}Rule`,
      parent: component,
      inputs: {
        name: ruleName,
        eventBusName: this.physical,
        state: 'ENABLED',
        // createRule (aws/bus-base-subscriber.ts): only these three keys reach the rule.
        eventPattern: pattern
          ? JSON.stringify({ 'detail-type': pattern.detailType, source: pattern.source, detail: pattern.detail })
          : JSON.stringify({ source: [{ prefix: '' }] }),
      },
      outputs: {},
    });
    record({
      type: 'aws:cloudwatch/eventTarget:EventTarget',
      name: `${component}Target`,
      parent: component,
      inputs: { arn: queueArn, rule: ruleName, eventBusName: this.physical },
      outputs: {},
    });
    return undefined;
  }
}

/** `aws/bucket.ts` and `aws/bucket-notification.ts`. */
class StandInBucket {
  private readonly physical: string;
  private notified = false;

  constructor(
    readonly logicalName: string,
    args: sst.aws.BucketArgs = {},
  ) {
    useArgs('sst.aws.Bucket(args)', args);
    const a = resolved(args);
    this.physical = sstName(63, `${logicalName}Bucket`).toLowerCase();
    const bucketArn = this.arnValue;
    const transform = (a.transform ?? {}) as Record<string, unknown>;
    record({ type: 'sst:aws:Bucket', name: logicalName, inputs: a, outputs: { arn: bucketArn, name: this.physical } });
    record({
      type: 'aws:s3/bucket:Bucket',
      name: `${logicalName}Bucket`,
      parent: logicalName,
      inputs: applyTransform({ bucket: this.physical, forceDestroy: true }, transform.bucket, `${logicalName}Bucket`),
      outputs: { arn: bucketArn },
    });
    if (a.versioning === true) {
      record({
        type: 'aws:s3/bucketVersioning:BucketVersioning',
        name: `${logicalName}Versioning`,
        parent: logicalName,
        inputs: { bucket: this.physical, versioningConfiguration: { status: 'Enabled' } },
        outputs: {},
      });
    }
    const access = a.access as string | undefined;
    if (transform.publicAccessBlock !== false) {
      record({
        type: 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock',
        name: `${logicalName}PublicAccessBlock`,
        parent: logicalName,
        inputs: applyTransform(
          {
            bucket: this.physical,
            blockPublicAcls: true,
            blockPublicPolicy: access !== 'public',
            ignorePublicAcls: true,
            restrictPublicBuckets: access !== 'public',
          },
          transform.publicAccessBlock,
          `${logicalName}PublicAccessBlock`,
        ),
        outputs: {},
      });
    }
    const statements: Record<string, unknown>[] = [];
    if (a.enforceHttps ?? true) {
      statements.push({
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:*'],
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { 'aws:SecureTransport': ['false'] } },
      });
    }
    const typeNames: Record<string, string> = { aws: 'AWS', service: 'Service', federated: 'Federated', canonical: 'Canonical' };
    for (const p of (a.policy ?? []) as {
      effect?: string;
      actions: string[];
      principals: '*' | { type: string; identifiers: string[] }[];
      paths?: string[];
      conditions?: { test: string; variable: string; values: string[] }[];
    }[]) {
      const effect = p.effect ?? 'allow';
      statements.push({
        Effect: effect.charAt(0).toUpperCase() + effect.slice(1),
        Principal:
          p.principals === '*' ? '*' : Object.fromEntries(p.principals.map((pr) => [typeNames[pr.type] ?? pr.type, pr.identifiers])),
        Action: p.actions,
        Resource: (p.paths ?? ['', '*']).map((path) => (path === '' ? bucketArn : `${bucketArn}/${path.replace(/^\//, '')}`)),
        // bucket.ts hands `conditions` to iam.getPolicyDocument: one operator block per test.
        ...(p.conditions === undefined
          ? {}
          : { Condition: Object.fromEntries(p.conditions.map((c) => [c.test, { [c.variable]: c.values }])) }),
      });
    }
    record({
      type: 'aws:s3/bucketPolicy:BucketPolicy',
      name: `${logicalName}Policy`,
      parent: logicalName,
      inputs: { bucket: this.physical, policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) },
      outputs: {},
    });
    if (a.cors !== false) {
      record({
        type: 'aws:s3/bucketCorsConfiguration:BucketCorsConfiguration',
        name: `${logicalName}Cors`,
        parent: logicalName,
        inputs: { bucket: this.physical },
        outputs: {},
      });
    }
  }

  private get arnValue(): string {
    return `arn:${ctx().partition}:s3:::${this.physical}`;
  }

  get arn(): $util.Output<string> {
    use('sst.aws.Bucket.arn');
    return output(this.arnValue);
  }

  get name(): $util.Output<string> {
    use('sst.aws.Bucket.name');
    return output(this.physical);
  }

  notify(args: sst.aws.BucketNotificationsArgs): unknown {
    use('sst.aws.Bucket#notify');
    useArgs('sst.aws.Bucket#notify(args)', args);
    if (this.notified) {
      throw new Error(
        `Cannot call "notify" on the "${this.logicalName}" bucket multiple times. Calling it again will override previous notifications.`,
      );
    }
    this.notified = true;
    const component = `${this.logicalName}Notifications`;
    const notifications = (resolved(args).notifications ?? []) as {
      name: string;
      function?: unknown;
      events?: string[];
      filterPrefix?: string;
      filterSuffix?: string;
    }[];
    record({ type: 'sst:aws:BucketNotification', name: component, inputs: resolved(args), outputs: {} });
    const lambdaFunctions = notifications.map((n) => {
      if (!isArn(n.function)) throw new Error('The stand-in models bucket notifications to a function ARN only');
      record({
        type: 'aws:lambda/permission:Permission',
        name: `${component}Notification${n.name}Permission`,
        parent: component,
        inputs: { action: 'lambda:InvokeFunction', function: n.function, principal: 's3.amazonaws.com', sourceArn: this.arnValue },
        outputs: {},
      });
      return {
        id: n.name,
        lambdaFunctionArn: n.function,
        events: n.events ?? ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'],
        filterPrefix: n.filterPrefix,
        filterSuffix: n.filterSuffix,
      };
    });
    record({
      type: 'aws:s3/bucketNotification:BucketNotification',
      name: `${component}Notification`,
      parent: component,
      inputs: { bucket: this.physical, lambdaFunctions },
      outputs: {},
    });
    return undefined;
  }
}

/** `aws/sns-topic.ts`. */
class StandInSnsTopic {
  private readonly physical: string;
  constructor(
    readonly logicalName: string,
    args: Record<string, never> = {},
  ) {
    useArgs('sst.aws.SnsTopic(args)', args);
    this.physical = sstName(256, `${logicalName}Topic`);
    record({ type: 'sst:aws:SnsTopic', name: logicalName, inputs: resolved(args), outputs: { arn: arn('sns', this.physical) } });
    record({ type: 'aws:sns/topic:Topic', name: `${logicalName}Topic`, parent: logicalName, inputs: { name: this.physical }, outputs: {} });
  }

  get arn(): $util.Output<string> {
    use('sst.aws.SnsTopic.arn');
    return output(arn('sns', this.physical));
  }

  get name(): $util.Output<string> {
    use('sst.aws.SnsTopic.name');
    return output(this.physical);
  }
}

// ---------------------------------------------------------------------------------------------
// aws.* (Pulumi) resources: recorded as called. Outputs follow Pulumi auto-naming when no name
// is given (`<logical>-<7 hex>`), which SST does not prefix for raw resources.

function autoName(logicalName: string, given: unknown): string {
  return typeof given === 'string' ? given : `${logicalName}-0000000`;
}

function rawResource(api: string, type: string, outputsOf: (name: string, inputs: Record<string, unknown>) => Record<string, unknown>) {
  return class {
    constructor(
      readonly logicalName: string,
      args: unknown,
      opts?: { dependsOn?: readonly { logicalName?: string }[]; retainOnDelete?: boolean },
    ) {
      useArgs(`${api}(args)`, args);
      if (opts?.dependsOn !== undefined) use(`${api}(opts).dependsOn`);
      if (opts?.retainOnDelete !== undefined) use(`${api}(opts).retainOnDelete`);
      const inputs = resolved(args);
      const outputs = outputsOf(logicalName, inputs);
      record({
        type,
        name: logicalName,
        inputs,
        outputs,
        ...(opts?.dependsOn === undefined ? {} : { dependsOn: opts.dependsOn.map((r) => r.logicalName ?? '?') }),
        ...(opts?.retainOnDelete === undefined ? {} : { retainOnDelete: opts.retainOnDelete }),
      });
      for (const [key, value] of Object.entries(outputs)) {
        Object.defineProperty(this, key, {
          get: () => {
            use(`${api}.${key}`);
            return output(value);
          },
        });
      }
    }
  };
}

function getter<T extends Record<string, unknown>>(api: string, value: T): $util.Output<T> {
  use(`${api}()`);
  const recorded: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    Object.defineProperty(recorded, key, {
      enumerable: true,
      get: () => {
        use(`${api}().${key}`);
        return value[key];
      },
    });
  }
  return output(recorded as T);
}

function buildAws(): typeof aws {
  const c = ctx();
  return {
    getCallerIdentityOutput: () => getter('aws.getCallerIdentityOutput', { accountId: c.accountId }),
    getRegionOutput: () => getter('aws.getRegionOutput', { region: c.region }),
    getPartitionOutput: () => getter('aws.getPartitionOutput', { partition: c.partition }),
    iam: {
      Role: rawResource('aws.iam.Role', 'aws:iam/role:Role', (name, inputs) => {
        const physical = autoName(name, inputs.name);
        return { arn: `arn:${c.partition}:iam::${c.accountId}:role/${physical}`, name: physical };
      }),
    },
    cloudwatch: {
      EventArchive: rawResource('aws.cloudwatch.EventArchive', 'aws:cloudwatch/eventArchive:EventArchive', (name, inputs) => {
        const physical = autoName(name, inputs.name);
        return { arn: arn('events', `archive/${physical}`), name: physical };
      }),
      LogGroup: rawResource('aws.cloudwatch.LogGroup', 'aws:cloudwatch/logGroup:LogGroup', (name, inputs) => ({
        arn: arn('logs', `log-group:${autoName(name, inputs.name)}`),
      })),
      LogResourcePolicy: rawResource('aws.cloudwatch.LogResourcePolicy', 'aws:cloudwatch/logResourcePolicy:LogResourcePolicy', () => ({})),
      EventRule: rawResource('aws.cloudwatch.EventRule', 'aws:cloudwatch/eventRule:EventRule', (name, inputs) => {
        const physical = autoName(name, inputs.name);
        const bus = typeof inputs.eventBusName === 'string' && inputs.eventBusName !== 'default' ? `${inputs.eventBusName}/` : '';
        return { name: physical, arn: arn('events', `rule/${bus}${physical}`) };
      }),
      EventTarget: rawResource('aws.cloudwatch.EventTarget', 'aws:cloudwatch/eventTarget:EventTarget', () => ({})),
      MetricAlarm: rawResource('aws.cloudwatch.MetricAlarm', 'aws:cloudwatch/metricAlarm:MetricAlarm', () => ({})),
    },
    schemas: {
      Registry: rawResource('aws.schemas.Registry', 'aws:schemas/registry:Registry', (name, inputs) => {
        const physical = autoName(name, inputs.name);
        return { arn: arn('schemas', `registry/${physical}`), name: physical };
      }),
      Schema: rawResource('aws.schemas.Schema', 'aws:schemas/schema:Schema', (name, inputs) => ({
        arn: arn('schemas', `schema/${String(inputs.registryName)}/${autoName(name, inputs.name)}`),
      })),
    },
    sqs: {
      QueuePolicy: rawResource('aws.sqs.QueuePolicy', 'aws:sqs/queuePolicy:QueuePolicy', () => ({})),
    },
    scheduler: {
      ScheduleGroup: rawResource('aws.scheduler.ScheduleGroup', 'aws:scheduler/scheduleGroup:ScheduleGroup', (name, inputs) => {
        const physical = autoName(name, inputs.name);
        return { arn: arn('scheduler', `schedule-group/${physical}`), name: physical };
      }),
    },
    sns: {
      TopicSubscription: rawResource('aws.sns.TopicSubscription', 'aws:sns/topicSubscription:TopicSubscription', () => ({})),
    },
    s3: {
      BucketLifecycleConfiguration: rawResource(
        'aws.s3.BucketLifecycleConfiguration',
        'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration',
        () => ({}),
      ),
      BucketServerSideEncryptionConfiguration: rawResource(
        'aws.s3.BucketServerSideEncryptionConfiguration',
        'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
        () => ({}),
      ),
    },
  } as unknown as typeof aws;
}

// ---------------------------------------------------------------------------------------------

const GLOBAL_NAMES = ['sst', 'aws', '$app', '$dev', '$interpolate', '$jsonStringify', '$resolve', '$config'] as const;

/** Records the app settings `sst.config.ts` returns from `app()` as `$config.app.<key>` uses. */
export function recordConfigUses(recording: Recording, app: SstApp): void {
  recording.uses.add('$config');
  recording.uses.add('$config.run');
  for (const [key, value] of Object.entries(app)) if (value !== undefined) recording.uses.add(`$config.app.${key}`);
}

/** Defines `$config` only, so `sst.config.ts` can be imported and its `app()` called. */
export function installConfigGlobal(): void {
  Object.assign(globalThis, { $config: (input: SstConfig) => input });
}

/** Installs every global for one stage and returns the recording `run()` will fill. */
export function installStandIn(app: StandInApp, options: StandInOptions = {}): Recording {
  const providers = (app.providers ?? {}) as { aws?: { region?: string } };
  const recording = new Recording();
  context = {
    recording,
    app,
    region: providers.aws?.region ?? 'us-east-1',
    accountId: options.accountId ?? '123456789012',
    partition: options.partition ?? 'aws',
  };
  const appGlobal: Record<string, unknown> = {};
  for (const key of ['name', 'stage', 'removal', 'protect', 'providers'] as const) {
    Object.defineProperty(appGlobal, key, {
      enumerable: true,
      get: () => {
        use(`$app.${key}`);
        return app[key];
      },
    });
  }
  Object.assign(globalThis, {
    sst: {
      aws: {
        Bus: StandInBus,
        Queue: StandInQueue,
        Bucket: StandInBucket,
        Function: StandInFunction,
        SnsTopic: StandInSnsTopic,
      },
    },
    aws: buildAws(),
    $app: appGlobal,
    $dev: options.dev ?? false,
    $interpolate: (literals: TemplateStringsArray, ...placeholders: unknown[]) => (
      use('$interpolate'), interpolate(literals, ...placeholders)
    ),
    $jsonStringify: (value: unknown, replacer?: undefined, space?: string | number) => (
      use('$jsonStringify'), jsonStringify(value, replacer, space)
    ),
    $resolve: <T extends Record<string, unknown>>(value: T) => (use('$resolve'), resolve(value)),
    $config: (input: SstConfig) => input,
  });
  return recording;
}

export function uninstallStandIn(): void {
  context = undefined;
  for (const name of GLOBAL_NAMES) delete (globalThis as Record<string, unknown>)[name];
}
