/**
 * The local S3: a wire service for SDK/CLI clients, the store behind it, a BlobStore for the
 * engine, and in-process ObjectCreated notifications.
 */
import { join } from 'node:path';
import type { S3Event } from 'aws-lambda';
import type { BlobStore } from '@recops/engine';
import type { EventLog } from '../event-log';
import { createBlobStore } from './blob-store';
import { S3Notifier, type ObjectCreatedFilter, type ObjectCreatedListener } from './notifications';
import { S3WireService } from './service';
import { S3Store } from './store';

export interface LocalS3Options {
  /** The local cloud's data directory; S3 keeps its state under `<dataDir>/s3`. */
  readonly dataDir: string;
  readonly eventLog?: EventLog;
  /** A notification listener threw or rejected. Default: one line on stderr. */
  readonly onListenerError?: (error: unknown, event: S3Event) => void;
  /**
   * Hold notification deliveries until `startNotifications()`, so every listener is registered
   * before the ones journaled before a restart are handed out again. Default false: deliveries
   * start at once, and notifications left from an earlier run are replayed to the listeners
   * registered at that moment (none), i.e. dropped.
   */
  readonly deferNotifications?: boolean;
}

export interface LocalS3 {
  readonly wire: S3WireService;
  readonly store: S3Store;
  /** The engine's access to objects (same storage as the wire service). */
  readonly blobs: BlobStore;
  /** Subscribes to ObjectCreated events (bucket/prefix/suffix filters); returns the unsubscribe function. */
  onObjectCreated(listener: ObjectCreatedListener, filter?: ObjectCreatedFilter): () => void;
  /** Creates the bucket if it does not exist yet. */
  ensureBucket(name: string): Promise<void>;
  /** Resolves when every notification handed to listeners so far has been handled. */
  notificationsSettled(): Promise<void>;
  /** Starts deliveries held by `deferNotifications`, replaying journaled ones first. */
  startNotifications(): Promise<void>;
  close(): Promise<void>;
}

export async function createLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const notifier = new S3Notifier({
    ...(options.eventLog ? { eventLog: options.eventLog } : {}),
    journalDir: join(options.dataDir, 's3', 'notifications'),
    deferred: options.deferNotifications ?? false,
    onListenerError:
      options.onListenerError ??
      ((error, event) => {
        const record = event.Records[0];
        process.stderr.write(
          `local s3: notification listener failed for s3://${record?.s3.bucket.name}/${record?.s3.object.key} (kept for the next start): ${(error as Error).message ?? String(error)}\n`,
        );
      }),
  });
  const store = await S3Store.open({ dir: join(options.dataDir, 's3'), notifier });
  return {
    wire: new S3WireService(store),
    store,
    blobs: createBlobStore(store),
    onObjectCreated: (listener, filter) => notifier.onObjectCreated(listener, filter),
    ensureBucket: async (name) => {
      await store.createBucket(name);
    },
    notificationsSettled: () => notifier.settled(),
    startNotifications: () => notifier.start((bucket, key, dataFile) => store.holdsWrite(bucket, key, dataFile)),
    close: () => notifier.close(),
  };
}

export { S3Error } from './errors';
export { encodeEventKey, type ObjectCreatedEventName, type ObjectCreatedFilter, type ObjectCreatedListener } from './notifications';
export { MIN_PART_SIZE, type BucketRecord, type ObjectRecord } from './store';
export { S3WireService } from './service';
