/**
 * Reads the recorded AWS resources back into the shared `Topology` (packages/platform/src/topology.ts): follows
 * function → event source mapping → queue → redrive DLQ, event targets → rules, and bucket
 * notifications, exactly the links AWS would use to deliver events.
 */
import { canonicalPattern, normalizeTopology, type ServiceTopology, type Topology } from '@recops/platform';
import { SERVICE_TAG } from '../../../stacks/services';
import type { Recording, RecordedResource } from './stand-in';

interface LambdaFunctionInputs {
  readonly handler: string;
  readonly timeout: number;
  readonly memorySize: number;
  readonly environment: { readonly variables: Record<string, unknown> };
  readonly tags: Record<string, string>;
}

export function topologyFromRecording(recording: Recording): Topology {
  const queues = recording.ofType('aws:sqs/queue:Queue');
  const queueByArn = (queueArn: unknown): RecordedResource | undefined => queues.find((q) => q.outputs.arn === queueArn);
  const mappings = recording.ofType('aws:lambda/eventSourceMapping:EventSourceMapping');
  const targets = recording.ofType('aws:cloudwatch/eventTarget:EventTarget');
  const rules = recording.ofType('aws:cloudwatch/eventRule:EventRule');
  const notifications = recording
    .ofType('aws:s3/bucketNotification:BucketNotification')
    .flatMap(
      (n) => n.inputs.lambdaFunctions as { lambdaFunctionArn: string; events: string[]; filterPrefix?: string; filterSuffix?: string }[],
    );

  const services: ServiceTopology[] = recording.ofType('aws:lambda/function:Function').map((fn) => {
    const inputs = fn.inputs as unknown as LambdaFunctionInputs;
    const name = inputs.tags[SERVICE_TAG];
    if (name === undefined) throw new Error(`function ${fn.name} has no ${SERVICE_TAG} tag`);
    const mapping = mappings.find((m) => m.inputs.functionName === fn.outputs.arn);
    const queue = mapping === undefined ? undefined : queueByArn(mapping.inputs.eventSourceArn);
    const redrive =
      queue?.inputs.redrivePolicy === undefined
        ? undefined
        : (JSON.parse(queue.inputs.redrivePolicy as string) as { deadLetterTargetArn: string; maxReceiveCount: number });
    const dlq = redrive === undefined ? undefined : queueByArn(redrive.deadLetterTargetArn);
    const busRules =
      queue === undefined
        ? []
        : targets
            .filter((t) => t.inputs.arn === queue.outputs.arn)
            .map((t) => {
              const rule = rules.find((r) => r.inputs.name === t.inputs.rule);
              if (rule === undefined) throw new Error(`event target ${t.name} points at no recorded rule`);
              return canonicalPattern(JSON.parse(rule.inputs.eventPattern as string) as Record<string, unknown>);
            });
    return {
      name,
      handler: inputs.handler,
      timeoutSeconds: inputs.timeout,
      memoryMB: inputs.memorySize,
      environment: Object.keys(inputs.environment.variables),
      queue:
        queue === undefined || mapping === undefined
          ? null
          : {
              batchSize: mapping.inputs.batchSize as number,
              batchingWindowSeconds: mapping.inputs.maximumBatchingWindowInSeconds as number,
              visibilityTimeoutSeconds: queue.inputs.visibilityTimeoutSeconds as number,
              // No redrive policy or no DLQ reads as an impossible value so comparisons fail loudly.
              maxReceiveCount: redrive?.maxReceiveCount ?? -1,
              dlqRetentionSeconds: (dlq?.inputs.messageRetentionSeconds as number | undefined) ?? -1,
              partialBatchResponses: (mapping.inputs.functionResponseTypes as string[]).includes('ReportBatchItemFailures'),
            },
      busRules,
      s3Triggers: notifications
        .filter((n) => n.lambdaFunctionArn === fn.outputs.arn)
        .map((n) => ({ prefix: n.filterPrefix ?? '', suffix: n.filterSuffix ?? null })),
    };
  });
  return normalizeTopology({ services });
}
