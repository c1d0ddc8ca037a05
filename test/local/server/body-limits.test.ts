import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { CreateDatasetGroupCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCloud, startServer, type LocalCloud } from '@recops/local';
import { rawS3, s3Client, tempDir } from '../s3/helpers';

const MIB = 1024 * 1024;
const client = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const md5 = (data: Buffer): string => createHash('md5').update(data).digest('hex');

/** A raw request with a JSON-protocol target header and a body of `size` bytes, sent in chunks. */
function rawJson(
  endpoint: string,
  target: string,
  size: number,
  declareLength: boolean,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${endpoint}/`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': target,
          authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=abc',
          ...(declareLength ? { 'content-length': String(size) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      },
    );
    // The server may answer and close before the whole body is written.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const write = (): void => {
      while (sent < size) {
        const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', write);
          return;
        }
      }
      req.end();
    };
    write();
  });
}

describe('Server: request body limits', () => {
  let cloud: LocalCloud;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    const temp = await tempDir('recops-limits-');
    remove = temp.remove;
    cloud = await createLocalCloud({ dataDir: temp.dir });
  });
  afterAll(async () => {
    await cloud.close();
    await remove();
  });

  it.each([true, false])('refuses a JSON body over 2 MiB with 413 RequestEntityTooLarge (Content-Length sent: %s)', async (declared) => {
    const reply = await rawJson(cloud.endpoint, 'AmazonSQS.ListQueues', 8 * MIB, declared);
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body)).toMatchObject({ __type: 'RequestEntityTooLarge' });
    expect(reply.headers['connection']).toBe('close');
  });

  it('keeps answering after refusing an oversized body', async () => {
    const sqs = new SQSClient({ ...client, endpoint: cloud.endpoint });
    const created = await sqs.send(new CreateQueueCommand({ QueueName: 'after-limit' }));
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: created.QueueUrl, MessageBody: 'x'.repeat(3 * MIB) }))).rejects.toThrow();
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: created.QueueUrl, MessageBody: 'small' }));
    expect(sent.MessageId).toBeDefined();
    sqs.destroy();
  });

  it('streams an S3 object larger than the in-memory limit to disk and serves it back whole', async () => {
    const s3 = s3Client(cloud);
    await s3.send(new CreateBucketCommand({ Bucket: 'big-objects' }));
    const data = Buffer.alloc(5 * MIB);
    for (let i = 0; i < data.length; i += 4096) data.writeUInt32LE(i, i);
    const put = await s3.send(new PutObjectCommand({ Bucket: 'big-objects', Key: 'data.bin', Body: data }));
    expect(put.ETag).toBe(`"${md5(data)}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'big-objects', Key: 'data.bin' }));
    const bytes = Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
    expect(md5(bytes)).toBe(md5(data));
    // The spool file is gone once the request is answered.
    expect(await readdir(join(cloud.dataDir, 'tmp', 'bodies'))).toEqual([]);
    s3.destroy();
  });

  it('refuses an S3 XML document too large to hold in memory with MaxMessageLengthExceeded', async () => {
    const s3 = s3Client(cloud);
    await s3.send(new CreateBucketCommand({ Bucket: 'xml-limit' }));
    s3.destroy();
    const reply = await rawS3(
      cloud.endpoint,
      'PUT',
      '/xml-limit?notification',
      `<NotificationConfiguration>${' '.repeat(2 * MIB)}</NotificationConfiguration>`,
    );
    expect(reply.status).toBe(400);
    expect(reply.body).toContain('<Code>MaxMessageLengthExceeded</Code>');
  });
});

describe('Server: error messages quote a prefix of a bad value', () => {
  let cloud: LocalCloud;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    const temp = await tempDir('recops-quote-');
    remove = temp.remove;
    cloud = await createLocalCloud({ dataDir: temp.dir });
  });
  afterAll(async () => {
    await cloud.close();
    await remove();
  });

  it('answers a 1 MB Personalize name with a short ValidationException naming the member', async () => {
    const personalize = new PersonalizeClient({ ...client, endpoint: cloud.endpoint });
    const error = await personalize.send(new CreateDatasetGroupCommand({ name: 'n'.repeat(MIB) })).catch((caught: Error) => caught);
    personalize.destroy();
    expect((error as Error).name).toBe('InvalidInputException');
    expect((error as Error).message).toContain("at 'name'");
    expect((error as Error).message).toContain(`(${MIB} characters)`);
    expect((error as Error).message.length).toBeLessThan(600);
  });

  it('answers a 1 MB SQS queue name with a short InvalidParameterValue', async () => {
    const sqs = new SQSClient({ ...client, endpoint: cloud.endpoint });
    const error = await sqs.send(new CreateQueueCommand({ QueueName: 'q'.repeat(MIB) })).catch((caught: Error) => caught);
    sqs.destroy();
    expect((error as Error).message).toContain(`(${MIB} characters)`);
    expect((error as Error).message.length).toBeLessThan(600);
  });
});

describe('Server: readiness', () => {
  it('answers 503 with Retry-After until marked ready, then serves', async () => {
    const server = await startServer({
      ready: false,
      services: [
        {
          matches: (r) => r.signingName === 'sqs',
          handle: async () => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{"QueueUrls":[]}' }),
        },
      ],
    });
    try {
      const early = await rawJson(server.endpoint, 'AmazonSQS.ListQueues', 2, true);
      expect(early.status).toBe(503);
      expect(early.headers['retry-after']).toBe('1');
      expect(JSON.parse(early.body)).toMatchObject({ __type: 'ServiceUnavailableException' });
      server.markReady();
      const ready = await rawJson(server.endpoint, 'AmazonSQS.ListQueues', 2, true);
      expect(ready.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
