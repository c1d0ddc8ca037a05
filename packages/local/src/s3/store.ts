/**
 * S3 buckets and objects on disk, with an in-memory index.
 *
 * Layout under `<dataDir>/s3/buckets/<bucket>/`:
 *   bucket.json                      name, creation date, notification configuration
 *   objects/<sha256(key)>.json       the object's record (the commit point of a write)
 *   data/<random id>                 the object's bytes, referenced by the record
 *   uploads/<uploadId>/upload.json   a multipart upload in progress, with part-NNNNN(.json) beside it
 *
 * Object files are named by hash, never by key, so no key can address a path; keys are still
 * validated (see names.ts). A write lands its bytes in a fresh data file (fsynced), then renames the
 * record into place; only then is the old data file removed. A crash at any point leaves either the
 * old or the new object; unreferenced data files are removed on the next start.
 */
import { createHash, randomBytes, randomUUID, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, open, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import {
  ensureDir,
  listDir,
  readJson,
  removeDir,
  removeFile,
  removeStaleTempFiles,
  resolveInside,
  syncFile,
  writeJsonAtomic,
} from '../persist';
import { S3Error, invalidArgument, invalidRequest, noSuchBucket, noSuchKey, noSuchUpload, preconditionFailed } from './errors';
import { assertBucketName, assertObjectKey, compareKeys } from './names';
import type { CreatedObject, ObjectCreatedEventName, PendingNotification, S3Notifier } from './notifications';
import type { ObjectTags } from './tags';

/** S3's minimum size for every part but the last. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;
const MAX_PART_NUMBER = 10_000;
const UPLOAD_ID = /^[0-9a-f]{32}$/;

/** System headers S3 stores with an object and returns on GET/HEAD. */
export const STORED_HEADERS = ['content-encoding', 'content-disposition', 'content-language', 'cache-control', 'expires'] as const;

export interface StoredChecksum {
  /** Lower-case algorithm as in the header name: `crc32`, `crc32c`, `sha1`, `sha256`, `crc64nvme`. */
  readonly algorithm: string;
  readonly value: string;
}

export interface ObjectRecord {
  readonly key: string;
  readonly size: number;
  /** Quoted, as S3 returns it: `"<md5 hex>"`, or `"<hex>-<parts>"` for multipart objects. */
  readonly etag: string;
  /** ISO-8601. */
  readonly lastModified: string;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
  /** `x-amz-meta-*` values by lower-case name without the prefix. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly checksum?: StoredChecksum;
  readonly partsCount?: number;
  /** Object tags (absent when none); PutObjectTagging replaces them without a new ETag. */
  readonly tags?: ObjectTags;
  /** Data file name under the bucket's `data/`. */
  readonly dataFile: string;
}

export interface BucketRecord {
  readonly name: string;
  readonly creationDate: string;
  /** The last PutBucketNotificationConfiguration body, returned by the Get call. */
  readonly notificationConfiguration?: string;
}

export interface WriteConditions {
  /** `*`: the key must not exist. */
  readonly ifNoneMatch?: string;
  /** The current ETag (quoted or not) or `*`: the key must exist with that ETag. */
  readonly ifMatch?: string;
}

export interface ObjectAttributes {
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly tags?: ObjectTags;
}

export interface PutOptions extends ObjectAttributes, WriteConditions {
  /** Base64 MD5 the body must have (Content-MD5). */
  readonly contentMd5?: string;
  /** A checksum the client sent; verified for crc32/sha1/sha256, stored and echoed for all. */
  readonly checksum?: StoredChecksum;
  readonly requestId?: string;
}

export interface CopyOptions extends ObjectAttributes, WriteConditions {
  /** `COPY` (default) keeps the source's attributes; `REPLACE` takes them from the request. */
  readonly metadataDirective?: 'COPY' | 'REPLACE';
  /** The same for tags (`x-amz-tagging-directive`), independently of the metadata. */
  readonly taggingDirective?: 'COPY' | 'REPLACE';
  readonly sourceIfMatch?: string;
  readonly sourceIfNoneMatch?: string;
  readonly requestId?: string;
}

export interface ListOptions {
  readonly prefix?: string;
  readonly delimiter?: string;
  /** List keys strictly after this one (StartAfter / Marker / decoded continuation token). */
  readonly after?: string;
  /** When `after` was a common prefix, every key under it is skipped too. */
  readonly afterIsPrefix?: boolean;
  readonly maxKeys?: number;
}

export interface ListPage {
  readonly objects: readonly ObjectRecord[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  /** Last key or common prefix returned, to resume after. */
  readonly last?: { readonly value: string; readonly isPrefix: boolean };
}

export interface UploadRecord {
  readonly uploadId: string;
  readonly key: string;
  readonly initiated: string;
  readonly contentType: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly metadata: Readonly<Record<string, string>>;
  readonly tags?: ObjectTags;
}

export interface PartRecord {
  readonly partNumber: number;
  readonly etag: string;
  readonly size: number;
  readonly lastModified: string;
}

interface BucketState {
  record: BucketRecord;
  readonly dir: string;
  readonly objects: Map<string, ObjectRecord>;
  sorted: string[] | undefined;
}

/** Hashes bodies on their way to disk (MD5 always; a checksum algorithm when asked). */
class DigestStream extends Transform {
  readonly md5: Hash = createHash('md5');
  size = 0;
  crc: number | undefined;
  readonly extra: Hash | undefined;

  constructor(readonly algorithm: string | undefined) {
    super();
    if (algorithm === 'crc32') this.crc = 0;
    this.extra = algorithm === 'sha1' || algorithm === 'sha256' ? createHash(algorithm) : undefined;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    this.md5.update(chunk);
    this.extra?.update(chunk);
    if (this.crc !== undefined) this.crc = crc32(chunk, this.crc);
    this.size += chunk.length;
    callback(null, chunk);
  }

  /** The checksum in S3's header encoding, for algorithms this can verify. */
  checksumValue(): string | undefined {
    if (this.crc !== undefined) {
      const buffer = Buffer.alloc(4);
      buffer.writeUInt32BE(this.crc >>> 0);
      return buffer.toString('base64');
    }
    return this.extra?.digest('base64');
  }
}

/** S3 answers BadDigest when Content-MD5 or a verifiable checksum header disagrees with the body. */
function verifyIntegrity(md5: Buffer, digest: DigestStream, expected: { contentMd5?: string; checksum?: StoredChecksum }): void {
  if (expected.contentMd5 !== undefined && md5.toString('base64') !== expected.contentMd5.trim()) {
    throw new S3Error('BadDigest', 400, 'The Content-MD5 you specified did not match what we received.');
  }
  const computed = digest.checksumValue();
  if (expected.checksum && computed !== undefined && computed !== expected.checksum.value) {
    throw new S3Error(
      'BadDigest',
      400,
      `The ${expected.checksum.algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
    );
  }
}

function unquote(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
}

function etagMatches(condition: string, etag: string): boolean {
  return condition
    .split(',')
    .map((candidate) => candidate.trim())
    .some((candidate) => candidate === '*' || unquote(candidate) === unquote(etag));
}

function keyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function partFileName(partNumber: number): string {
  return `part-${String(partNumber).padStart(5, '0')}`;
}

/** Serialises async work per key, so conditional writes check and commit atomically. */
class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

export interface S3StoreOptions {
  /** Root of the S3 state, e.g. `<dataDir>/s3`. */
  readonly dir: string;
  readonly notifier: S3Notifier;
}

export class S3Store {
  private readonly buckets = new Map<string, BucketState>();
  private readonly locks = new KeyedLock();
  private readonly bucketsDir: string;

  private constructor(private readonly options: S3StoreOptions) {
    this.bucketsDir = join(options.dir, 'buckets');
  }

  /** Loads every bucket and object record, and removes what interrupted writes left behind. */
  static async open(options: S3StoreOptions): Promise<S3Store> {
    const store = new S3Store(options);
    await ensureDir(store.bucketsDir);
    await removeStaleTempFiles(store.bucketsDir);
    for (const name of await listDir(store.bucketsDir)) {
      if (name.startsWith('.')) continue;
      const dir = join(store.bucketsDir, name);
      const record = await readJson<BucketRecord>(join(dir, 'bucket.json'));
      if (!record) {
        // A bucket whose creation or deletion was interrupted: it was never acknowledged.
        await removeDir(dir);
        continue;
      }
      const state: BucketState = { record, dir, objects: new Map(), sorted: undefined };
      const objectsDir = join(dir, 'objects');
      await removeStaleTempFiles(objectsDir);
      for (const file of await listDir(objectsDir)) {
        if (!file.endsWith('.json') || file.startsWith('.')) continue;
        const object = await readJson<ObjectRecord>(join(objectsDir, file));
        if (object) state.objects.set(object.key, object);
      }
      const referenced = new Set([...state.objects.values()].map((object) => object.dataFile));
      for (const file of await listDir(join(dir, 'data'))) {
        if (!referenced.has(file)) await removeFile(join(dir, 'data', file));
      }
      store.buckets.set(name, state);
    }
    return store;
  }

  get notifier(): S3Notifier {
    return this.options.notifier;
  }

  // ---- buckets ----

  listBuckets(): BucketRecord[] {
    return [...this.buckets.values()].map((state) => state.record).sort((a, b) => compareKeys(a.name, b.name));
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  /** Creates a bucket; resolves `false` when it already existed (the caller decides whether that is an error). */
  async createBucket(name: string): Promise<boolean> {
    assertBucketName(name);
    return this.locks.run(`bucket\0${name}`, async () => {
      if (this.buckets.has(name)) return false;
      const dir = resolveInside(this.bucketsDir, name);
      const record: BucketRecord = { name, creationDate: new Date().toISOString() };
      await ensureDir(join(dir, 'objects'));
      await ensureDir(join(dir, 'data'));
      await writeJsonAtomic(join(dir, 'bucket.json'), record);
      this.buckets.set(name, { record, dir, objects: new Map(), sorted: undefined });
      return true;
    });
  }

  async deleteBucket(name: string): Promise<void> {
    const state = this.bucket(name);
    await this.locks.run(`bucket\0${name}`, async () => {
      if (state.objects.size > 0) {
        throw new S3Error('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty', { BucketName: name });
      }
      this.buckets.delete(name);
      // Removing bucket.json first is the commit; a leftover directory is cleaned on the next start.
      await removeFile(join(state.dir, 'bucket.json'));
      await removeDir(state.dir);
    });
  }

  bucketRecord(name: string): BucketRecord {
    return this.bucket(name).record;
  }

  async setNotificationConfiguration(name: string, xml: string): Promise<void> {
    const state = this.bucket(name);
    await this.locks.run(`bucket\0${name}`, async () => {
      const record: BucketRecord = { ...state.record, notificationConfiguration: xml };
      await writeJsonAtomic(join(state.dir, 'bucket.json'), record);
      state.record = record;
    });
  }

  private bucket(name: string): BucketState {
    const state = this.buckets.get(name);
    if (!state) throw noSuchBucket(name);
    return state;
  }

  // ---- objects ----

  /** The object's record, or NoSuchKey / NoSuchBucket. */
  head(bucket: string, key: string): ObjectRecord {
    assertObjectKey(key);
    const object = this.bucket(bucket).objects.get(key);
    if (!object) throw noSuchKey(key);
    return object;
  }

  /**
   * Opens the object's bytes (optionally a byte range, inclusive). The file is opened before
   * resolving, so a concurrent overwrite cannot pull it away mid-read.
   */
  async open(bucket: string, key: string, range?: { start: number; end: number }): Promise<{ record: ObjectRecord; stream: Readable }> {
    for (let attempt = 0; ; attempt++) {
      const record = this.head(bucket, key);
      try {
        const handle = await open(join(this.bucket(bucket).dir, 'data', record.dataFile), 'r');
        const stream = handle.createReadStream(range ? { start: range.start, end: range.end } : {});
        return { record, stream };
      } catch (error) {
        // Overwritten between reading the record and opening its file: read the new record.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw error;
      }
    }
  }

  async put(bucket: string, key: string, body: Buffer | Readable, options: PutOptions = {}): Promise<ObjectRecord> {
    assertObjectKey(key);
    const state = this.bucket(bucket);
    const algorithm = options.checksum?.algorithm;
    const { dataFile, digest } = await this.writeData(state, body, algorithm);
    let committed = false;
    try {
      const md5 = digest.md5.digest();
      verifyIntegrity(md5, digest, options);
      const record: ObjectRecord = {
        key,
        size: digest.size,
        etag: `"${md5.toString('hex')}"`,
        lastModified: new Date().toISOString(),
        contentType: options.contentType ?? 'application/octet-stream',
        headers: options.headers ?? {},
        metadata: options.metadata ?? {},
        ...(options.checksum ? { checksum: options.checksum } : {}),
        ...tagsField(options.tags),
        dataFile,
      };
      const notice = await this.commit(state, record, options, this.created(bucket, record, 'ObjectCreated:Put', options.requestId));
      committed = true;
      await this.options.notifier.confirm(notice);
      return record;
    } catch (error) {
      // A committed object keeps its bytes even when its notification could not be journaled.
      if (!committed) await removeFile(join(state.dir, 'data', dataFile));
      throw error;
    }
  }

  async copy(source: { bucket: string; key: string }, bucket: string, key: string, options: CopyOptions = {}): Promise<ObjectRecord> {
    assertObjectKey(key);
    const state = this.bucket(bucket);
    const sourceState = this.bucket(source.bucket);
    const sourceRecord = this.head(source.bucket, source.key);
    if (options.sourceIfMatch !== undefined && !etagMatches(options.sourceIfMatch, sourceRecord.etag)) {
      throw preconditionFailed('x-amz-copy-source-If-Match');
    }
    if (options.sourceIfNoneMatch !== undefined && etagMatches(options.sourceIfNoneMatch, sourceRecord.etag)) {
      throw preconditionFailed('x-amz-copy-source-If-None-Match');
    }
    const replace = options.metadataDirective === 'REPLACE';
    if (source.bucket === bucket && source.key === key && !replace) {
      throw invalidRequest(
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      );
    }
    const dataFile = randomUUID();
    const target = join(state.dir, 'data', dataFile);
    let committed = false;
    try {
      await copyFile(join(sourceState.dir, 'data', sourceRecord.dataFile), target);
      await syncFile(target);
      // A copy is a new single-part object: its ETag is the MD5 of its bytes.
      const md5 = createHash('md5');
      for await (const chunk of createReadStream(target)) md5.update(chunk as Buffer);
      const record: ObjectRecord = {
        key,
        size: sourceRecord.size,
        etag: `"${md5.digest('hex')}"`,
        lastModified: new Date().toISOString(),
        contentType: replace ? (options.contentType ?? 'application/octet-stream') : sourceRecord.contentType,
        headers: replace ? (options.headers ?? {}) : sourceRecord.headers,
        metadata: replace ? (options.metadata ?? {}) : sourceRecord.metadata,
        ...(sourceRecord.checksum && !sourceRecord.partsCount ? { checksum: sourceRecord.checksum } : {}),
        ...tagsField(options.taggingDirective === 'REPLACE' ? options.tags : sourceRecord.tags),
        dataFile,
      };
      const notice = await this.commit(state, record, options, this.created(bucket, record, 'ObjectCreated:Copy', options.requestId));
      committed = true;
      await this.options.notifier.confirm(notice);
      return record;
    } catch (error) {
      if (committed) throw error;
      await removeFile(target);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw noSuchKey(source.key);
      throw error;
    }
  }

  /** Deletes a key; deleting a missing key succeeds, as in S3. */
  async delete(bucket: string, key: string): Promise<void> {
    assertObjectKey(key);
    const state = this.bucket(bucket);
    await this.locks.run(`${bucket}\0${key}`, async () => {
      const current = state.objects.get(key);
      if (!current) return;
      await removeFile(join(state.dir, 'objects', `${keyHash(key)}.json`));
      state.objects.delete(key);
      state.sorted = undefined;
      await removeFile(join(state.dir, 'data', current.dataFile));
    });
  }

  /** Replaces the object's tags (PutObjectTagging / DeleteObjectTagging); its ETag and LastModified stay. */
  async setTags(bucket: string, key: string, tags: ObjectTags): Promise<void> {
    assertObjectKey(key);
    const state = this.bucket(bucket);
    await this.locks.run(`${bucket}\0${key}`, async () => {
      const current = state.objects.get(key);
      if (!current) throw noSuchKey(key);
      const { tags: _previous, ...rest } = current;
      const record: ObjectRecord = { ...rest, ...tagsField(tags) };
      await writeJsonAtomic(join(state.dir, 'objects', `${keyHash(key)}.json`), record);
      state.objects.set(key, record);
    });
  }

  /** One page of keys in UTF-8 order, rolled up into common prefixes when a delimiter is given. */
  list(bucket: string, options: ListOptions = {}): ListPage {
    const state = this.bucket(bucket);
    const prefix = options.prefix ?? '';
    const delimiter = options.delimiter || undefined;
    const maxKeys = Math.max(0, Math.min(options.maxKeys ?? 1000, 1000));
    state.sorted ??= [...state.objects.keys()].sort(compareKeys);
    const keys = state.sorted;

    // Binary search for the first key after max(prefix, after).
    let lo = 0;
    let hi = keys.length;
    const from = options.after !== undefined && compareKeys(options.after, prefix) >= 0 ? options.after : undefined;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const candidate = keys[mid] as string;
      const c = from !== undefined ? compareKeys(candidate, from) <= 0 : compareKeys(candidate, prefix) < 0;
      if (c) lo = mid + 1;
      else hi = mid;
    }

    const objects: ObjectRecord[] = [];
    const commonPrefixes: string[] = [];
    let last: ListPage['last'];
    let isTruncated = false;
    for (let i = lo; i < keys.length; i++) {
      const key = keys[i] as string;
      if (!key.startsWith(prefix)) {
        if (compareKeys(key, prefix) > 0) break;
        continue;
      }
      if (options.afterIsPrefix && options.after !== undefined && key.startsWith(options.after)) continue;
      let rolledUp: string | undefined;
      if (delimiter !== undefined) {
        const at = key.indexOf(delimiter, prefix.length);
        if (at >= 0) rolledUp = key.slice(0, at + delimiter.length);
      }
      if (rolledUp !== undefined && last?.isPrefix && last.value === rolledUp) continue;
      if (objects.length + commonPrefixes.length >= maxKeys) {
        isTruncated = true;
        break;
      }
      if (rolledUp !== undefined) {
        commonPrefixes.push(rolledUp);
        last = { value: rolledUp, isPrefix: true };
      } else {
        objects.push(state.objects.get(key) as ObjectRecord);
        last = { value: key, isPrefix: false };
      }
    }
    return { objects, commonPrefixes, isTruncated, ...(last ? { last } : {}) };
  }

  // ---- multipart uploads ----

  async createUpload(bucket: string, key: string, attributes: ObjectAttributes = {}): Promise<UploadRecord> {
    assertObjectKey(key);
    const state = this.bucket(bucket);
    const upload: UploadRecord = {
      uploadId: randomBytes(16).toString('hex'),
      key,
      initiated: new Date().toISOString(),
      contentType: attributes.contentType ?? 'application/octet-stream',
      headers: attributes.headers ?? {},
      metadata: attributes.metadata ?? {},
      ...tagsField(attributes.tags),
    };
    await writeJsonAtomic(join(state.dir, 'uploads', upload.uploadId, 'upload.json'), upload);
    return upload;
  }

  async uploadPart(
    bucket: string,
    key: string,
    uploadId: string,
    partNumber: number,
    body: Buffer | Readable,
    integrity: { contentMd5?: string; checksum?: StoredChecksum } = {},
  ): Promise<PartRecord> {
    const { dir } = await this.upload(bucket, key, uploadId);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
      throw invalidArgument(`Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, 'partNumber', String(partNumber));
    }
    const name = partFileName(partNumber);
    const temp = join(dir, `.${name}.${randomUUID()}.tmp`);
    const digest = new DigestStream(integrity.checksum?.algorithm);
    try {
      await pipeline(body instanceof Readable ? body : Readable.from([body]), digest, createWriteStream(temp, { flags: 'wx' }));
      const md5 = digest.md5.digest();
      verifyIntegrity(md5, digest, integrity);
      await syncFile(temp);
      const part: PartRecord = { partNumber, etag: `"${md5.toString('hex')}"`, size: digest.size, lastModified: new Date().toISOString() };
      // The part's record names its temp-free data file; both land by rename.
      await rename(temp, join(dir, name));
      await writeJsonAtomic(join(dir, `${name}.json`), part);
      return part;
    } catch (error) {
      await removeFile(temp);
      throw error;
    }
  }

  async listParts(bucket: string, key: string, uploadId: string): Promise<{ upload: UploadRecord; parts: PartRecord[] }> {
    const { upload, dir } = await this.upload(bucket, key, uploadId);
    const parts: PartRecord[] = [];
    for (const file of (await listDir(dir)).sort()) {
      if (!/^part-\d{5}\.json$/.test(file)) continue;
      const part = await readJson<PartRecord>(join(dir, file));
      if (part) parts.push(part);
    }
    return { upload, parts };
  }

  async listUploads(bucket: string): Promise<UploadRecord[]> {
    const state = this.bucket(bucket);
    const uploads: UploadRecord[] = [];
    for (const id of await listDir(join(state.dir, 'uploads'))) {
      if (!UPLOAD_ID.test(id)) continue;
      const upload = await readJson<UploadRecord>(join(state.dir, 'uploads', id, 'upload.json'));
      if (upload) uploads.push(upload);
    }
    return uploads.sort((a, b) => compareKeys(a.key, b.key) || a.initiated.localeCompare(b.initiated));
  }

  async abortUpload(bucket: string, key: string, uploadId: string): Promise<void> {
    const { dir } = await this.upload(bucket, key, uploadId);
    await removeDir(dir);
  }

  /**
   * Joins the listed parts into the object. Like S3: parts must be listed in ascending order
   * (InvalidPartOrder), exist with the given ETags (InvalidPart), and all but the last be at least
   * 5 MiB (EntityTooSmall). The ETag is the MD5 of the parts' binary MD5s, then `-<count>`.
   */
  async completeUpload(
    bucket: string,
    key: string,
    uploadId: string,
    requested: readonly { partNumber: number; etag: string }[],
    conditions: WriteConditions & { requestId?: string } = {},
  ): Promise<ObjectRecord> {
    const state = this.bucket(bucket);
    const { upload, parts } = await this.listParts(bucket, key, uploadId);
    const dir = resolveInside(state.dir, 'uploads', uploadId);
    if (requested.length === 0) {
      throw new S3Error('MalformedXML', 400, 'The XML you provided was not well-formed or did not validate against our published schema');
    }
    const byNumber = new Map(parts.map((part) => [part.partNumber, part]));
    const chosen: PartRecord[] = [];
    let previous = 0;
    for (const item of requested) {
      if (item.partNumber <= previous) {
        throw new S3Error('InvalidPartOrder', 400, 'The list of parts was not in ascending order. Parts must be ordered by part number.', {
          UploadId: uploadId,
        });
      }
      previous = item.partNumber;
      const part = byNumber.get(item.partNumber);
      if (!part || unquote(part.etag) !== unquote(item.etag)) {
        throw new S3Error(
          'InvalidPart',
          400,
          "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
          {
            UploadId: uploadId,
            PartNumber: String(item.partNumber),
            ETag: item.etag,
          },
        );
      }
      chosen.push(part);
    }
    chosen.forEach((part, index) => {
      if (index < chosen.length - 1 && part.size < MIN_PART_SIZE) {
        throw new S3Error('EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed object size.', {
          ProposedSize: String(part.size),
          MinSizeAllowed: String(MIN_PART_SIZE),
          PartNumber: String(part.partNumber),
          ETag: part.etag,
        });
      }
    });

    const combined = createHash('md5');
    for (const part of chosen) combined.update(Buffer.from(unquote(part.etag), 'hex'));
    const dataFile = randomUUID();
    const target = join(state.dir, 'data', dataFile);
    let committed = false;
    try {
      const out = createWriteStream(target, { flags: 'wx' });
      await pipeline(
        Readable.from(
          (async function* () {
            for (const part of chosen) yield* createReadStream(join(dir, partFileName(part.partNumber)));
          })(),
        ),
        out,
      );
      await syncFile(target);
      const record: ObjectRecord = {
        key,
        size: (await stat(target)).size,
        etag: `"${combined.digest('hex')}-${chosen.length}"`,
        lastModified: new Date().toISOString(),
        contentType: upload.contentType,
        headers: upload.headers,
        metadata: upload.metadata,
        partsCount: chosen.length,
        ...tagsField(upload.tags),
        dataFile,
      };
      const notice = await this.commit(
        state,
        record,
        conditions,
        this.created(bucket, record, 'ObjectCreated:CompleteMultipartUpload', conditions.requestId),
      );
      committed = true;
      await removeDir(dir);
      await this.options.notifier.confirm(notice);
      return record;
    } catch (error) {
      if (!committed) await removeFile(target);
      throw error;
    }
  }

  private async upload(bucket: string, key: string, uploadId: string): Promise<{ upload: UploadRecord; dir: string }> {
    assertObjectKey(key);
    const state = this.bucket(bucket);
    if (!UPLOAD_ID.test(uploadId)) throw noSuchUpload(uploadId);
    const dir = resolveInside(state.dir, 'uploads', uploadId);
    const upload = await readJson<UploadRecord>(join(dir, 'upload.json'));
    if (!upload || upload.key !== key) throw noSuchUpload(uploadId);
    return { upload, dir };
  }

  // ---- internals ----

  /** Streams a body into a fresh, fsynced data file of the bucket. */
  private async writeData(
    state: BucketState,
    body: Buffer | Readable,
    algorithm: string | undefined,
  ): Promise<{ dataFile: string; digest: DigestStream }> {
    const dataFile = randomUUID();
    const target = join(state.dir, 'data', dataFile);
    const digest = new DigestStream(algorithm);
    try {
      await pipeline(body instanceof Readable ? body : Readable.from([body]), digest, createWriteStream(target, { flags: 'wx' }));
      await syncFile(target);
    } catch (error) {
      await removeFile(target);
      throw error;
    }
    return { dataFile, digest };
  }

  /**
   * Checks write conditions and commits the record, atomically per key. S3 answers a failed
   * `If-None-Match: *` and an ETag mismatch with 412, and `If-Match` on a missing key with 404.
   * The write's notification is journaled first, marked pending on this write's data file: a crash
   * between the two leaves either no object (the pending notice is dropped on the next start) or
   * the object and its notice (delivered then), never an object S3 would notify that nobody hears of.
   */
  private async commit(
    state: BucketState,
    record: ObjectRecord,
    conditions: WriteConditions,
    created: CreatedObject,
  ): Promise<PendingNotification> {
    const name = state.record.name;
    return this.locks.run(`${name}\0${record.key}`, async () => {
      if (!this.buckets.has(name)) throw noSuchBucket(name);
      const current = state.objects.get(record.key);
      if (conditions.ifNoneMatch !== undefined) {
        if (conditions.ifNoneMatch.trim() !== '*') {
          throw new S3Error('NotImplemented', 501, 'If-None-Match on writes only supports "*"', { Header: 'If-None-Match' });
        }
        if (current) throw preconditionFailed('If-None-Match');
      }
      if (conditions.ifMatch !== undefined) {
        if (!current) throw noSuchKey(record.key);
        if (!etagMatches(conditions.ifMatch, current.etag)) throw preconditionFailed('If-Match');
      }
      const notice = await this.options.notifier.intend(created, record.dataFile);
      try {
        await writeJsonAtomic(join(state.dir, 'objects', `${keyHash(record.key)}.json`), record);
      } catch (error) {
        await this.options.notifier.abandon(notice).catch(() => undefined);
        throw error;
      }
      state.objects.set(record.key, record);
      if (!current) state.sorted = undefined;
      if (current && current.dataFile !== record.dataFile) await removeFile(join(state.dir, 'data', current.dataFile));
      return notice;
    });
  }

  /** True when the object at `key` is the one `dataFile` holds: that write was committed. */
  holdsWrite(bucket: string, key: string, dataFile: string): boolean {
    return this.buckets.get(bucket)?.objects.get(key)?.dataFile === dataFile;
  }

  /** What the notification of a write says of its object. */
  private created(bucket: string, record: ObjectRecord, eventName: ObjectCreatedEventName, requestId: string | undefined): CreatedObject {
    return { bucket, key: record.key, size: record.size, etag: record.etag, eventName, requestId: requestId ?? randomUUID() };
  }
}

/** `{ tags }` when there are any: records without tags keep their shape. */
function tagsField(tags: ObjectTags | undefined): { tags?: ObjectTags } {
  return tags !== undefined && Object.keys(tags).length > 0 ? { tags } : {};
}
