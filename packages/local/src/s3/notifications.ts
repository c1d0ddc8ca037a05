/**
 * S3 ObjectCreated notifications inside the process: listeners with bucket/prefix/suffix filters get
 * events in the record shape S3 sends to Lambda. Delivery is asynchronous, after the write is
 * acknowledged, as S3's is; every record is also appended to the event log.
 */
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { EVENT_LOG_KIND, type EventLog } from '../event-log';
import { REGION } from '../wire';

/** `ObjectCreated:Put`, `ObjectCreated:Copy`, `ObjectCreated:CompleteMultipartUpload`. */
export type ObjectCreatedEventName = 'ObjectCreated:Put' | 'ObjectCreated:Copy' | 'ObjectCreated:CompleteMultipartUpload';

export interface ObjectCreatedFilter {
  /** Only objects in this bucket; every bucket when omitted. */
  readonly bucket?: string;
  /** Key prefix, matched like S3's `prefix` filter rule (case-sensitive, on the raw key). */
  readonly prefix?: string;
  readonly suffix?: string;
  /** Reported as `s3.configurationId`. */
  readonly configurationId?: string;
}

export type ObjectCreatedListener = (event: S3Event) => void | Promise<void>;

export interface CreatedObject {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** Quoted ETag as stored; records carry it unquoted, as S3 does. */
  readonly etag: string;
  readonly eventName: ObjectCreatedEventName;
  readonly requestId: string;
}

/** S3 URL-encodes keys in event records (spaces as `+`), leaving `/` readable. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

export function matchesFilter(filter: ObjectCreatedFilter, bucket: string, key: string): boolean {
  if (filter.bucket !== undefined && filter.bucket !== bucket) return false;
  if (filter.prefix !== undefined && !key.startsWith(filter.prefix)) return false;
  if (filter.suffix !== undefined && !key.endsWith(filter.suffix)) return false;
  return true;
}

export class S3Notifier {
  private readonly listeners = new Set<{ filter: ObjectCreatedFilter; listener: ObjectCreatedListener }>();
  private readonly pending = new Set<Promise<void>>();
  private sequence = 0;

  constructor(
    private readonly eventLog: EventLog | undefined,
    private readonly onListenerError: (error: unknown, event: S3Event) => void,
  ) {}

  /** Registers a listener; returns the function that removes it. */
  onObjectCreated(listener: ObjectCreatedListener, filter: ObjectCreatedFilter = {}): () => void {
    const entry = { filter, listener };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  /** Builds the record S3 would send for this object. */
  record(object: CreatedObject, configurationId: string): S3EventRecord {
    const sequencer = `${Date.now().toString(16).toUpperCase()}${(++this.sequence).toString(16).toUpperCase().padStart(8, '0')}`;
    return {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: REGION,
      eventTime: new Date().toISOString(),
      eventName: object.eventName,
      userIdentity: { principalId: 'AWS:LOCAL' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': object.requestId, 'x-amz-id-2': randomUUID() },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId,
        bucket: { name: object.bucket, ownerIdentity: { principalId: 'LOCAL' }, arn: `arn:aws:s3:::${object.bucket}` },
        object: { key: encodeEventKey(object.key), size: object.size, eTag: object.etag.replace(/"/g, ''), sequencer },
      },
    };
  }

  /** Records the creation in the event log and hands it to every matching listener, asynchronously. */
  objectCreated(object: CreatedObject): void {
    const logged = this.record(object, 'event-log');
    void this.eventLog?.append(EVENT_LOG_KIND.s3ObjectCreated, { Records: [logged] }).catch(() => undefined);
    for (const { filter, listener } of this.listeners) {
      if (!matchesFilter(filter, object.bucket, object.key)) continue;
      const event: S3Event = { Records: [this.record(object, filter.configurationId ?? 'local')] };
      const delivery = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => listener(event))
        .catch((error: unknown) => this.onListenerError(error, event))
        .finally(() => this.pending.delete(delivery));
      this.pending.add(delivery);
    }
  }

  /** Resolves once every notification handed out so far has been handled (for tests and shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
