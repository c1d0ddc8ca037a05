/** An in-memory BlobStore: the engine must work with any store, not only the local S3. */
import { Readable } from 'node:stream';
import type { BlobStore } from '@recops/engine';

export class MemoryBlobStore implements BlobStore {
  readonly objects = new Map<string, Buffer>();

  put(bucket: string, key: string, body: string | Buffer): void {
    this.objects.set(`${bucket}/${key}`, typeof body === 'string' ? Buffer.from(body) : body);
  }

  text(bucket: string, key: string): string {
    const b = this.objects.get(`${bucket}/${key}`);
    if (b === undefined) throw new Error(`no object ${bucket}/${key}`);
    return b.toString('utf8');
  }

  async list(bucket: string, prefix: string): Promise<string[]> {
    return [...this.objects.keys()]
      .filter((k) => k.startsWith(`${bucket}/${prefix}`))
      .map((k) => k.slice(bucket.length + 1))
      .filter((k) => !k.endsWith('/'))
      .sort();
  }

  async read(bucket: string, key: string): Promise<Readable> {
    const b = this.objects.get(`${bucket}/${key}`);
    if (b === undefined) throw Object.assign(new Error(`NoSuchKey: ${key}`), { code: 'NoSuchKey' });
    // Small chunks so parsers really stream.
    const chunks: Buffer[] = [];
    for (let o = 0; o < b.length; o += 64 * 1024) chunks.push(b.subarray(o, o + 64 * 1024));
    return Readable.from(chunks);
  }

  async write(bucket: string, key: string, body: Buffer | string | Readable): Promise<void> {
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      this.put(bucket, key, body);
      return;
    }
    const parts: Buffer[] = [];
    for await (const chunk of body) parts.push(Buffer.from(chunk as Buffer));
    this.put(bucket, key, Buffer.concat(parts));
  }
}
