/**
 * Builds the whole of recops for the current stage from the service manifest. Called from
 * `sst.config.ts`'s `run()`; uses only the globals SST provides there (`sst`, `aws`, `$app`, …).
 */
import type { ServiceDefinition } from '@recops/platform';
import { createAlarms } from './alarms';
import { awsContext } from './aws-context';
import { createDataBucket } from './bucket';
import { createBus } from './bus';
import { eventLogRetentionDays, isProductionStage, StackConfigError, type StackOptions } from './config';
import { createEventLog } from './event-log';
import { connectBucketNotifications } from './notifications';
import { createPersonalizeRole } from './personalize-role';
import { createSchemaRegistry } from './schema-registry';
import { createScheduling } from './scheduler';
import { createService, type ServiceResources } from './services';

/** Key of the bus targets' DLQ in `dlqUrls` (events EventBridge could not deliver to a queue or the log). */
const BUS_TARGETS_DLQ_KEY = 'bus-targets';

export interface RecopsOutputs {
  readonly stage: string;
  readonly busName: $util.Output<string>;
  readonly busArn: $util.Output<string>;
  readonly bucketName: $util.Output<string>;
  readonly personalizeRoleArn: $util.Output<string>;
  readonly schedulerGroupName: $util.Output<string>;
  readonly schedulerRoleArn: $util.Output<string>;
  readonly alarmTopicArn: $util.Output<string>;
  /** EventBridge schema registry holding every event's JSON Schema (for consumers of the bus). */
  readonly schemaRegistryName: $util.Output<string>;
  /** CloudWatch Logs group receiving every bus event (`aws logs tail NAME --follow`). */
  readonly eventLogGroup: string;
  /** Service name → its dead-letter queue URL (`<name>-s3` for the S3 one of a service having both). */
  readonly dlqUrls: Readonly<Record<string, $util.Output<string>>>;
}

export function deployRecops(services: readonly ServiceDefinition[], options: StackOptions): RecopsOutputs {
  const names = new Set<string>();
  for (const service of services) {
    if (names.has(service.name)) throw new StackConfigError(`services/manifest.ts: service "${service.name}" is listed twice`);
    names.add(service.name);
  }
  const production = isProductionStage($app.stage);
  const context = awsContext();
  const { bus, targetDlq } = createBus(options, context);
  const eventLog = createEventLog(bus, targetDlq, context, eventLogRetentionDays($app.stage));
  const { bucket } = createDataBucket(production, context, options.runRetentionDays);
  const personalizeRole = createPersonalizeRole(bucket, options.personalizeKmsKeyArns, context);
  const scheduling = createScheduling(bus, context);
  const schemas = createSchemaRegistry();
  const deployed: ServiceResources[] = services.map((definition) =>
    createService(definition, {
      context,
      bus,
      busTargetDlq: targetDlq,
      bucket,
      personalizeRole,
      schedulerGroup: scheduling.group,
      schedulerRole: scheduling.role,
    }),
  );
  connectBucketNotifications(bucket, deployed);
  const { topic } = createAlarms(deployed, targetDlq, options);

  const dlqUrls: Record<string, $util.Output<string>> = {};
  for (const service of deployed) {
    const name = service.definition.name;
    if (service.dlq !== undefined) dlqUrls[name] = service.dlq.url;
    if (service.asyncDlq !== undefined) dlqUrls[service.dlq === undefined ? name : `${name}-s3`] = service.asyncDlq.url;
  }
  dlqUrls[BUS_TARGETS_DLQ_KEY] = targetDlq.url;
  return {
    stage: $app.stage,
    busName: bus.name,
    busArn: bus.arn,
    bucketName: bucket.name,
    personalizeRoleArn: personalizeRole.arn,
    schedulerGroupName: scheduling.group.name,
    schedulerRoleArn: scheduling.role.arn,
    alarmTopicArn: topic.arn,
    schemaRegistryName: schemas.registry.name,
    eventLogGroup: eventLog.logGroupName,
    dlqUrls,
  };
}
