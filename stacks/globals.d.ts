/**
 * Types for the globals SST provides to `sst.config.ts` and `stacks/` (`sst`, `aws`, `$app`,
 * `$dev`, `$interpolate`, `$jsonStringify`, `$resolve`, `$config`).
 *
 * The SST CLI generates the real declarations into `.sst/platform/config.d.ts` on first run; that
 * cannot happen offline, and the `sst` npm package ships only the runtime SDK types. So this file
 * declares the subset recops uses, copied in shape from SST v4.17.0 (`platform/src/global.d.ts`,
 * `platform/src/config.ts`, `platform/src/components/aws/{bus,queue,bucket,function,sns-topic}.ts`)
 * and @pulumi/aws 7.20.0 (`sdk/nodejs/{iam,cloudwatch,scheduler,sns,s3}`). Every property used is
 * listed with its source in `stacks/api-surface.ts`; `test/infra/api-surface.test.ts` keeps that
 * list complete. At deploy time the CLI's own types and runtime take over; this file only
 * type-checks the project offline.
 */

declare global {
  /** Pulumi's Output and Input, reduced to what recops uses (`$util.Output<T>`, `$util.Input<T>`). */
  namespace $util {
    interface Output<T> {
      apply<U>(fn: (value: T) => U | Output<U> | Promise<U>): Output<U>;
    }
    type Input<T> = T | Promise<T> | Output<T>;
  }

  type SstTransform<T> = Partial<T> | ((args: T, opts: Record<string, unknown>, name: string) => undefined);
  type SstDurationSeconds = `${number} ${'second' | 'seconds'}`;
  type SstDurationMinutes = `${number} ${'second' | 'seconds' | 'minute' | 'minutes'}`;
  type SstDurationHours = `${number} ${'second' | 'seconds' | 'minute' | 'minutes' | 'hour' | 'hours'}`;
  type SstSize = `${number} ${'MB' | 'GB'}`;

  namespace sst {
    namespace aws {
      interface FunctionPermissionArgs {
        effect?: 'allow' | 'deny';
        actions: string[];
        resources: $util.Input<$util.Input<string>[]>;
        conditions?: $util.Input<
          $util.Input<{ test: $util.Input<string>; variable: $util.Input<string>; values: $util.Input<$util.Input<string>[]> }>[]
        >;
      }

      interface FunctionArgs {
        handler: $util.Input<string>;
        description?: $util.Input<string>;
        runtime?: $util.Input<'nodejs20.x' | 'nodejs22.x' | 'nodejs24.x'>;
        architecture?: $util.Input<'x86_64' | 'arm64'>;
        timeout?: $util.Input<SstDurationMinutes>;
        memory?: $util.Input<SstSize>;
        environment?: $util.Input<Record<string, $util.Input<string>>>;
        permissions?: $util.Input<FunctionPermissionArgs[]>;
        tags?: $util.Input<Record<string, $util.Input<string>>>;
        /** Asynchronous-invocation retries (0–2); SST creates the FunctionEventInvokeConfig only when set. */
        retries?: $util.Input<number>;
        transform?: {
          eventInvokeConfig?: SstTransform<{
            destinationConfig?: $util.Input<{ onFailure?: $util.Input<{ destination: $util.Input<string> }> }>;
          }>;
        };
      }

      // biome-ignore lint/suspicious/noShadowRestrictedNames: SST's own name, sst.aws.Function
      class Function {
        constructor(name: string, args: FunctionArgs);
        readonly arn: $util.Output<string>;
        readonly name: $util.Output<string>;
      }

      interface QueueArgs {
        visibilityTimeout?: $util.Input<SstDurationHours>;
        dlq?: $util.Input<string | { queue: $util.Input<string>; retry: $util.Input<number> }>;
        transform?: {
          queue?: SstTransform<{ messageRetentionSeconds?: $util.Input<number> }>;
        };
      }

      interface QueueSubscriberArgs {
        batch?: $util.Input<{
          size?: $util.Input<number>;
          window?: $util.Input<SstDurationMinutes>;
          partialResponses?: $util.Input<boolean>;
        }>;
      }

      class Queue {
        constructor(name: string, args?: QueueArgs);
        readonly arn: $util.Output<string>;
        readonly url: $util.Output<string>;
        readonly nodes: { readonly queue: { readonly name: $util.Output<string> } };
        /** `subscriber`: a handler string, FunctionArgs, or a function ARN (not a Function instance). */
        subscribe(subscriber: $util.Input<string | FunctionArgs>, args?: QueueSubscriberArgs): unknown;
      }

      interface BusSubscriberArgs {
        pattern?: $util.Input<{
          source?: (string | unknown)[];
          detail?: Record<string, unknown>;
          detailType?: (string | unknown)[];
        }>;
      }

      class Bus {
        constructor(name: string, args?: Record<string, never>);
        readonly arn: $util.Output<string>;
        readonly name: $util.Output<string>;
        subscribeQueue(name: string, queue: $util.Input<string | Queue>, args?: BusSubscriberArgs): unknown;
      }

      interface BucketPolicyArgs {
        effect?: $util.Input<'allow' | 'deny'>;
        actions: $util.Input<$util.Input<string>[]>;
        principals: $util.Input<
          | '*'
          | $util.Input<{
              type: $util.Input<'aws' | 'service' | 'federated' | 'canonical'>;
              identifiers: $util.Input<$util.Input<string>[]>;
            }>[]
        >;
        paths?: $util.Input<$util.Input<string>[]>;
        conditions?: $util.Input<
          $util.Input<{ test: $util.Input<string>; variable: $util.Input<string>; values: $util.Input<$util.Input<string>[]> }>[]
        >;
      }

      interface BucketArgs {
        enforceHttps?: $util.Input<boolean>;
        cors?: $util.Input<false>;
        versioning?: $util.Input<boolean>;
        policy?: $util.Input<$util.Input<BucketPolicyArgs>[]>;
        transform?: {
          bucket?: SstTransform<{ forceDestroy?: $util.Input<boolean> }>;
          publicAccessBlock?:
            | SstTransform<{
                blockPublicAcls?: $util.Input<boolean>;
                blockPublicPolicy?: $util.Input<boolean>;
                ignorePublicAcls?: $util.Input<boolean>;
                restrictPublicBuckets?: $util.Input<boolean>;
              }>
            | false;
        };
      }

      type BucketEvent = 's3:ObjectCreated:*' | 's3:ObjectCreated:Put' | 's3:ObjectCreated:CompleteMultipartUpload';

      interface BucketNotificationsArgs {
        notifications: $util.Input<
          $util.Input<{
            name: $util.Input<string>;
            function?: $util.Input<string | FunctionArgs>;
            events?: $util.Input<$util.Input<BucketEvent>[]>;
            filterPrefix?: $util.Input<string>;
            filterSuffix?: $util.Input<string>;
          }>[]
        >;
      }

      class Bucket {
        constructor(name: string, args?: BucketArgs);
        readonly arn: $util.Output<string>;
        readonly name: $util.Output<string>;
        notify(args: BucketNotificationsArgs): unknown;
      }

      class SnsTopic {
        constructor(name: string, args?: Record<string, never>);
        readonly arn: $util.Output<string>;
        readonly name: $util.Output<string>;
      }
    }
  }

  namespace aws {
    function getCallerIdentityOutput(args?: Record<string, never>): $util.Output<{ accountId: string }>;
    function getRegionOutput(args?: Record<string, never>): $util.Output<{ region: string }>;
    function getPartitionOutput(args?: Record<string, never>): $util.Output<{ partition: string }>;

    namespace sqs {
      class QueuePolicy {
        constructor(name: string, args: { queueUrl: $util.Input<string>; policy: $util.Input<string> });
      }
    }

    namespace iam {
      interface RoleArgs {
        name?: $util.Input<string>;
        assumeRolePolicy: $util.Input<string>;
        /** Used instead of separate RolePolicy resources (the two must not be mixed on one role). */
        inlinePolicies?: $util.Input<$util.Input<{ name?: $util.Input<string>; policy?: $util.Input<string> }>[]>;
      }
      class Role {
        constructor(name: string, args: RoleArgs);
        readonly arn: $util.Output<string>;
        readonly name: $util.Output<string>;
      }
    }

    namespace cloudwatch {
      class EventArchive {
        constructor(
          name: string,
          args: {
            name?: $util.Input<string>;
            description?: $util.Input<string>;
            eventSourceArn: $util.Input<string>;
            retentionDays?: $util.Input<number>;
          },
        );
        readonly arn: $util.Output<string>;
        readonly name: $util.Output<string>;
      }
      class LogGroup {
        constructor(name: string, args: { name?: $util.Input<string>; retentionInDays?: $util.Input<number> });
        readonly arn: $util.Output<string>;
      }
      class LogResourcePolicy {
        constructor(
          name: string,
          args: { policyName: $util.Input<string>; policyDocument: $util.Input<string> },
          opts?: { retainOnDelete?: boolean },
        );
      }
      class EventRule {
        constructor(
          name: string,
          args: { name?: $util.Input<string>; eventBusName?: $util.Input<string>; eventPattern?: $util.Input<string> },
        );
        readonly name: $util.Output<string>;
        readonly arn: $util.Output<string>;
      }
      class EventTarget {
        constructor(
          name: string,
          args: {
            rule: $util.Input<string>;
            arn: $util.Input<string>;
            eventBusName?: $util.Input<string>;
            deadLetterConfig?: $util.Input<{ arn?: $util.Input<string> }>;
            retryPolicy?: $util.Input<{ maximumEventAgeInSeconds: $util.Input<number>; maximumRetryAttempts: $util.Input<number> }>;
          },
          opts?: { dependsOn?: unknown[] },
        );
      }
      class MetricAlarm {
        constructor(
          name: string,
          args: {
            name?: $util.Input<string>;
            alarmDescription?: $util.Input<string>;
            namespace?: $util.Input<string>;
            metricName?: $util.Input<string>;
            dimensions?: $util.Input<Record<string, $util.Input<string>>>;
            statistic?: $util.Input<string>;
            period?: $util.Input<number>;
            evaluationPeriods: $util.Input<number>;
            threshold?: $util.Input<number>;
            comparisonOperator: $util.Input<string>;
            treatMissingData?: $util.Input<string>;
            alarmActions?: $util.Input<$util.Input<string>[]>;
            okActions?: $util.Input<$util.Input<string>[]>;
          },
        );
      }
    }

    namespace schemas {
      class Registry {
        constructor(name: string, args: { name?: $util.Input<string>; description?: $util.Input<string> });
        readonly arn: $util.Output<string>;
        readonly name: $util.Output<string>;
      }
      class Schema {
        constructor(
          name: string,
          args: {
            name?: $util.Input<string>;
            registryName: $util.Input<string>;
            type: $util.Input<string>;
            content: $util.Input<string>;
            description?: $util.Input<string>;
          },
        );
        readonly arn: $util.Output<string>;
      }
    }

    namespace scheduler {
      class ScheduleGroup {
        constructor(name: string, args: { name?: $util.Input<string> });
        readonly arn: $util.Output<string>;
        readonly name: $util.Output<string>;
      }
    }

    namespace sns {
      class TopicSubscription {
        constructor(name: string, args: { topic: $util.Input<string>; protocol: $util.Input<string>; endpoint: $util.Input<string> });
      }
    }

    namespace s3 {
      class BucketLifecycleConfiguration {
        constructor(
          name: string,
          args: {
            bucket: $util.Input<string>;
            rules?: $util.Input<
              $util.Input<{
                id: $util.Input<string>;
                status: $util.Input<'Enabled' | 'Disabled'>;
                filter?: $util.Input<{
                  prefix?: $util.Input<string>;
                  and?: $util.Input<{ prefix?: $util.Input<string>; tags?: $util.Input<Record<string, $util.Input<string>>> }>;
                }>;
                expiration?: $util.Input<{ days?: $util.Input<number> }>;
                noncurrentVersionExpiration?: $util.Input<{ noncurrentDays: $util.Input<number> }>;
              }>[]
            >;
          },
        );
      }

      class BucketServerSideEncryptionConfiguration {
        constructor(
          name: string,
          args: {
            bucket: $util.Input<string>;
            rules: $util.Input<
              $util.Input<{
                applyServerSideEncryptionByDefault?: $util.Input<{
                  sseAlgorithm: $util.Input<string>;
                  kmsMasterKeyId?: $util.Input<string>;
                }>;
              }>[]
            >;
          },
        );
      }
    }
  }

  interface SstApp {
    name: string;
    home: 'aws' | 'cloudflare' | 'local';
    removal?: 'remove' | 'retain' | 'retain-all';
    protect?: boolean;
    providers?: Record<string, unknown>;
  }

  interface SstConfig {
    app(input: { stage: string }): SstApp | Promise<SstApp>;
    run(): Promise<Record<string, unknown> | undefined>;
  }

  const $app: Readonly<{
    name: string;
    stage: string;
    removal: 'remove' | 'retain' | 'retain-all';
    protect: boolean;
    providers?: Record<string, unknown>;
  }>;
  const $dev: boolean;
  function $config(input: SstConfig): SstConfig;
  function $interpolate(literals: TemplateStringsArray, ...placeholders: $util.Input<unknown>[]): $util.Output<string>;
  function $jsonStringify(obj: $util.Input<unknown>, replacer?: undefined, space?: string | number): $util.Output<string>;
  type SstUnwrap<T> = T extends $util.Output<infer U> ? U : Awaited<T>;
  function $resolve<T extends Record<string, unknown>>(value: T): $util.Output<{ [K in keyof T]: SstUnwrap<T[K]> }>;
}

export {};
