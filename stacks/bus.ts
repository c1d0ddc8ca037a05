/** The recops event bus, archived so events can be replayed. */
import type { StackOptions } from './config';
import { stageName } from './naming';

/** EventBridge archive names are at most 48 characters. */
const ARCHIVE_NAME_MAX = 48;

export interface BusResources {
  readonly bus: sst.aws.Bus;
  readonly archive: aws.cloudwatch.EventArchive;
}

export function createBus(options: Pick<StackOptions, 'archiveRetentionDays'>): BusResources {
  // SST names the underlying EventBus `<app>-<stage>-BusBus-<suffix>`.
  const bus = new sst.aws.Bus('Bus');
  const archive = new aws.cloudwatch.EventArchive('BusArchive', {
    name: stageName('events', ARCHIVE_NAME_MAX),
    description: `Every event on the recops ${$app.stage} bus, for replay`,
    eventSourceArn: bus.arn,
    retentionDays: options.archiveRetentionDays,
  });
  return { bus, archive };
}
