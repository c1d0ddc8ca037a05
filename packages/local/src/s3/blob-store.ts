/**
 * The engine's view of S3 (`BlobStore` from packages/engine/src/port.ts) over the same storage the
 * S3 wire service uses, so imports read what clients uploaded and batch outputs fire notifications.
 */
import type { Readable } from 'node:stream';
import type { BlobStore } from '@recops/engine';
import type { S3Store } from './store';

export function createBlobStore(store: S3Store): BlobStore {
  return {
    async list(bucket, prefix) {
      const keys: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = store.list(bucket, { prefix, ...(after !== undefined ? { after } : {}) });
        for (const object of page.objects) {
          // Zero-byte keys ending in "/" are console-style folder markers, not data.
          if (!(object.key.endsWith('/') && object.size === 0)) keys.push(object.key);
        }
        if (!page.isTruncated || !page.last) return keys;
        after = page.last.value;
      }
    },
    async read(bucket, key): Promise<Readable> {
      return (await store.open(bucket, key)).stream;
    },
    async write(bucket, key, body) {
      await store.put(bucket, key, typeof body === 'string' ? Buffer.from(body, 'utf8') : body, {
        contentType: key.endsWith('.json') ? 'application/json' : key.endsWith('.csv') ? 'text/csv' : 'application/octet-stream',
      });
    },
  };
}
