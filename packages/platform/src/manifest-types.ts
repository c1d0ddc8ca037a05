/**
 * The shape of the service manifest (`services/manifest.ts`). Two readers turn it into topology:
 * `stacks/` (SST, in AWS) and `packages/local` (the local cloud). Keep it plain data so a test can
 * compare both readings.
 */

/** An EventBridge event pattern, restricted to the keys SST passes to a rule. */
export interface BusPattern {
  readonly source?: readonly string[];
  readonly 'detail-type'?: readonly string[];
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface QueueSettings {
  /** Records per Lambda invocation (1–10 for standard queues without a window). */
  readonly batchSize: number;
  /** Maximum batching window (0 = deliver as soon as records are there). */
  readonly batchingWindowSeconds: number;
  /** Must be ≥ 6 × the handler timeout (AWS guidance for SQS event sources). */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a record moves to the DLQ. */
  readonly maxReceiveCount: number;
  /** How long the DLQ keeps records (14 days = 1,209,600 s, the SQS maximum). */
  readonly dlqRetentionSeconds: number;
}

export interface S3Trigger {
  /** Key prefix the notification filters on, e.g. `train/`. */
  readonly prefix: string;
  /** Key suffix, e.g. `.json`. */
  readonly suffix?: string;
}

/** A resource a permission applies to; the stacks map each to a concrete ARN. */
export type PermissionScope =
  | 'personalize' // Personalize resources of this account and region
  | 'personalizeRole' // iam:PassRole target: only the role Personalize assumes
  | 'bus' // the recops bus
  | 'bucket' // the data bucket and its objects
  | 'ownQueue' // the service's own queue (e.g. re-enqueue with a delay)
  | 'schedulerGroup' // schedules in recops' own Scheduler group
  | 'schedulerRole'; // iam:PassRole target: the role schedules use to put events on the bus

export interface Permission {
  readonly actions: readonly string[];
  readonly scope: PermissionScope;
}

export interface ServiceDefinition {
  /** kebab-case, unique; also the folder under `services/`. */
  readonly name: string;
  /** SST handler string: `services/<name>/handler.main`. */
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMB: number;
  /** Bus patterns routed to this service's queue (one rule each). Empty for S3-only services. */
  readonly subscriptions: readonly BusPattern[];
  /** Present exactly when `subscriptions` is non-empty (or the service re-enqueues to itself). */
  readonly queue?: QueueSettings;
  /** S3 ObjectCreated notifications delivered straight to the function. */
  readonly s3Triggers: readonly S3Trigger[];
  readonly permissions: readonly Permission[];
}

/**
 * Environment every handler receives. The same names are set by `stacks/` in AWS and by the
 * local cloud's runner; locally `AWS_ENDPOINT_URL` additionally points the SDK at the local cloud.
 */
export const RUNTIME_ENV = {
  stage: 'RECOPS_STAGE',
  busName: 'RECOPS_BUS_NAME',
  bucketName: 'RECOPS_BUCKET_NAME',
  personalizeRoleArn: 'RECOPS_PERSONALIZE_ROLE_ARN',
  /** URL of the service's own queue (only for services with a queue). */
  ownQueueUrl: 'RECOPS_QUEUE_URL',
  /** URL of the service's DLQ, where the runtime puts a record it gives up on, with the reason. */
  deadLetterQueueUrl: 'RECOPS_DLQ_URL',
  /** The manifest's maxReceiveCount: deliveries before the runtime dead-letters a record. */
  maxReceiveCount: 'RECOPS_MAX_RECEIVE_COUNT',
  schedulerGroupName: 'RECOPS_SCHEDULER_GROUP',
  schedulerRoleArn: 'RECOPS_SCHEDULER_ROLE_ARN',
} as const;

/**
 * The `maxReceiveCount` a service's queue is configured with: one more than the manifest's. The
 * runtime dead-letters a record itself on its `maxReceiveCount`-th failed delivery, so the DLQ copy
 * carries the reason (packages/core/src/runtime/dead-letter.ts); the queue's redrive policy only
 * catches a record whose handler crashed or timed out on every delivery, one receive later.
 */
export function redriveMaxReceiveCount(settings: Pick<QueueSettings, 'maxReceiveCount'>): number {
  return settings.maxReceiveCount + 1;
}
