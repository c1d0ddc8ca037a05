/**
 * S3 ObjectCreated notifications inside the process: listeners with bucket/prefix/suffix filters get
 * events in the record shape S3 sends to Lambda. Each notification is journaled before the write is
 * acknowledged and delivered asynchronously after it, at least once across crashes and restarts, as
 * S3's are; every record is also appended to the event log.
 */
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { EVENT_LOG_KIND, type EventLog } from '../event-log';
import { listDir, readJson, removeFile, removeStaleTempFiles, writeJsonAtomic } from '../persist';
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

function matchesFilter(filter: ObjectCreatedFilter, bucket: string, key: string): boolean {
  if (filter.bucket !== undefined && filter.bucket !== bucket) return false;
  if (filter.prefix !== undefined && !key.startsWith(filter.prefix)) return false;
  if (filter.suffix !== undefined && !key.endsWith(filter.suffix)) return false;
  return true;
}

/**
 * A notification as journaled under `<dataDir>/s3/notifications/<id>.json` before the write that
 * caused it is acknowledged. It stays there until every listener it matched has handled it; a
 * restart hands what is left to the listeners again (at least once, as S3 delivers).
 */
interface JournaledNotification {
  readonly id: string;
  readonly object: CreatedObject;
  readonly eventTime: string;
  readonly sequencer: string;
  /** Listeners (by configurationId) that already handled it. */
  readonly delivered: readonly string[];
  /**
   * Journaled before the object is committed: the data file of the write it announces, until the
   * write is committed. On the next start it is delivered only if that write is the object there.
   */
  readonly pendingWrite?: string;
}

/** A notification journaled ahead of its write (`intend`), to `confirm` once the write is committed. */
export type PendingNotification = JournaledNotification;

/** Was the write that put `dataFile` at `bucket`/`key` committed? (Asked of pending notices on start.) */
export type WriteCommitted = (bucket: string, key: string, dataFile: string) => boolean;

interface ListenerEntry {
  readonly filter: ObjectCreatedFilter;
  readonly listener: ObjectCreatedListener;
}

export interface S3NotifierOptions {
  readonly eventLog?: EventLog;
  readonly onListenerError: (error: unknown, event: S3Event) => void;
  /** Where notifications are journaled; in memory only when omitted. */
  readonly journalDir?: string;
  /** Hold deliveries until `start()` (so every listener is registered before a replay). Default false. */
  readonly deferred?: boolean;
}

export class S3Notifier {
  private readonly listeners = new Set<ListenerEntry>();
  private readonly pending = new Set<Promise<void>>();
  private sequence = 0;
  private started: boolean;
  private closed = false;
  private readonly held: JournaledNotification[] = [];

  constructor(private readonly options: S3NotifierOptions) {
    this.started = !options.deferred;
  }

  /** Registers a listener; returns the function that removes it. */
  onObjectCreated(listener: ObjectCreatedListener, filter: ObjectCreatedFilter = {}): () => void {
    const entry = { filter, listener };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  /** Builds the record S3 would send for this object. */
  record(object: CreatedObject, configurationId: string, stamp: { eventTime: string; sequencer: string } = this.stamp()): S3EventRecord {
    return {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: REGION,
      eventTime: stamp.eventTime,
      eventName: object.eventName,
      userIdentity: { principalId: 'AWS:LOCAL' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': object.requestId, 'x-amz-id-2': randomUUID() },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId,
        bucket: { name: object.bucket, ownerIdentity: { principalId: 'LOCAL' }, arn: `arn:aws:s3:::${object.bucket}` },
        object: { key: encodeEventKey(object.key), size: object.size, eTag: object.etag.replace(/"/g, ''), sequencer: stamp.sequencer },
      },
    };
  }

  private stamp(): { eventTime: string; sequencer: string } {
    const now = Date.now();
    return {
      eventTime: new Date(now).toISOString(),
      sequencer: `${now.toString(16).toUpperCase()}${(++this.sequence).toString(16).toUpperCase().padStart(8, '0')}`,
    };
  }

  private file(id: string): string {
    return join(this.options.journalDir as string, `${id}.json`);
  }

  /**
   * Journals the notification of a write about to be committed, marked pending on the write's data
   * file; the write is committed only after this resolves.
   */
  async intend(object: CreatedObject, dataFile: string): Promise<PendingNotification> {
    const stamp = this.stamp();
    const notification: JournaledNotification = {
      id: `${stamp.sequencer}-${randomUUID().slice(0, 8)}`,
      object,
      ...stamp,
      delivered: [],
      pendingWrite: dataFile,
    };
    if (this.options.journalDir !== undefined) await writeJsonAtomic(this.file(notification.id), notification);
    return notification;
  }

  /** Drops the notice of a write that was not committed. */
  async abandon(pending: PendingNotification): Promise<void> {
    if (this.options.journalDir !== undefined) await removeFile(this.file(pending.id));
  }

  /**
   * The write of `pending` is committed: its notice loses the pending mark (resolves once that is on
   * disk, so the write may be acknowledged), is recorded in the event log and is handed to every
   * matching listener, asynchronously.
   */
  async confirm(pending: PendingNotification): Promise<void> {
    const { pendingWrite: _committed, ...notification } = pending;
    if (this.options.journalDir !== undefined) await writeJsonAtomic(this.file(notification.id), notification);
    const logged = this.record(notification.object, 'event-log', notification);
    void this.options.eventLog?.append(EVENT_LOG_KIND.s3ObjectCreated, { Records: [logged] }).catch(() => undefined);
    if (this.started) this.deliver(notification);
    else this.held.push(notification);
  }

  /**
   * Starts deliveries: notifications journaled before a crash or restart first (oldest first),
   * then those that arrived since the notifier was created.
   */
  async start(committed: WriteCommitted = () => false): Promise<void> {
    if (this.started) return;
    const replay: JournaledNotification[] = [];
    if (this.options.journalDir !== undefined) {
      await removeStaleTempFiles(this.options.journalDir);
      const held = new Set(this.held.map((notification) => notification.id));
      for (const name of (await listDir(this.options.journalDir)).sort()) {
        if (!name.endsWith('.json') || name.startsWith('.')) continue;
        const notification = await readJson<JournaledNotification>(join(this.options.journalDir, name));
        if (!notification || held.has(notification.id)) continue;
        const { pendingWrite, ...notice } = notification;
        if (pendingWrite === undefined) {
          replay.push(notification);
        } else if (committed(notice.object.bucket, notice.object.key, pendingWrite)) {
          // The process stopped between the commit and the confirmation: the write happened.
          await writeJsonAtomic(this.file(notice.id), notice);
          replay.push(notice);
        } else {
          // It stopped before the commit: no object, no notification.
          await removeFile(this.file(notice.id));
        }
      }
    }
    this.started = true;
    for (const notification of [...replay, ...this.held.splice(0)]) this.deliver(notification);
  }

  private deliver(notification: JournaledNotification): void {
    const { object } = notification;
    const delivered = new Set(notification.delivered);
    const targets = [...this.listeners].filter(
      ({ filter }) =>
        matchesFilter(filter, object.bucket, object.key) &&
        (filter.configurationId === undefined || !delivered.has(filter.configurationId)),
    );
    let failed = false;
    let writes: Promise<void> = Promise.resolve();
    const journal = this.options.journalDir;
    const save = (): Promise<void> => {
      if (journal === undefined) return Promise.resolve();
      writes = writes
        .then(() => writeJsonAtomic(this.file(notification.id), { ...notification, delivered: [...delivered] }))
        .catch(() => undefined);
      return writes;
    };
    const deliveries = targets.map(({ filter, listener }) => {
      const event: S3Event = { Records: [this.record(object, filter.configurationId ?? 'local', notification)] };
      return new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => listener(event))
        .then(
          () => {
            if (filter.configurationId === undefined || this.closed) return undefined;
            delivered.add(filter.configurationId);
            return targets.length > 1 ? save() : undefined;
          },
          (error: unknown) => {
            failed = true;
            this.options.onListenerError(error, event);
          },
        );
    });
    const all = Promise.all(deliveries)
      .then(async () => {
        // Kept for the next start when a listener failed or the cloud closed under it.
        if (failed || this.closed || journal === undefined) return;
        await writes;
        await removeFile(this.file(notification.id));
      })
      .catch(() => undefined)
      .finally(() => this.pending.delete(all));
    this.pending.add(all);
  }

  /** Resolves once every notification handed out so far has been handled (for tests and shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Stops recording deliveries as done (what runs now is delivered again on the next start). */
  async close(): Promise<void> {
    this.closed = true;
    await this.settled();
  }
}
