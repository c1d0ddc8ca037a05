/**
 * S3's REST/XML protocol over the store, as the AWS SDK v3 S3 client (path-style) and the AWS CLI
 * send it: bucket and object operations, ListObjects(V2), CopyObject, multipart uploads,
 * conditional requests, object tagging, bucket notification configuration, errors as S3's `<Error>` XML.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { WireRequest, WireResponse, WireService } from '../wire';
import { REGION } from '../wire';
import { S3Error, invalidArgument, invalidRequest, malformedXml } from './errors';
import { STORED_HEADERS, type ListPage, type ObjectRecord, type S3Store, type StoredChecksum } from './store';
import { tagSetXml, tagsOfDocument, tagsOfHeader, type ObjectTags } from './tags';
import { document, element, parseXml } from './xml';
import { clip } from '../errors';

const OWNER = '<Owner><ID>000000000000</ID><DisplayName>local</DisplayName></Owner>';
const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;

/** Subresources S3 has that the local cloud does not implement: answered with NotImplemented. */
const UNSUPPORTED_SUBRESOURCES = [
  'acl',
  'analytics',
  'accelerate',
  'cors',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'lifecycle',
  'logging',
  'metrics',
  'object-lock',
  'ownershipControls',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'legal-hold',
  'select',
  'torrent',
  'website',
  'attributes',
  'versions',
  'renameObject',
  'metadataConfiguration',
] as const;

interface Target {
  readonly bucket?: string;
  readonly key?: string;
}

function httpDate(iso: string): string {
  return new Date(iso).toUTCString();
}

function xmlResponse(status: number, body: string, requestId: string, headers: Record<string, string> = {}): WireResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'x-amz-id-2': requestId, ...headers },
    body,
  };
}

function errorResponse(error: S3Error, requestId: string, resource: string): WireResponse {
  const details = Object.entries(error.details)
    .map(([name, value]) => element(name, value))
    .join('');
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${element('Code', error.code)}${element('Message', error.message)}` +
    `${details}${element('Resource', resource)}${element('RequestId', requestId)}${element('HostId', requestId)}</Error>`;
  return {
    status: error.status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'x-amz-id-2': requestId },
    body,
  };
}

/** An object's bytes: streamed from the spool file when the server spooled a large body. */
function objectBody(request: WireRequest): Buffer | Readable {
  return request.bodyFile !== undefined ? createReadStream(request.bodyFile.path) : request.body;
}

/** An XML document body; S3 refuses documents too large to have been kept in memory. */
function documentBody(request: WireRequest): Buffer {
  if (request.bodyFile !== undefined) throw new S3Error('MaxMessageLengthExceeded', 400, 'Your request was too big.');
  return request.body;
}

/** Splits `/bucket/key…` (path-style) or uses the `bucket.localhost` host (virtual-hosted style). */
export function targetOf(request: WireRequest): Target {
  const host = (request.headers['host'] ?? '').replace(/:\d+$/, '');
  const virtual = /^(.+)\.(?:s3\.)?localhost$/.exec(host)?.[1];
  const raw = request.rawPath.startsWith('/') ? request.rawPath.slice(1) : request.rawPath;
  if (virtual !== undefined) return raw === '' ? { bucket: virtual } : { bucket: virtual, key: decodeURIComponent(raw) };
  if (raw === '') return {};
  const slash = raw.indexOf('/');
  if (slash < 0) return { bucket: decodeURIComponent(raw) };
  const key = raw.slice(slash + 1);
  return key === ''
    ? { bucket: decodeURIComponent(raw.slice(0, slash)) }
    : { bucket: decodeURIComponent(raw.slice(0, slash)), key: decodeURIComponent(key) };
}

/** Content-Type, stored system headers, `x-amz-meta-*` and `x-amz-tagging` from a request. */
function attributesOf(headers: Readonly<Record<string, string>>): {
  contentType?: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
  tags?: ObjectTags;
} {
  const stored: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const value = headers[name];
    if (value !== undefined && value !== '') stored[name] = value;
  }
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
  }
  const contentType = headers['content-type'];
  const tags = tagsOfHeader(headers['x-amz-tagging']);
  return { ...(contentType ? { contentType } : {}), headers: stored, metadata, ...(tags !== undefined && { tags }) };
}

function checksumOf(headers: Readonly<Record<string, string>>): StoredChecksum | undefined {
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = headers[`x-amz-checksum-${algorithm}`];
    if (value) return { algorithm, value };
  }
  return undefined;
}

function objectHeaders(record: ObjectRecord, includeChecksum: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    etag: record.etag,
    'last-modified': httpDate(record.lastModified),
    'content-type': record.contentType,
    'accept-ranges': 'bytes',
    ...record.headers,
  };
  for (const [name, value] of Object.entries(record.metadata)) headers[`x-amz-meta-${name}`] = value;
  if (record.partsCount !== undefined) headers['x-amz-mp-parts-count'] = String(record.partsCount);
  if (record.tags !== undefined) headers['x-amz-tagging-count'] = String(Object.keys(record.tags).length);
  if (includeChecksum && record.checksum) headers[`x-amz-checksum-${record.checksum.algorithm}`] = record.checksum.value;
  return headers;
}

/** Parses `bytes=a-b`, `bytes=a-`, `bytes=-n`; undefined for absent or multi-range headers (whole object). */
function rangeOf(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    start = Math.max(0, size - suffix);
    end = size - 1;
    if (suffix === 0) start = size;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) {
    throw new S3Error('InvalidRange', 416, 'The requested range is not satisfiable', {
      RangeRequested: header,
      ActualObjectSize: String(size),
    });
  }
  return { start, end };
}

/** GET/HEAD preconditions in the order S3 evaluates them; returns 304 or throws 412 when they fail. */
function checkReadConditions(headers: Readonly<Record<string, string>>, record: ObjectRecord): 304 | undefined {
  const etag = record.etag.replace(/"/g, '');
  const matches = (condition: string): boolean =>
    condition.split(',').some((c) => c.trim() === '*' || c.trim().replace(/^W\//, '').replace(/"/g, '') === etag);
  const modified = Math.floor(new Date(record.lastModified).getTime() / 1000);
  const since = (value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const time = Date.parse(value);
    return Number.isNaN(time) ? undefined : Math.floor(time / 1000);
  };
  const ifMatch = headers['if-match'];
  const ifUnmodifiedSince = since(headers['if-unmodified-since']);
  if (ifMatch !== undefined) {
    if (!matches(ifMatch))
      throw new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', {
        Condition: 'If-Match',
      });
  } else if (ifUnmodifiedSince !== undefined && modified > ifUnmodifiedSince) {
    throw new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold', {
      Condition: 'If-Unmodified-Since',
    });
  }
  const ifNoneMatch = headers['if-none-match'];
  const ifModifiedSince = since(headers['if-modified-since']);
  if (ifNoneMatch !== undefined) {
    if (matches(ifNoneMatch)) return 304;
  } else if (ifModifiedSince !== undefined && modified <= ifModifiedSince) {
    return 304;
  }
  return undefined;
}

function parseMaxKeys(value: string | null): number {
  if (value === null) return 1000;
  if (!/^\d+$/.test(value)) throw invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', value);
  return Number(value);
}

function encodeListValue(value: string, encoding: string | null): string {
  return encoding === 'url' ? encodeURIComponent(value) : value;
}

function contentsXml(objects: readonly ObjectRecord[], encoding: string | null, withOwner: boolean): string {
  return objects
    .map(
      (object) =>
        `<Contents>${element('Key', encodeListValue(object.key, encoding))}${element('LastModified', object.lastModified)}` +
        `${element('ETag', object.etag)}${object.checksum ? element('ChecksumAlgorithm', object.checksum.algorithm.toUpperCase()) : ''}` +
        `${element('Size', object.size)}${withOwner ? OWNER : ''}${element('StorageClass', 'STANDARD')}</Contents>`,
    )
    .join('');
}

function prefixesXml(prefixes: readonly string[], encoding: string | null): string {
  return prefixes.map((prefix) => `<CommonPrefixes>${element('Prefix', encodeListValue(prefix, encoding))}</CommonPrefixes>`).join('');
}

/** Continuation tokens are opaque to clients; ours carry where to resume. */
function encodeToken(last: NonNullable<ListPage['last']>): string {
  return Buffer.from(JSON.stringify([last.value, last.isPrefix]), 'utf8').toString('base64url');
}

function decodeToken(token: string): { value: string; isPrefix: boolean } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'boolean')
      return { value: parsed[0], isPrefix: parsed[1] };
  } catch {
    // fall through
  }
  throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

export class S3WireService implements WireService {
  constructor(private readonly store: S3Store) {}

  matches(request: WireRequest): boolean {
    return request.signingName === 's3';
  }

  async handle(request: WireRequest): Promise<WireResponse> {
    const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
    try {
      return await this.route(request, requestId);
    } catch (error) {
      if (error instanceof S3Error) return errorResponse(error, requestId, request.rawPath);
      throw error;
    }
  }

  private async route(request: WireRequest, requestId: string): Promise<WireResponse> {
    const { bucket, key } = targetOf(request);
    const q = request.query;
    const method = request.method;
    for (const name of UNSUPPORTED_SUBRESOURCES) {
      if (q.has(name))
        throw new S3Error('NotImplemented', 501, `The ${clip(name)} subresource is not implemented by the local cloud`, {
          Subresource: name,
        });
    }
    if (bucket === undefined) {
      if (method === 'GET') return this.listBuckets(requestId);
      throw new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', {
        Method: method,
        ResourceType: 'SERVICE',
      });
    }
    if (key === undefined) {
      if (q.has('tagging'))
        throw new S3Error('NotImplemented', 501, 'Bucket tagging is not implemented by the local cloud', { Subresource: 'tagging' });
      switch (method) {
        case 'PUT':
          return q.has('notification') ? this.putNotification(request, bucket, requestId) : this.createBucket(request, bucket, requestId);
        case 'HEAD':
          this.store.bucketRecord(bucket);
          return { status: 200, headers: { 'x-amz-bucket-region': REGION, 'x-amz-request-id': requestId } };
        case 'DELETE':
          await this.store.deleteBucket(bucket);
          return { status: 204, headers: { 'x-amz-request-id': requestId } };
        case 'POST':
          if (q.has('delete')) return this.deleteObjects(request, bucket, requestId);
          break;
        case 'GET':
          if (q.has('location')) {
            this.store.bucketRecord(bucket);
            // us-east-1 is reported as an empty LocationConstraint.
            return xmlResponse(
              200,
              `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>`,
              requestId,
            );
          }
          if (q.has('notification')) return this.getNotification(bucket, requestId);
          if (q.has('uploads')) return this.listUploads(bucket, requestId);
          if (q.has('versioning')) {
            this.store.bucketRecord(bucket);
            return xmlResponse(200, document('VersioningConfiguration', ''), requestId);
          }
          return q.get('list-type') === '2'
            ? this.listObjectsV2(request, bucket, requestId)
            : this.listObjectsV1(request, bucket, requestId);
      }
      throw new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', {
        Method: method,
        ResourceType: 'BUCKET',
      });
    }
    if (q.has('tagging')) return this.objectTagging(request, bucket, key, requestId);
    switch (method) {
      case 'PUT':
        if (q.has('uploadId') || q.has('partNumber')) {
          if (request.headers['x-amz-copy-source'] !== undefined) {
            throw new S3Error('NotImplemented', 501, 'UploadPartCopy is not implemented by the local cloud', {
              Header: 'x-amz-copy-source',
            });
          }
          return this.uploadPart(request, bucket, key, requestId);
        }
        if (request.headers['x-amz-copy-source'] !== undefined) return this.copyObject(request, bucket, key, requestId);
        return this.putObject(request, bucket, key, requestId);
      case 'GET':
        if (q.has('uploadId')) return this.listParts(bucket, key, q.get('uploadId') ?? '', requestId);
        return this.getObject(request, bucket, key, requestId, false);
      case 'HEAD':
        return this.getObject(request, bucket, key, requestId, true);
      case 'DELETE':
        if (q.has('uploadId')) {
          await this.store.abortUpload(bucket, key, q.get('uploadId') ?? '');
          return { status: 204, headers: { 'x-amz-request-id': requestId } };
        }
        await this.store.delete(bucket, key);
        return { status: 204, headers: { 'x-amz-request-id': requestId } };
      case 'POST':
        if (q.has('uploads')) return this.createUpload(request, bucket, key, requestId);
        if (q.has('uploadId')) return this.completeUpload(request, bucket, key, q.get('uploadId') ?? '', requestId);
        break;
    }
    throw new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', {
      Method: method,
      ResourceType: 'OBJECT',
    });
  }

  // ---- buckets ----

  private listBuckets(requestId: string): WireResponse {
    const buckets = this.store
      .listBuckets()
      .map(
        (bucket) =>
          `<Bucket>${element('Name', bucket.name)}${element('CreationDate', bucket.creationDate)}${element('BucketRegion', REGION)}</Bucket>`,
      )
      .join('');
    return xmlResponse(200, document('ListAllMyBucketsResult', `${OWNER}<Buckets>${buckets}</Buckets>`), requestId);
  }

  /**
   * In us-east-1 S3 answers a CreateBucket for a bucket you already own with 200 (legacy
   * behaviour); with a LocationConstraint, or signed for another region, it answers 409
   * BucketAlreadyOwnedByYou. Both are reproduced.
   */
  private async createBucket(request: WireRequest, bucket: string, requestId: string): Promise<WireResponse> {
    let locationConstraint: string | undefined;
    if (request.body.length > 0 || request.bodyFile !== undefined) {
      locationConstraint = textOf(parseXml(documentBody(request), 'CreateBucketConfiguration')['LocationConstraint']);
    }
    const created = await this.store.createBucket(bucket);
    const authorization = request.headers['authorization'] ?? request.query.get('X-Amz-Credential') ?? '';
    const signedRegion = /\/\d{8}\/([^/]+)\/s3\/aws4_request/.exec(authorization)?.[1];
    if (!created && (locationConstraint || (signedRegion !== undefined && signedRegion !== REGION))) {
      throw new S3Error(
        'BucketAlreadyOwnedByYou',
        409,
        'Your previous request to create the named bucket succeeded and you already own it.',
        { BucketName: bucket },
      );
    }
    return { status: 200, headers: { location: `/${bucket}`, 'x-amz-request-id': requestId } };
  }

  private async putNotification(request: WireRequest, bucket: string, requestId: string): Promise<WireResponse> {
    parseXml(documentBody(request), 'NotificationConfiguration');
    await this.store.setNotificationConfiguration(bucket, documentBody(request).toString('utf8'));
    return { status: 200, headers: { 'x-amz-request-id': requestId } };
  }

  private getNotification(bucket: string, requestId: string): WireResponse {
    const stored = this.store.bucketRecord(bucket).notificationConfiguration;
    return xmlResponse(200, stored ?? document('NotificationConfiguration', ''), requestId);
  }

  private listObjectsV2(request: WireRequest, bucket: string, requestId: string): WireResponse {
    const q = request.query;
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const encoding = q.get('encoding-type');
    const maxKeys = parseMaxKeys(q.get('max-keys'));
    const token = q.get('continuation-token');
    const startAfter = q.get('start-after') ?? undefined;
    const resume = token !== null ? decodeToken(token) : undefined;
    const page = this.store.list(bucket, {
      prefix,
      ...(delimiter ? { delimiter } : {}),
      maxKeys,
      ...(resume ? { after: resume.value, afterIsPrefix: resume.isPrefix } : startAfter !== undefined ? { after: startAfter } : {}),
    });
    const fetchOwner = q.get('fetch-owner') === 'true';
    const inner =
      element('IsTruncated', page.isTruncated) +
      contentsXml(page.objects, encoding, fetchOwner) +
      element('Name', bucket) +
      element('Prefix', encodeListValue(prefix, encoding)) +
      (delimiter ? element('Delimiter', encodeListValue(delimiter, encoding)) : '') +
      element('MaxKeys', maxKeys) +
      prefixesXml(page.commonPrefixes, encoding) +
      (encoding ? element('EncodingType', encoding) : '') +
      element('KeyCount', page.objects.length + page.commonPrefixes.length) +
      (token !== null ? element('ContinuationToken', token) : '') +
      (page.isTruncated && page.last ? element('NextContinuationToken', encodeToken(page.last)) : '') +
      (startAfter !== undefined ? element('StartAfter', encodeListValue(startAfter, encoding)) : '');
    return xmlResponse(200, document('ListBucketResult', inner), requestId);
  }

  private listObjectsV1(request: WireRequest, bucket: string, requestId: string): WireResponse {
    const q = request.query;
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const encoding = q.get('encoding-type');
    const maxKeys = parseMaxKeys(q.get('max-keys'));
    const marker = q.get('marker') ?? '';
    // A marker that is a common prefix skips everything under it, as S3 does.
    const markerIsPrefix = delimiter !== '' && marker.endsWith(delimiter);
    const page = this.store.list(bucket, {
      prefix,
      ...(delimiter ? { delimiter } : {}),
      maxKeys,
      ...(marker ? { after: marker, afterIsPrefix: markerIsPrefix } : {}),
    });
    const inner =
      element('IsTruncated', page.isTruncated) +
      element('Marker', encodeListValue(marker, encoding)) +
      (page.isTruncated && delimiter && page.last ? element('NextMarker', encodeListValue(page.last.value, encoding)) : '') +
      contentsXml(page.objects, encoding, true) +
      element('Name', bucket) +
      element('Prefix', encodeListValue(prefix, encoding)) +
      (delimiter ? element('Delimiter', encodeListValue(delimiter, encoding)) : '') +
      element('MaxKeys', maxKeys) +
      prefixesXml(page.commonPrefixes, encoding) +
      (encoding ? element('EncodingType', encoding) : '');
    return xmlResponse(200, document('ListBucketResult', inner), requestId);
  }

  private async deleteObjects(request: WireRequest, bucket: string, requestId: string): Promise<WireResponse> {
    const parsed = parseXml(documentBody(request), 'Delete');
    const objects = (parsed['Object'] as unknown[] | undefined) ?? [];
    if (objects.length === 0 || objects.length > 1000) throw malformedXml();
    const quiet = textOf(parsed['Quiet']) === 'true';
    this.store.bucketRecord(bucket);
    let results = '';
    for (const object of objects) {
      const key = textOf((object as Record<string, unknown>)['Key']) ?? '';
      try {
        await this.store.delete(bucket, key);
        if (!quiet) results += `<Deleted>${element('Key', key)}</Deleted>`;
      } catch (error) {
        if (!(error instanceof S3Error)) throw error;
        results += `<Error>${element('Key', key)}${element('Code', error.code)}${element('Message', error.message)}</Error>`;
      }
    }
    return xmlResponse(200, document('DeleteResult', results), requestId);
  }

  // ---- objects ----

  private async putObject(request: WireRequest, bucket: string, key: string, requestId: string): Promise<WireResponse> {
    const h = request.headers;
    const checksum = checksumOf(h);
    const record = await this.store.put(bucket, key, objectBody(request), {
      ...attributesOf(h),
      ...(h['content-md5'] !== undefined ? { contentMd5: h['content-md5'] } : {}),
      ...(checksum ? { checksum } : {}),
      ...(h['if-none-match'] !== undefined ? { ifNoneMatch: h['if-none-match'] } : {}),
      ...(h['if-match'] !== undefined ? { ifMatch: h['if-match'] } : {}),
      requestId,
    });
    const headers: Record<string, string> = { etag: record.etag, 'x-amz-request-id': requestId };
    if (record.checksum) headers[`x-amz-checksum-${record.checksum.algorithm}`] = record.checksum.value;
    return { status: 200, headers };
  }

  private async getObject(request: WireRequest, bucket: string, key: string, requestId: string, headOnly: boolean): Promise<WireResponse> {
    const record = this.store.head(bucket, key);
    if (checkReadConditions(request.headers, record) === 304) {
      return { status: 304, headers: { etag: record.etag, 'last-modified': httpDate(record.lastModified), 'x-amz-request-id': requestId } };
    }
    const range = rangeOf(request.headers['range'], record.size);
    const includeChecksum = range === undefined && request.headers['x-amz-checksum-mode']?.toUpperCase() === 'ENABLED';
    const headers = { ...objectHeaders(record, includeChecksum), 'x-amz-request-id': requestId };
    if (headOnly) return { status: 200, headers: { ...headers, 'content-length': String(record.size) } };
    if (record.size === 0) return { status: 200, headers: { ...headers, 'content-length': '0' }, body: Buffer.alloc(0) };
    const opened = await this.store.open(bucket, key, range);
    const current = opened.record;
    const finalHeaders = current === record ? headers : { ...objectHeaders(current, includeChecksum), 'x-amz-request-id': requestId };
    if (range) {
      return {
        status: 206,
        headers: {
          ...finalHeaders,
          'content-length': String(range.end - range.start + 1),
          'content-range': `bytes ${range.start}-${range.end}/${current.size}`,
        },
        body: opened.stream,
      };
    }
    return { status: 200, headers: { ...finalHeaders, 'content-length': String(current.size) }, body: opened.stream };
  }

  private async copyObject(request: WireRequest, bucket: string, key: string, requestId: string): Promise<WireResponse> {
    const h = request.headers;
    const source = this.parseCopySource(h['x-amz-copy-source'] ?? '');
    const directive = (h['x-amz-metadata-directive'] ?? 'COPY').toUpperCase();
    if (directive !== 'COPY' && directive !== 'REPLACE') {
      throw invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', directive);
    }
    const taggingDirective = (h['x-amz-tagging-directive'] ?? 'COPY').toUpperCase();
    if (taggingDirective !== 'COPY' && taggingDirective !== 'REPLACE') {
      throw invalidArgument('Unknown tagging directive.', 'x-amz-tagging-directive', taggingDirective);
    }
    const record = await this.store.copy(source, bucket, key, {
      ...attributesOf(h),
      metadataDirective: directive,
      taggingDirective,
      ...(h['x-amz-copy-source-if-match'] !== undefined ? { sourceIfMatch: h['x-amz-copy-source-if-match'] } : {}),
      ...(h['x-amz-copy-source-if-none-match'] !== undefined ? { sourceIfNoneMatch: h['x-amz-copy-source-if-none-match'] } : {}),
      ...(h['if-none-match'] !== undefined ? { ifNoneMatch: h['if-none-match'] } : {}),
      ...(h['if-match'] !== undefined ? { ifMatch: h['if-match'] } : {}),
      requestId,
    });
    return xmlResponse(
      200,
      document('CopyObjectResult', element('ETag', record.etag) + element('LastModified', record.lastModified)),
      requestId,
    );
  }

  /** PutObjectTagging replaces the tags, GetObjectTagging lists them, DeleteObjectTagging removes them. */
  private async objectTagging(request: WireRequest, bucket: string, key: string, requestId: string): Promise<WireResponse> {
    switch (request.method) {
      case 'PUT':
        await this.store.setTags(bucket, key, tagsOfDocument(documentBody(request)));
        return { status: 200, headers: { 'x-amz-request-id': requestId } };
      case 'GET':
        return xmlResponse(200, document('Tagging', tagSetXml(this.store.head(bucket, key).tags)), requestId);
      case 'DELETE':
        await this.store.setTags(bucket, key, {});
        return { status: 204, headers: { 'x-amz-request-id': requestId } };
    }
    throw new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.', {
      Method: request.method,
      ResourceType: 'OBJECT',
    });
  }

  /** `x-amz-copy-source`: `[/]bucket/key[?versionId=…]`, URL-encoded. */
  private parseCopySource(header: string): { bucket: string; key: string } {
    const withoutVersion = header.split('?')[0] ?? '';
    let decoded: string;
    try {
      decoded = decodeURIComponent(withoutVersion);
    } catch {
      throw invalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 'x-amz-copy-source', header);
    }
    const trimmed = decoded.startsWith('/') ? decoded.slice(1) : decoded;
    const slash = trimmed.indexOf('/');
    if (slash <= 0 || slash === trimmed.length - 1) {
      throw invalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 'x-amz-copy-source', header);
    }
    return { bucket: trimmed.slice(0, slash), key: trimmed.slice(slash + 1) };
  }

  // ---- multipart ----

  private async createUpload(request: WireRequest, bucket: string, key: string, requestId: string): Promise<WireResponse> {
    const upload = await this.store.createUpload(bucket, key, attributesOf(request.headers));
    return xmlResponse(
      200,
      document('InitiateMultipartUploadResult', element('Bucket', bucket) + element('Key', key) + element('UploadId', upload.uploadId)),
      requestId,
    );
  }

  private async uploadPart(request: WireRequest, bucket: string, key: string, requestId: string): Promise<WireResponse> {
    const uploadId = request.query.get('uploadId');
    const partNumber = request.query.get('partNumber');
    if (uploadId === null || partNumber === null) throw invalidRequest('UploadPart needs both uploadId and partNumber');
    const checksum = checksumOf(request.headers);
    const contentMd5 = request.headers['content-md5'];
    const part = await this.store.uploadPart(bucket, key, uploadId, Number(partNumber), objectBody(request), {
      ...(contentMd5 !== undefined ? { contentMd5 } : {}),
      ...(checksum ? { checksum } : {}),
    });
    const headers: Record<string, string> = { etag: part.etag, 'x-amz-request-id': requestId };
    if (checksum) headers[`x-amz-checksum-${checksum.algorithm}`] = checksum.value;
    return { status: 200, headers };
  }

  private async completeUpload(
    request: WireRequest,
    bucket: string,
    key: string,
    uploadId: string,
    requestId: string,
  ): Promise<WireResponse> {
    const parsed = parseXml(documentBody(request), 'CompleteMultipartUpload');
    const parts = ((parsed['Part'] as unknown[] | undefined) ?? []).map((part) => {
      const fields = part as Record<string, unknown>;
      const partNumber = Number(textOf(fields['PartNumber']));
      const etag = textOf(fields['ETag']);
      if (!Number.isInteger(partNumber) || etag === undefined) throw malformedXml();
      return { partNumber, etag };
    });
    const h = request.headers;
    const record = await this.store.completeUpload(bucket, key, uploadId, parts, {
      ...(h['if-none-match'] !== undefined ? { ifNoneMatch: h['if-none-match'] } : {}),
      ...(h['if-match'] !== undefined ? { ifMatch: h['if-match'] } : {}),
      requestId,
    });
    const location = `http://${request.headers['host'] ?? 'localhost'}/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
    return xmlResponse(
      200,
      document(
        'CompleteMultipartUploadResult',
        element('Location', location) + element('Bucket', bucket) + element('Key', key) + element('ETag', record.etag),
      ),
      requestId,
    );
  }

  private async listParts(bucket: string, key: string, uploadId: string, requestId: string): Promise<WireResponse> {
    const { parts } = await this.store.listParts(bucket, key, uploadId);
    const inner =
      element('Bucket', bucket) +
      element('Key', key) +
      element('UploadId', uploadId) +
      element('PartNumberMarker', 0) +
      element('NextPartNumberMarker', parts.at(-1)?.partNumber ?? 0) +
      element('MaxParts', 1000) +
      element('IsTruncated', false) +
      parts
        .map(
          (part) =>
            `<Part>${element('PartNumber', part.partNumber)}${element('LastModified', part.lastModified)}${element('ETag', part.etag)}${element('Size', part.size)}</Part>`,
        )
        .join('') +
      OWNER +
      element('StorageClass', 'STANDARD');
    return xmlResponse(200, document('ListPartsResult', inner), requestId);
  }

  private async listUploads(bucket: string, requestId: string): Promise<WireResponse> {
    const uploads = await this.store.listUploads(bucket);
    const inner =
      element('Bucket', bucket) +
      element('KeyMarker', '') +
      element('UploadIdMarker', '') +
      element('MaxUploads', 1000) +
      element('IsTruncated', false) +
      uploads
        .map(
          (upload) =>
            `<Upload>${element('Key', upload.key)}${element('UploadId', upload.uploadId)}${OWNER}${element('StorageClass', 'STANDARD')}${element('Initiated', upload.initiated)}</Upload>`,
        )
        .join('');
    return xmlResponse(200, document('ListMultipartUploadsResult', inner), requestId);
  }
}
