import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  BucketAlreadyOwnedByYou,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteObjectTaggingCommand,
  GetBucketLocationCommand,
  GetBucketNotificationConfigurationCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  NoSuchBucket,
  NoSuchKey,
  NoSuchUpload,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
  type S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '@recops/local';
import { readEventLog } from '@recops/local';
import { rawS3, s3Client, startCloud, tempDir } from './helpers';

const md5 = (data: Buffer | string): string => createHash('md5').update(data).digest('hex');

async function errorOf(promise: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await promise;
  } catch (error) {
    return error as S3ServiceException;
  }
  throw new Error('expected the call to fail');
}

async function listAll(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

describe('S3: buckets and objects against the local cloud', () => {
  let root: Awaited<ReturnType<typeof tempDir>>;
  let dataDir: string;
  let cloud: LocalCloud;
  let s3: S3Client;

  beforeAll(async () => {
    root = await tempDir('recops-s3-');
    dataDir = join(root.dir, 'data');
    cloud = await startCloud(dataDir);
    s3 = s3Client(cloud);
    await s3.send(new CreateBucketCommand({ Bucket: 'recops-data' }));
  });
  afterAll(async () => {
    s3.destroy();
    await cloud.close();
    await root.remove();
  });

  describe('Operation: buckets', () => {
    it('returns created buckets from ListBuckets and HeadBucket', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: 'other-bucket' }));
      const listed = await s3.send(new ListBucketsCommand({}));
      expect(listed.Buckets?.map((b) => b.Name)).toEqual(['other-bucket', 'recops-data']);
      const head = await s3.send(new HeadBucketCommand({ Bucket: 'other-bucket' }));
      expect(head.BucketRegion).toBe('us-east-1');
      const location = await s3.send(new GetBucketLocationCommand({ Bucket: 'other-bucket' }));
      expect(location.LocationConstraint).toBeUndefined();
    });

    it('accepts re-creating an owned bucket in us-east-1 but answers BucketAlreadyOwnedByYou with a LocationConstraint', async () => {
      await s3.send(new CreateBucketCommand({ Bucket: 'recops-data' }));
      const error = await errorOf(
        s3.send(new CreateBucketCommand({ Bucket: 'recops-data', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })),
      );
      expect(error).toBeInstanceOf(BucketAlreadyOwnedByYou);
      expect(error.$metadata.httpStatusCode).toBe(409);
    });

    it('rejects invalid bucket names with InvalidBucketName', async () => {
      const error = await errorOf(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })));
      expect(error.name).toBe('InvalidBucketName');
    });

    it('raises NoSuchBucket for a missing bucket and NotFound for HeadBucket', async () => {
      expect(await errorOf(s3.send(new ListObjectsV2Command({ Bucket: 'missing-bucket' })))).toBeInstanceOf(NoSuchBucket);
      const head = await errorOf(s3.send(new HeadBucketCommand({ Bucket: 'missing-bucket' })));
      expect(head.$metadata.httpStatusCode).toBe(404);
    });

    it('refuses to delete a non-empty bucket and deletes an empty one', async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'other-bucket', Key: 'x', Body: 'x' }));
      expect((await errorOf(s3.send(new DeleteBucketCommand({ Bucket: 'other-bucket' })))).name).toBe('BucketNotEmpty');
      await s3.send(new DeleteObjectCommand({ Bucket: 'other-bucket', Key: 'x' }));
      await s3.send(new DeleteBucketCommand({ Bucket: 'other-bucket' }));
      expect(await errorOf(s3.send(new HeadBucketCommand({ Bucket: 'other-bucket' })))).toHaveProperty('$metadata.httpStatusCode', 404);
    });
  });

  describe('Operation: objects', () => {
    it('returns what PutObject stored, with an MD5 ETag, content type and metadata', async () => {
      const body = 'user_id,item_id\n1,2\n';
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: 'recops-data',
          Key: 'train/a b+c.csv',
          Body: body,
          ContentType: 'text/csv',
          Metadata: { owner: 'ops' },
        }),
      );
      expect(put.ETag).toBe(`"${md5(body)}"`);
      const got = await s3.send(new GetObjectCommand({ Bucket: 'recops-data', Key: 'train/a b+c.csv' }));
      expect(await got.Body?.transformToString()).toBe(body);
      expect(got.ContentType).toBe('text/csv');
      expect(got.Metadata).toEqual({ owner: 'ops' });
      expect(got.ETag).toBe(put.ETag);
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'recops-data', Key: 'train/a b+c.csv' }));
      expect(head.ContentLength).toBe(Buffer.byteLength(body));
      expect(head.LastModified).toBeInstanceOf(Date);
    });

    it('stores streamed bodies byte for byte', async () => {
      const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
      await s3.send(
        new PutObjectCommand({
          Bucket: 'recops-data',
          Key: 'bin/stream',
          Body: Readable.from([bytes.subarray(0, 30_000), bytes.subarray(30_000)]),
          ContentLength: bytes.length,
        }),
      );
      const got = await s3.send(new GetObjectCommand({ Bucket: 'recops-data', Key: 'bin/stream' }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(bytes)).toBe(true);
    });

    it('answers BadDigest when Content-MD5 or a CRC32 checksum disagrees with the body, and stores nothing', async () => {
      const wrongMd5 = await rawS3(cloud.endpoint, 'PUT', '/recops-data/digest/a', 'body', {
        'content-md5': createHash('md5').update('other').digest('base64'),
      });
      expect(wrongMd5.status).toBe(400);
      expect(wrongMd5.body).toContain('<Code>BadDigest</Code>');
      const wrongCrc = await rawS3(cloud.endpoint, 'PUT', '/recops-data/digest/a', 'body', { 'x-amz-checksum-crc32': 'AAAAAA==' });
      expect(wrongCrc.status).toBe(400);
      expect(wrongCrc.body).toContain('<Code>BadDigest</Code>');
      expect(await errorOf(s3.send(new HeadObjectCommand({ Bucket: 'recops-data', Key: 'digest/a' })))).toHaveProperty('name', 'NotFound');
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'recops-data', Key: 'digest/mpu' }));
      const wrongPart = await rawS3(cloud.endpoint, 'PUT', `/recops-data/digest/mpu?partNumber=1&uploadId=${UploadId}`, 'part', {
        'x-amz-checksum-crc32': 'AAAAAA==',
      });
      expect(wrongPart.body).toContain('<Code>BadDigest</Code>');
      await s3.send(new AbortMultipartUploadCommand({ Bucket: 'recops-data', Key: 'digest/mpu', UploadId }));
    });

    it('serves byte ranges with 206', async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'range.txt', Body: '0123456789' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: 'recops-data', Key: 'range.txt', Range: 'bytes=2-5' }));
      expect(got.$metadata.httpStatusCode).toBe(206);
      expect(got.ContentRange).toBe('bytes 2-5/10');
      expect(await got.Body?.transformToString()).toBe('2345');
      const tail = await s3.send(new GetObjectCommand({ Bucket: 'recops-data', Key: 'range.txt', Range: 'bytes=-3' }));
      expect(await tail.Body?.transformToString()).toBe('789');
    });

    it('raises NoSuchKey for a missing key and NotFound on HeadObject', async () => {
      const error = await errorOf(s3.send(new GetObjectCommand({ Bucket: 'recops-data', Key: 'nope' })));
      expect(error).toBeInstanceOf(NoSuchKey);
      expect(error.$metadata.httpStatusCode).toBe(404);
      const head = await errorOf(s3.send(new HeadObjectCommand({ Bucket: 'recops-data', Key: 'nope' })));
      expect(head.name).toBe('NotFound');
    });

    it('deletes objects one by one and in batches', async () => {
      for (const key of ['del/1', 'del/2', 'del/3']) await s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: key, Body: key }));
      await s3.send(new DeleteObjectCommand({ Bucket: 'recops-data', Key: 'del/1' }));
      await s3.send(new DeleteObjectCommand({ Bucket: 'recops-data', Key: 'del/1' })); // deleting twice is fine, as in S3
      const batch = await s3.send(
        new DeleteObjectsCommand({ Bucket: 'recops-data', Delete: { Objects: [{ Key: 'del/2' }, { Key: 'del/3' }] } }),
      );
      expect(batch.Deleted?.map((d) => d.Key)).toEqual(['del/2', 'del/3']);
      const left = await s3.send(new ListObjectsV2Command({ Bucket: 'recops-data', Prefix: 'del/' }));
      expect(left.KeyCount).toBe(0);
      expect(await errorOf(s3.send(new GetObjectCommand({ Bucket: 'recops-data', Key: 'del/2' })))).toBeInstanceOf(NoSuchKey);
    });

    it('copies objects with their metadata, or replaces it', async () => {
      await s3.send(
        new PutObjectCommand({
          Bucket: 'recops-data',
          Key: 'copy/src.json',
          Body: '{"a":1}',
          ContentType: 'application/json',
          Metadata: { run: 'r1' },
        }),
      );
      const copied = await s3.send(
        new CopyObjectCommand({ Bucket: 'recops-data', Key: 'copy/dst.json', CopySource: 'recops-data/copy/src.json' }),
      );
      expect(copied.CopyObjectResult?.ETag).toBe(`"${md5('{"a":1}')}"`);
      const dst = await s3.send(new GetObjectCommand({ Bucket: 'recops-data', Key: 'copy/dst.json' }));
      expect(await dst.Body?.transformToString()).toBe('{"a":1}');
      expect(dst.Metadata).toEqual({ run: 'r1' });
      expect(dst.ContentType).toBe('application/json');

      await s3.send(
        new CopyObjectCommand({
          Bucket: 'recops-data',
          Key: 'copy/src.json',
          CopySource: 'recops-data/copy/src.json',
          MetadataDirective: 'REPLACE',
          Metadata: { run: 'r2' },
          ContentType: 'text/plain',
        }),
      );
      const replaced = await s3.send(new HeadObjectCommand({ Bucket: 'recops-data', Key: 'copy/src.json' }));
      expect(replaced.Metadata).toEqual({ run: 'r2' });
      expect(replaced.ContentType).toBe('text/plain');

      const missing = await errorOf(
        s3.send(new CopyObjectCommand({ Bucket: 'recops-data', Key: 'copy/x', CopySource: 'recops-data/copy/none' })),
      );
      expect(missing).toBeInstanceOf(NoSuchKey);
      const self = await errorOf(
        s3.send(new CopyObjectCommand({ Bucket: 'recops-data', Key: 'copy/dst.json', CopySource: 'recops-data/copy/dst.json' })),
      );
      expect(self.name).toBe('InvalidRequest');
    });
  });

  describe('Operation: ListObjectsV2 and ListObjects', () => {
    beforeAll(async () => {
      const keys = ['list/a.csv', 'list/b/1.csv', 'list/b/2.csv', 'list/c.csv', 'list/d/1.csv', 'list/e.csv', 'list/f 1.csv'];
      for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: key, Body: key }));
    });

    it('filters by prefix in UTF-8 key order', async () => {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: 'recops-data', Prefix: 'list/b/' }));
      expect(page.Contents?.map((c) => c.Key)).toEqual(['list/b/1.csv', 'list/b/2.csv']);
      expect(page.Contents?.[0]?.ETag).toBe(`"${md5('list/b/1.csv')}"`);
      expect(page.Contents?.[0]?.Size).toBe('list/b/1.csv'.length);
      expect(page.IsTruncated).toBe(false);
    });

    it('rolls keys up into common prefixes with a delimiter', async () => {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: 'recops-data', Prefix: 'list/', Delimiter: '/' }));
      expect(page.Contents?.map((c) => c.Key)).toEqual(['list/a.csv', 'list/c.csv', 'list/e.csv', 'list/f 1.csv']);
      expect(page.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['list/b/', 'list/d/']);
      expect(page.KeyCount).toBe(6);
    });

    it('pages with continuation tokens without repeating or skipping entries', async () => {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: 'recops-data', Prefix: 'list/', Delimiter: '/', MaxKeys: 2, ContinuationToken: token }),
        );
        pages++;
        seen.push(...(page.Contents ?? []).map((c) => c.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
        expect(page.KeyCount).toBeLessThanOrEqual(2);
        token = page.NextContinuationToken;
        if (page.IsTruncated) expect(token).toBeDefined();
      } while (token);
      expect(pages).toBe(3);
      expect(seen.sort()).toEqual(['list/a.csv', 'list/b/', 'list/c.csv', 'list/d/', 'list/e.csv', 'list/f 1.csv']);
    });

    it('starts after StartAfter', async () => {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: 'recops-data', Prefix: 'list/', StartAfter: 'list/c.csv' }));
      expect(page.Contents?.map((c) => c.Key)).toEqual(['list/d/1.csv', 'list/e.csv', 'list/f 1.csv']);
    });

    it('url-encodes keys when asked (as the AWS CLI asks)', async () => {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: 'recops-data', Prefix: 'list/f', EncodingType: 'url' }));
      expect(page.Contents?.map((c) => c.Key)).toEqual(['list%2Ff%201.csv']);
    });

    it('pages ListObjects (v1) with markers', async () => {
      const first = await s3.send(new ListObjectsCommand({ Bucket: 'recops-data', Prefix: 'list/', Delimiter: '/', MaxKeys: 3 }));
      expect(first.IsTruncated).toBe(true);
      expect([...(first.Contents ?? []).map((c) => c.Key), ...(first.CommonPrefixes ?? []).map((p) => p.Prefix)].sort()).toEqual([
        'list/a.csv',
        'list/b/',
        'list/c.csv',
      ]);
      const second = await s3.send(
        new ListObjectsCommand({ Bucket: 'recops-data', Prefix: 'list/', Delimiter: '/', Marker: first.NextMarker }),
      );
      expect([...(second.Contents ?? []).map((c) => c.Key), ...(second.CommonPrefixes ?? []).map((p) => p.Prefix)].sort()).toEqual([
        'list/d/',
        'list/e.csv',
        'list/f 1.csv',
      ]);
    });
  });

  describe('Operation: multipart upload', () => {
    const part1 = Buffer.alloc(5 * 1024 * 1024, 7);
    const part2 = Buffer.from('tail of the object');

    it('joins parts into one object with the multipart ETag S3 computes', async () => {
      const { UploadId } = await s3.send(
        new CreateMultipartUploadCommand({ Bucket: 'recops-data', Key: 'mpu/big.bin', ContentType: 'application/x-test' }),
      );
      const p1 = await s3.send(new UploadPartCommand({ Bucket: 'recops-data', Key: 'mpu/big.bin', UploadId, PartNumber: 1, Body: part1 }));
      const p2 = await s3.send(new UploadPartCommand({ Bucket: 'recops-data', Key: 'mpu/big.bin', UploadId, PartNumber: 2, Body: part2 }));
      expect(p1.ETag).toBe(`"${md5(part1)}"`);
      const parts = await s3.send(new ListPartsCommand({ Bucket: 'recops-data', Key: 'mpu/big.bin', UploadId }));
      expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([
        [1, part1.length],
        [2, part2.length],
      ]);
      const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: 'recops-data' }));
      expect(uploads.Uploads?.map((u) => u.UploadId)).toContain(UploadId);

      const done = await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'recops-data',
          Key: 'mpu/big.bin',
          UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: p1.ETag },
              { PartNumber: 2, ETag: p2.ETag },
            ],
          },
        }),
      );
      const expected = createHash('md5')
        .update(Buffer.concat([Buffer.from(md5(part1), 'hex'), Buffer.from(md5(part2), 'hex')]))
        .digest('hex');
      expect(done.ETag).toBe(`"${expected}-2"`);
      const got = await s3.send(new GetObjectCommand({ Bucket: 'recops-data', Key: 'mpu/big.bin' }));
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      expect(bytes.equals(Buffer.concat([part1, part2]))).toBe(true);
      expect(got.ContentType).toBe('application/x-test');
      expect(await errorOf(s3.send(new ListPartsCommand({ Bucket: 'recops-data', Key: 'mpu/big.bin', UploadId })))).toBeInstanceOf(
        NoSuchUpload,
      );
    });

    it('rejects parts below 5 MiB (but the last), wrong ETags and aborted uploads', async () => {
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'recops-data', Key: 'mpu/small.bin' }));
      const p1 = await s3.send(
        new UploadPartCommand({ Bucket: 'recops-data', Key: 'mpu/small.bin', UploadId, PartNumber: 1, Body: part2 }),
      );
      const p2 = await s3.send(
        new UploadPartCommand({ Bucket: 'recops-data', Key: 'mpu/small.bin', UploadId, PartNumber: 2, Body: part2 }),
      );
      const complete = (parts: { PartNumber: number; ETag?: string }[]): Promise<unknown> =>
        s3.send(
          new CompleteMultipartUploadCommand({ Bucket: 'recops-data', Key: 'mpu/small.bin', UploadId, MultipartUpload: { Parts: parts } }),
        );
      expect(
        (
          await errorOf(
            complete([
              { PartNumber: 1, ETag: p1.ETag },
              { PartNumber: 2, ETag: p2.ETag },
            ]),
          )
        ).name,
      ).toBe('EntityTooSmall');
      expect((await errorOf(complete([{ PartNumber: 1, ETag: '"0000"' }]))).name).toBe('InvalidPart');
      expect(
        (
          await errorOf(
            complete([
              { PartNumber: 2, ETag: p2.ETag },
              { PartNumber: 1, ETag: p1.ETag },
            ]),
          )
        ).name,
      ).toBe('InvalidPartOrder');
      await s3.send(new AbortMultipartUploadCommand({ Bucket: 'recops-data', Key: 'mpu/small.bin', UploadId }));
      expect(await errorOf(complete([{ PartNumber: 1, ETag: p1.ETag }]))).toBeInstanceOf(NoSuchUpload);
      expect(await errorOf(s3.send(new HeadObjectCommand({ Bucket: 'recops-data', Key: 'mpu/small.bin' })))).toHaveProperty(
        'name',
        'NotFound',
      );
    });
  });

  describe('Operation: conditional writes', () => {
    it('answers 412 PreconditionFailed to If-None-Match: * when the key exists', async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'runs/r1.json', Body: '{"v":1}', IfNoneMatch: '*' }));
      const error = await errorOf(
        s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'runs/r1.json', Body: '{"v":2}', IfNoneMatch: '*' })),
      );
      expect(error.name).toBe('PreconditionFailed');
      expect(error.$metadata.httpStatusCode).toBe(412);
      const got = await s3.send(new GetObjectCommand({ Bucket: 'recops-data', Key: 'runs/r1.json' }));
      expect(await got.Body?.transformToString()).toBe('{"v":1}');
    });

    it('writes with If-Match only when the ETag is current', async () => {
      const first = await s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'runs/r2.json', Body: 'a' }));
      const second = await s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'runs/r2.json', Body: 'b', IfMatch: first.ETag }));
      const stale = await errorOf(
        s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'runs/r2.json', Body: 'c', IfMatch: first.ETag })),
      );
      expect(stale.$metadata.httpStatusCode).toBe(412);
      const got = await s3.send(new GetObjectCommand({ Bucket: 'recops-data', Key: 'runs/r2.json' }));
      expect(got.ETag).toBe(second.ETag);
      // S3 answers If-Match on a key that does not exist with 404 NoSuchKey.
      const missing = await errorOf(
        s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'runs/none.json', Body: 'x', IfMatch: first.ETag })),
      );
      expect(missing).toBeInstanceOf(NoSuchKey);
    });

    it('lets exactly one of many concurrent If-None-Match writers win', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'runs/race.json', Body: `writer ${i}`, IfNoneMatch: '*' })),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(
        results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.$metadata.httpStatusCode),
      ).toEqual(Array(7).fill(412));
    });

    it('answers conditional reads with 304 and 412', async () => {
      const put = await s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'cond/read', Body: 'x' }));
      const notModified = await errorOf(s3.send(new GetObjectCommand({ Bucket: 'recops-data', Key: 'cond/read', IfNoneMatch: put.ETag })));
      expect(notModified.$metadata.httpStatusCode).toBe(304);
      const failed = await errorOf(s3.send(new GetObjectCommand({ Bucket: 'recops-data', Key: 'cond/read', IfMatch: '"abc"' })));
      expect(failed.$metadata.httpStatusCode).toBe(412);
    });
  });

  describe('Operation: addressing', () => {
    it('serves virtual-hosted-style requests addressed to <bucket>.localhost', async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'vhost/k.txt', Body: 'virtual' }));
      const reply = await rawS3(cloud.endpoint, 'GET', '/vhost/k.txt', undefined, { host: `recops-data.localhost:${cloud.port}` });
      expect(reply.status).toBe(200);
      expect(reply.body).toBe('virtual');
    });

    it('serves presigned-style requests that carry their credential in the query', async () => {
      const credential = encodeURIComponent('test/20260101/us-east-1/s3/aws4_request');
      const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const url = `${cloud.endpoint}/recops-data/vhost/k.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${credential}&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=00`;
        fetch(url).then(async (res) => resolve({ status: res.status, body: await res.text() }), reject);
      });
      expect(reply).toEqual({ status: 200, body: 'virtual' });
    });
  });

  describe('Operation: key safety', () => {
    it.each([
      ['a ".." segment', '/recops-data/a/../../escape.txt'],
      ['an encoded ".." segment', '/recops-data/%2E%2E/%2E%2E/escape.txt'],
      ['an absolute path', '/recops-data//etc/escape.txt'],
      ['a NUL', '/recops-data/a%00b'],
    ])('rejects a key with %s and writes nothing outside the data directory', async (_label, path) => {
      const before = await listAll(root.dir);
      const reply = await rawS3(cloud.endpoint, 'PUT', path, 'payload');
      expect(reply.status).toBe(400);
      expect(reply.body).toContain('<Code>InvalidArgument</Code>');
      expect(await listAll(root.dir)).toEqual(before);
      const get = await rawS3(cloud.endpoint, 'GET', path);
      expect(get.status).toBe(400);
    });

    it('rejects such keys through the SDK too', async () => {
      const error = await errorOf(s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: '../outside.txt', Body: 'x' })));
      expect(error.name).toBe('InvalidArgument');
      expect(error.$metadata.httpStatusCode).toBe(400);
    });
  });

  describe('Operation: notifications', () => {
    it('delivers ObjectCreated records in the S3 event shape to listeners whose prefix and suffix match', async () => {
      const received: S3Event[] = [];
      const stop = cloud.s3.onObjectCreated((event) => void received.push(event), {
        bucket: 'recops-data',
        prefix: 'batch/',
        suffix: '.out',
      });
      await s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'batch/job 1/input.json.out', Body: '{"x":1}\n' }));
      await s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'batch/job 1/input.json', Body: 'skip' }));
      await s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'train/other.out', Body: 'skip' }));
      await s3.send(
        new CopyObjectCommand({ Bucket: 'recops-data', Key: 'batch/copy.out', CopySource: 'recops-data/batch/job 1/input.json.out' }),
      );
      await cloud.s3.notificationsSettled();
      stop();
      expect(received).toHaveLength(2);
      const record = received[0]!.Records[0]!;
      expect(record).toMatchObject({
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: 'recops-data', arn: 'arn:aws:s3:::recops-data' },
          object: { key: 'batch/job+1/input.json.out', size: 8, eTag: md5('{"x":1}\n') },
        },
      });
      expect(typeof record.s3.object.sequencer).toBe('string');
      expect(received[1]!.Records[0]!.eventName).toBe('ObjectCreated:Copy');
    });

    it('notifies when a multipart upload completes and when the engine writes through the BlobStore', async () => {
      const names: string[] = [];
      const stop = cloud.s3.onObjectCreated(
        (event) => void names.push(`${event.Records[0]!.eventName} ${event.Records[0]!.s3.object.key}`),
        { prefix: 'notify/' },
      );
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'recops-data', Key: 'notify/mpu' }));
      const p = await s3.send(
        new UploadPartCommand({ Bucket: 'recops-data', Key: 'notify/mpu', UploadId, PartNumber: 1, Body: 'only part' }),
      );
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'recops-data',
          Key: 'notify/mpu',
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p.ETag }] },
        }),
      );
      await cloud.s3.blobs.write('recops-data', 'notify/engine.out', Readable.from(['line 1\n', 'line 2\n']));
      await cloud.s3.notificationsSettled();
      stop();
      expect(names).toEqual(['ObjectCreated:CompleteMultipartUpload notify/mpu', 'ObjectCreated:Put notify/engine.out']);
      const logged = (await readEventLog(dataDir)).filter((e) => e.kind === 's3.object-created');
      expect(logged.length).toBeGreaterThanOrEqual(2);
    });

    it('keeps a listener failure away from the writer', async () => {
      const stop = cloud.s3.onObjectCreated(
        () => {
          throw new Error('listener down');
        },
        { prefix: 'fail/' },
      );
      const put = await s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'fail/x', Body: 'x' }));
      expect(put.ETag).toBe(`"${md5('x')}"`);
      await cloud.s3.notificationsSettled();
      stop();
    });

    it('round-trips PutBucketNotificationConfiguration', async () => {
      await s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: 'recops-data',
          NotificationConfiguration: {
            LambdaFunctionConfigurations: [
              {
                Id: 'intake',
                LambdaFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:config-intake',
                Events: ['s3:ObjectCreated:*'],
                Filter: {
                  Key: {
                    FilterRules: [
                      { Name: 'prefix', Value: 'train/' },
                      { Name: 'suffix', Value: '.json' },
                    ],
                  },
                },
              },
            ],
          },
        }),
      );
      const got = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'recops-data' }));
      expect(got.LambdaFunctionConfigurations?.[0]).toMatchObject({ Id: 'intake', Events: ['s3:ObjectCreated:*'] });
      expect(got.LambdaFunctionConfigurations?.[0]?.Filter?.Key?.FilterRules).toEqual([
        { Name: 'prefix', Value: 'train/' },
        { Name: 'suffix', Value: '.json' },
      ]);
    });
  });

  describe('Operation: BlobStore for the engine', () => {
    it('lists, reads and writes the same objects the S3 API sees', async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'blob/in/1.csv', Body: 'a' }));
      await s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'blob/in/', Body: Buffer.alloc(0) }));
      await cloud.s3.blobs.write('recops-data', 'blob/in/2.csv', 'b');
      expect(await cloud.s3.blobs.list('recops-data', 'blob/in/')).toEqual(['blob/in/1.csv', 'blob/in/2.csv']);
      const stream = await cloud.s3.blobs.read('recops-data', 'blob/in/2.csv');
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('b');
      await expect(cloud.s3.blobs.read('recops-data', 'blob/none')).rejects.toMatchObject({ code: 'NoSuchKey' });
      const viaApi = await s3.send(new GetObjectCommand({ Bucket: 'recops-data', Key: 'blob/in/2.csv' }));
      expect(await viaApi.Body?.transformToString()).toBe('b');
    });
  });

  describe('Operation: object tagging', () => {
    const tagsOf = async (key: string) =>
      (await s3.send(new GetObjectTaggingCommand({ Bucket: 'recops-data', Key: key }))).TagSet?.map((t) => [t.Key, t.Value]);

    it('sets tags with the write and replaces them with PutObjectTagging, keeping the ETag', async () => {
      const put = await s3.send(
        new PutObjectCommand({ Bucket: 'recops-data', Key: 'tags/a.json', Body: '{}', Tagging: 'stage=dev&owner=team%20a' }),
      );
      expect(await tagsOf('tags/a.json')).toEqual([
        ['stage', 'dev'],
        ['owner', 'team a'],
      ]);
      expect((await s3.send(new HeadObjectCommand({ Bucket: 'recops-data', Key: 'tags/a.json' }))).TagCount).toBe(2);
      await s3.send(
        new PutObjectTaggingCommand({
          Bucket: 'recops-data',
          Key: 'tags/a.json',
          Tagging: { TagSet: [{ Key: 'recops-run', Value: 'finished' }] },
        }),
      );
      expect(await tagsOf('tags/a.json')).toEqual([['recops-run', 'finished']]);
      expect((await s3.send(new HeadObjectCommand({ Bucket: 'recops-data', Key: 'tags/a.json' }))).ETag).toBe(put.ETag);
      await s3.send(new DeleteObjectTaggingCommand({ Bucket: 'recops-data', Key: 'tags/a.json' }));
      expect(await tagsOf('tags/a.json')).toEqual([]);
    });

    it('copies tags unless the tagging directive replaces them, and a rewrite without tags drops them', async () => {
      await s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'tags/src', Body: 'x', Tagging: 'a=1' }));
      await s3.send(new CopyObjectCommand({ Bucket: 'recops-data', Key: 'tags/copy', CopySource: 'recops-data/tags/src' }));
      expect(await tagsOf('tags/copy')).toEqual([['a', '1']]);
      await s3.send(
        new CopyObjectCommand({
          Bucket: 'recops-data',
          Key: 'tags/replaced',
          CopySource: 'recops-data/tags/src',
          TaggingDirective: 'REPLACE',
          Tagging: 'b=2',
        }),
      );
      expect(await tagsOf('tags/replaced')).toEqual([['b', '2']]);
      await s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'tags/src', Body: 'y' }));
      expect(await tagsOf('tags/src')).toEqual([]);
    });

    it('refuses tags S3 refuses, and tagging a missing key', async () => {
      const eleven = Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
      const tooMany = await errorOf(
        s3.send(new PutObjectTaggingCommand({ Bucket: 'recops-data', Key: 'tags/src', Tagging: { TagSet: eleven } })),
      );
      expect([tooMany.name, tooMany.message]).toEqual(['BadRequest', 'Object tags cannot be greater than 10']);
      const reserved = await errorOf(
        s3.send(new PutObjectCommand({ Bucket: 'recops-data', Key: 'tags/x', Body: 'x', Tagging: 'aws:x=1' })),
      );
      expect([reserved.name, reserved.message]).toEqual(['InvalidTag', 'Your TagKey cannot be prefixed with aws:']);
      const missing = await errorOf(
        s3.send(new PutObjectTaggingCommand({ Bucket: 'recops-data', Key: 'tags/none', Tagging: { TagSet: [] } })),
      );
      expect(missing).toBeInstanceOf(NoSuchKey);
    });
  });
});

describe('S3: persistence across restarts', () => {
  it('returns every acknowledged object and upload after the process restarts', async () => {
    const root = await tempDir('recops-s3-restart-');
    try {
      let cloud = await startCloud(root.dir);
      let s3 = s3Client(cloud);
      await s3.send(new CreateBucketCommand({ Bucket: 'keep-me' }));
      await s3.send(new PutObjectCommand({ Bucket: 'keep-me', Key: 'a/1.txt', Body: 'one', Metadata: { k: 'v' } }));
      await s3.send(new PutObjectCommand({ Bucket: 'keep-me', Key: 'a/1.txt', Body: 'one again' }));
      await s3.send(new PutObjectCommand({ Bucket: 'keep-me', Key: 'b/2.txt', Body: 'two' }));
      await s3.send(new DeleteObjectCommand({ Bucket: 'keep-me', Key: 'b/2.txt' }));
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'keep-me', Key: 'c/mpu' }));
      const part = await s3.send(new UploadPartCommand({ Bucket: 'keep-me', Key: 'c/mpu', UploadId, PartNumber: 1, Body: 'part' }));
      s3.destroy();
      await cloud.close();

      cloud = await startCloud(root.dir);
      s3 = s3Client(cloud);
      const got = await s3.send(new GetObjectCommand({ Bucket: 'keep-me', Key: 'a/1.txt' }));
      expect(await got.Body?.transformToString()).toBe('one again');
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'keep-me' }));
      expect(listed.Contents?.map((c) => c.Key)).toEqual(['a/1.txt']);
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'keep-me',
          Key: 'c/mpu',
          UploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
        }),
      );
      const mpu = await s3.send(new GetObjectCommand({ Bucket: 'keep-me', Key: 'c/mpu' }));
      expect(await mpu.Body?.transformToString()).toBe('part');
      // Only live objects' bytes remain on disk: overwritten and deleted data was removed.
      const dataFiles = await readdir(join(root.dir, 's3', 'buckets', 'keep-me', 'data'));
      expect(dataFiles).toHaveLength(2);
      s3.destroy();
      await cloud.close();
    } finally {
      await root.remove();
    }
  });

  it('discards bytes a crash left without a committed record', async () => {
    const root = await tempDir('recops-s3-crash-');
    try {
      let cloud = await startCloud(root.dir);
      const s3 = s3Client(cloud);
      await s3.send(new CreateBucketCommand({ Bucket: 'crashy' }));
      await s3.send(new PutObjectCommand({ Bucket: 'crashy', Key: 'k', Body: 'committed' }));
      s3.destroy();
      await cloud.close();
      const { writeFile } = await import('node:fs/promises');
      // What a crash between writing the bytes and renaming the record leaves behind.
      await writeFile(join(root.dir, 's3', 'buckets', 'crashy', 'data', 'orphan'), 'half-written');
      await writeFile(join(root.dir, 's3', 'buckets', 'crashy', 'objects', '.x.json.1.tmp'), '{"torn');
      cloud = await startCloud(root.dir);
      expect(cloud.s3.store.head('crashy', 'k').size).toBe('committed'.length);
      expect(await readdir(join(root.dir, 's3', 'buckets', 'crashy', 'data'))).toHaveLength(1);
      expect(await readdir(join(root.dir, 's3', 'buckets', 'crashy', 'objects'))).toHaveLength(1);
      await cloud.close();
    } finally {
      await root.remove();
    }
  });
});
