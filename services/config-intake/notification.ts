/** Reading S3 ObjectCreated notifications (as Lambda receives them) into the objects to take in. */
import type { S3Event } from 'aws-lambda';
import { IntakeEventError } from './errors';

export interface UploadedObject {
  readonly bucket: string;
  readonly key: string;
  readonly eTag: string | undefined;
  /** Orders writes to one key; equal for duplicate deliveries of one write. */
  readonly sequencer: string | undefined;
  readonly eventTime: Date;
}

/** The prefix and suffix config-intake reacts to (the manifest's trigger; checked again here). */
const CONFIG_PREFIX = 'train/';
const CONFIG_SUFFIX = '.json';

/** Objects of an S3 event that are parameter files (`train/**.json`), keys URL-decoded. */
export function uploadedConfigs(event: S3Event): UploadedObject[] {
  if (!event || !Array.isArray(event.Records)) throw new IntakeEventError('Records: expected an S3 event with a Records array');
  return event.Records.flatMap((record, index) => {
    if (!record.eventName?.startsWith('ObjectCreated:')) return [];
    const bucket = record.s3?.bucket?.name;
    const rawKey = record.s3?.object?.key;
    if (!bucket || !rawKey) throw new IntakeEventError(`Records[${index}].s3: bucket name and object key are required`);
    // S3 notifications URL-encode keys, with spaces as "+".
    const key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    if (!key.startsWith(CONFIG_PREFIX) || !key.endsWith(CONFIG_SUFFIX)) return [];
    const time = new Date(record.eventTime);
    return [
      {
        bucket,
        key,
        eTag: record.s3.object.eTag || undefined,
        sequencer: record.s3.object.sequencer || undefined,
        eventTime: Number.isNaN(time.getTime()) ? new Date() : time,
      },
    ];
  });
}
