/**
 * One recops service: queue + DLQ, function, bus rules into the queue, and the subscription that
 * delivers batches with partial batch responses.
 */
import { redriveMaxReceiveCount, RUNTIME_ENV, type ServiceDefinition } from '@recops/platform';
import type { AwsContext } from './aws-context';
import { busTargetDelivery, eventBridgeMaySend } from './bus';
import { FUNCTION_ARCHITECTURE, FUNCTION_RUNTIME, StackConfigError } from './config';
import { pascalCase, stageName } from './naming';
import { servicePermissions } from './permissions';

/** Tag that ties each function back to its manifest entry. */
export const SERVICE_TAG = 'recops:service';

export interface SharedResources {
  readonly context: AwsContext;
  readonly bus: sst.aws.Bus;
  /** Where bus targets dead-letter events they cannot deliver. */
  readonly busTargetDlq: sst.aws.Queue;
  readonly bucket: sst.aws.Bucket;
  readonly personalizeRole: aws.iam.Role;
  readonly schedulerGroup: aws.scheduler.ScheduleGroup;
  readonly schedulerRole: aws.iam.Role;
}

/** How long failed S3-triggered invocations stay in their dead-letter queue (14 days, the SQS maximum). */
const ASYNC_DLQ_RETENTION_SECONDS = 1_209_600;
/** Lambda's asynchronous retries before an S3 event goes to the dead-letter queue (its maximum). */
const ASYNC_RETRIES = 2;

export interface ServiceResources {
  readonly definition: ServiceDefinition;
  readonly id: string;
  readonly fn: sst.aws.Function;
  readonly queue?: sst.aws.Queue;
  /** Where records of `queue` go after maxReceiveCount receives. */
  readonly dlq?: sst.aws.Queue;
  /** Where S3 events go when the function still fails after Lambda's asynchronous retries. */
  readonly asyncDlq?: sst.aws.Queue;
}

export function createService(definition: ServiceDefinition, shared: SharedResources): ServiceResources {
  checkDefinition(definition);
  const id = pascalCase(definition.name);
  const settings = definition.queue;

  let queue: sst.aws.Queue | undefined;
  let dlq: sst.aws.Queue | undefined;
  if (settings !== undefined) {
    dlq = new sst.aws.Queue(`${id}Dlq`, {
      transform: { queue: { messageRetentionSeconds: settings.dlqRetentionSeconds } },
    });
    queue = new sst.aws.Queue(`${id}Queue`, {
      visibilityTimeout: `${settings.visibilityTimeoutSeconds} seconds`,
      dlq: { queue: dlq.arn, retry: redriveMaxReceiveCount(settings) },
    });
  }

  // S3 invokes the function asynchronously: without an on-failure destination an event that still
  // fails after Lambda's retries would be dropped silently.
  const asyncDlq =
    definition.s3Triggers.length > 0
      ? new sst.aws.Queue(`${id}AsyncDlq`, { transform: { queue: { messageRetentionSeconds: ASYNC_DLQ_RETENTION_SECONDS } } })
      : undefined;

  const environment: Record<string, $util.Input<string>> = {
    [RUNTIME_ENV.stage]: $app.stage,
    [RUNTIME_ENV.busName]: shared.bus.name,
    [RUNTIME_ENV.bucketName]: shared.bucket.name,
    [RUNTIME_ENV.personalizeRoleArn]: shared.personalizeRole.arn,
    [RUNTIME_ENV.schedulerGroupName]: shared.schedulerGroup.name,
    [RUNTIME_ENV.schedulerRoleArn]: shared.schedulerRole.arn,
  };
  if (queue !== undefined && dlq !== undefined && settings !== undefined) {
    environment[RUNTIME_ENV.ownQueueUrl] = queue.url;
    environment[RUNTIME_ENV.deadLetterQueueUrl] = dlq.url;
    environment[RUNTIME_ENV.maxReceiveCount] = String(settings.maxReceiveCount);
  }

  const fn = new sst.aws.Function(`${id}Function`, {
    handler: definition.handler,
    description: `recops ${definition.name}`,
    runtime: FUNCTION_RUNTIME,
    architecture: FUNCTION_ARCHITECTURE,
    timeout: `${definition.timeoutSeconds} seconds`,
    memory: `${definition.memoryMB} MB`,
    environment,
    ...(asyncDlq === undefined
      ? {}
      : {
          retries: ASYNC_RETRIES,
          transform: { eventInvokeConfig: { destinationConfig: { onFailure: { destination: asyncDlq.arn } } } },
        }),
    permissions: [
      ...servicePermissions(definition, {
        stage: $app.stage,
        partition: shared.context.partition,
        region: shared.context.region,
        accountId: shared.context.accountId,
        busArn: shared.bus.arn,
        bucketArn: shared.bucket.arn,
        personalizeRoleArn: shared.personalizeRole.arn,
        schedulerGroupName: shared.schedulerGroup.name,
        schedulerRoleArn: shared.schedulerRole.arn,
        ...(queue === undefined || dlq === undefined ? {} : { ownQueueArn: queue.arn, ownDeadLetterQueueArn: dlq.arn }),
      }),
      // Lambda sends to the on-failure destination with the function's role.
      ...(asyncDlq === undefined ? [] : [{ actions: ['sqs:SendMessage'], resources: [asyncDlq.arn] }]),
    ],
    tags: { [SERVICE_TAG]: definition.name },
  });

  if (queue !== undefined && settings !== undefined) {
    // The function is passed by ARN: SST then adds no permissions of its own (servicePermissions
    // grants the queue-consumer actions on this queue only).
    queue.subscribe(fn.arn, {
      batch: {
        size: settings.batchSize,
        window: `${settings.batchingWindowSeconds} seconds`,
        partialResponses: true,
      },
    });
    // Rules and targets are built here rather than with bus.subscribeQueue: SST's queue policy for
    // it admits events.amazonaws.com from any rule, and its target has no DLQ unless transformed.
    const rules = definition.subscriptions.map((pattern, index) => {
      const rule = new aws.cloudwatch.EventRule(`${id}Rule${index + 1}`, {
        name: stageName(`${definition.name}-${index + 1}`),
        eventBusName: shared.bus.name,
        eventPattern: JSON.stringify(pattern),
      });
      new aws.cloudwatch.EventTarget(`${id}Rule${index + 1}Target`, {
        rule: rule.name,
        eventBusName: shared.bus.name,
        arn: queue.arn,
        ...busTargetDelivery(shared.busTargetDlq),
      });
      return rule;
    });
    // One policy per queue (a queue holds one): EventBridge may send for these rules only.
    if (rules.length > 0) {
      new aws.sqs.QueuePolicy(`${id}QueuePolicy`, {
        queueUrl: queue.url,
        policy: eventBridgeMaySend(
          queue.arn,
          'ArnEquals',
          rules.map((rule) => rule.arn),
        ),
      });
    }
  }
  return {
    definition,
    id,
    fn,
    ...(queue === undefined ? {} : { queue }),
    ...(dlq === undefined ? {} : { dlq }),
    ...(asyncDlq === undefined ? {} : { asyncDlq }),
  };
}

function checkDefinition(definition: ServiceDefinition): void {
  const where = `services/manifest.ts: ${definition.name}`;
  if (!/^[a-z][a-z0-9-]*$/.test(definition.name)) {
    throw new StackConfigError(`${where}: the name must be kebab-case`);
  }
  if (definition.subscriptions.length > 0 && definition.queue === undefined) {
    throw new StackConfigError(`${where}: subscribes to bus events but has no queue settings`);
  }
  if (definition.timeoutSeconds < 1 || definition.timeoutSeconds > 900) {
    throw new StackConfigError(`${where}: timeoutSeconds must be 1–900 (Lambda's limit)`);
  }
  if (definition.memoryMB < 128 || definition.memoryMB > 10240) {
    throw new StackConfigError(`${where}: memoryMB must be 128–10240 (Lambda's limit)`);
  }
  const queue = definition.queue;
  if (queue !== undefined) {
    // AWS rejects an SQS event source whose visibility timeout is below the function timeout.
    if (queue.visibilityTimeoutSeconds < definition.timeoutSeconds) {
      throw new StackConfigError(
        `${where}: visibilityTimeoutSeconds (${queue.visibilityTimeoutSeconds}) must be at least timeoutSeconds (${definition.timeoutSeconds})`,
      );
    }
    if (queue.batchSize < 1 || queue.batchSize > 10000) {
      throw new StackConfigError(`${where}: batchSize must be 1–10000`);
    }
    if (queue.batchSize > 10 && queue.batchingWindowSeconds < 1) {
      throw new StackConfigError(`${where}: a batchSize above 10 needs a batching window of at least 1 second`);
    }
    if (queue.maxReceiveCount < 1 || queue.maxReceiveCount > 1000) {
      throw new StackConfigError(`${where}: maxReceiveCount must be 1–1000`);
    }
    if (queue.dlqRetentionSeconds < 60 || queue.dlqRetentionSeconds > 1_209_600) {
      throw new StackConfigError(`${where}: dlqRetentionSeconds must be 60–1209600 (SQS limits)`);
    }
  }
}
