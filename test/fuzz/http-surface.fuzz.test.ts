/**
 * Fuzz: the local cloud's HTTP surface. Random requests (signed for each service or not, wrong
 * targets, malformed JSON and XML, broken aws-chunked framing, oversized bodies, path traversal in
 * S3 keys and bucket names) each get an answer in the protocol's error shape within a few seconds:
 * never a 500 (a service that threw), never a dropped connection or a hang, and nothing is written
 * outside the data directory. The server still serves normal calls afterwards.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CreateBucketCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCloud, readEventLog, type LocalCloud } from '@recops/local';
import { FUZZ_TIMEOUT_MS, fuzzParameters, reportPassed } from './settings';

const MARKER = `fuzz-escape-${randomUUID().slice(0, 8)}`;
const SERVICES = ['s3', 'sqs', 'events', 'scheduler', 'personalize', 'lambda', ''];
const TARGETS = [
  'AmazonSQS.SendMessage',
  'AmazonSQS.SendMessageBatch',
  'AmazonSQS.ReceiveMessage',
  'AmazonSQS.CreateQueue',
  'AmazonSQS.DeleteMessageBatch',
  'AmazonSQS.GetQueueAttributes',
  'AmazonSQS.SetQueueAttributes',
  'AmazonSQS.StartMessageMoveTask',
  'AWSEvents.PutEvents',
  'AWSEvents.PutRule',
  'AWSEvents.PutTargets',
  'AWSEvents.CreateEventBus',
  'AWSEvents.TestEventPattern',
  'AmazonPersonalize.CreateDatasetGroup',
  'AmazonPersonalize.DescribeDatasetGroup',
  'AmazonPersonalize.CreateSchema',
  'AmazonPersonalize.CreateFilter',
  'AmazonPersonalize.CreateDataset',
  'AmazonPersonalize.CreateSolution',
  'AmazonPersonalize.ListDatasetGroups',
  'AmazonPersonalize.TagResource',
  'AmazonSQS.Nope',
  'Bogus',
  '',
  '.',
];
const FIELDS = [
  'QueueUrl',
  'QueueName',
  'MessageBody',
  'Entries',
  'Attributes',
  'Name',
  'EventBusName',
  'EventPattern',
  'Detail',
  'name',
  'schema',
  'datasetGroupArn',
  'filterExpression',
  'roleArn',
  'tags',
  'MaxNumberOfMessages',
  'VisibilityTimeout',
  'SourceArn',
  'Event',
];

const traversal = fc.constantFrom(
  '..',
  '../..',
  `../../../../tmp/${MARKER}`,
  `..%2f..%2f${MARKER}`,
  `%2e%2e/%2e%2e/${MARKER}`,
  `..\\..\\${MARKER}`,
  `/${MARKER}`,
  `a/../../${MARKER}`,
  `%00${MARKER}`,
  `x%00/../${MARKER}`,
  '.',
  './',
  '%2F',
  '~',
  `${MARKER}/..`,
  `con/${MARKER}`,
);
const keySegment = fc.oneof(fc.stringMatching(/^[a-zA-Z0-9._-]{1,12}$/), traversal, fc.string({ maxLength: 6 }).map(encodeURIComponent));
const s3Path = fc
  .tuple(
    fc.oneof(fc.constant('fuzz-bucket'), fc.constant('recops-data'), keySegment),
    fc.array(keySegment, { maxLength: 4 }),
    fc.nat({ max: 20 }),
  )
  .map(([bucket, segments, long]) => `/${bucket}/${segments.join('/')}${long === 0 ? 'k'.repeat(1100) : ''}`);
const otherPath = fc.oneof(
  fc.constant('/'),
  fc.constantFrom(
    '/schedules/x',
    '/schedule-groups/g',
    '/recommendations',
    '/personalize-ranking',
    '/events',
    '/000000000000/q',
    '/tags/arn',
  ),
  fc.array(keySegment, { maxLength: 3 }).map((segments) => `/${segments.join('/')}`),
  fc.string({ maxLength: 20 }).map((text) => `/${encodeURIComponent(text)}`),
  fc.constantFrom('/%', '/%zz', '/%E0%A4%A'),
);
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom(
    '?notification',
    '?uploads',
    '?uploadId=x&partNumber=1',
    '?partNumber=99999&uploadId=../x',
    '?delete',
    '?list-type=2&max-keys=-1',
    '?location',
    '?tagging',
    '?X-Amz-Credential=bad',
    '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a/20260101/us-east-1/s3/aws4_request&X-Amz-Signature=1',
    '?Action=SendMessage&QueueUrl=x',
    '?continuation-token=%%%',
    '?prefix=..&delimiter=/',
  ),
);
const jsonBody = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELDS), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }).map((value) => JSON.stringify(value)),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc.constantFrom('', '{', '{"a":', 'null', '[]', '"x"', '1e999', '{"__proto__":{"x":1}}', '{"Entries":[{"Detail":"{"}]}', '\u0000'),
  fc.nat({ max: 3_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
);
const xmlBody = fc.oneof(
  fc.constantFrom(
    '',
    '<',
    '<a>',
    '<NotificationConfiguration><QueueConfiguration><Queue>x</Queue></QueueConfiguration></NotificationConfiguration>',
    '<Delete><Object><Key>../../x</Key></Object></Delete>',
    '<CompleteMultipartUpload><Part><PartNumber>a</PartNumber></Part></CompleteMultipartUpload>',
    '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "bbbbbbbbbb"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><a>&c;&c;&c;</a>',
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    '<a><b></a></b>',
  ),
  fc.nat({ max: 2_000 }).map((depth) => `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`),
);
const body = fc.oneof(
  { weight: 4, arbitrary: jsonBody },
  { weight: 3, arbitrary: xmlBody },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '5\r\nabc',
      'zz\r\nabc\r\n0\r\n\r\n',
      '3\r\nabc\r\n0\r\nx-amz-checksum-crc32: AAAA\r\n\r\n',
      'ffffffffffff\r\n',
    ),
  },
  { weight: 1, arbitrary: fc.constant(Buffer.alloc(3 * 1024 * 1024, 0x41)) },
);

interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer;
}

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'PATCH'),
    service: fc.constantFrom(...SERVICES),
    auth: fc.constantFrom('signed', 'signed', 'signed', 'none', 'malformed'),
    s3: fc.boolean(),
    s3Path,
    otherPath,
    query,
    target: fc.option(fc.constantFrom(...TARGETS), { nil: undefined }),
    contentType: fc.constantFrom(
      'application/x-amz-json-1.0',
      'application/x-amz-json-1.1',
      'application/json',
      'application/xml',
      'text/plain',
      '',
    ),
    chunked: fc.nat({ max: 9 }).map((n) => n === 0),
    body,
  })
  .map(({ method, service, auth, s3, s3Path: sp, otherPath: op, query: q, target, contentType, chunked, body: b }) => {
    const headers: Record<string, string> = {};
    if (auth === 'signed')
      headers.authorization = `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;
    if (auth === 'malformed') headers.authorization = `AWS4-HMAC-SHA256 Credential=${service}`;
    if (target !== undefined) headers['x-amz-target'] = target;
    if (contentType !== '') headers['content-type'] = contentType;
    if (chunked) headers['content-encoding'] = 'aws-chunked';
    return { method, path: `${s3 || service === 's3' ? sp : op}${q}`, headers, body: b };
  });

interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

function send(endpoint: string, fuzz: FuzzRequest, timeoutMs: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = fuzz.method === 'GET' || fuzz.method === 'HEAD' ? undefined : fuzz.body;
    // Framing stays valid HTTP (Node's own parser is not the subject): the length is always sent.
    const headers = { ...fuzz.headers, 'content-length': String(payload === undefined ? 0 : Buffer.byteLength(payload)) };
    const req = request(`${endpoint}/`, { method: fuzz.method, path: fuzz.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms (a hang): ${fuzz.method} ${fuzz.path.slice(0, 200)}`));
    }, timeoutMs);
    // An early answer (body too large) may close the connection while the body is still being written.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') {
        clearTimeout(timer);
        reject(error);
      }
    });
    req.end(payload);
  });
}

/** Every file under `dir` (relative paths), skipping `skip`. */
function filesUnder(dir: string, skip: string): string[] {
  const found: string[] = [];
  const walk = (current: string): void => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (path === skip) continue;
      if (statSync(path).isDirectory()) walk(path);
      else found.push(relative(dir, path));
    }
  };
  walk(dir);
  return found;
}

describe('Fuzz: local cloud HTTP surface', () => {
  let root: string;
  let cloud: LocalCloud;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'fuzz-http-'));
    cloud = await createLocalCloud({ dataDir: join(root, 'state'), stage: 'fuzz' });
    const s3 = new S3Client({
      endpoint: cloud.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'fuzz-bucket' }));
    s3.destroy();
  }, FUZZ_TIMEOUT_MS);
  afterAll(async () => {
    await cloud.close();
    await rm(root, { recursive: true, force: true });
  }, FUZZ_TIMEOUT_MS);

  it(
    'answers every request in its protocol within the time limit, never with a 500, and writes nothing outside the data directory',
    async () => {
      const parameters = fuzzParameters('http-surface', 2_000, 40);
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(fuzzRequest, async (fuzz) => {
          const reply = await send(cloud.endpoint, fuzz, 15_000);
          statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
          expect(reply.status, `${fuzz.method} ${fuzz.path.slice(0, 200)} → ${reply.body.slice(0, 300)}`).toBeGreaterThanOrEqual(200);
          expect(reply.status, `${fuzz.method} ${fuzz.path.slice(0, 200)} → ${reply.body.slice(0, 300)}`).not.toBe(500);
          expect(reply.status).toBeLessThan(600);
          if (reply.status >= 400 && fuzz.method !== 'HEAD') {
            const shaped = reply.body.includes('<Error>') || /"(__type|message|Message)"/.test(reply.body);
            expect(shaped, `${fuzz.method} ${fuzz.path.slice(0, 200)} → ${reply.status} ${reply.body.slice(0, 300)}`).toBe(true);
            expect(reply.body.length).toBeLessThan(10_000);
          }
        }),
        parameters,
      );
      // Nothing escaped: no file outside the data directory, no file named after the marker anywhere near.
      expect(filesUnder(root, join(root, 'state'))).toEqual([]);
      expect(existsSync(join(tmpdir(), MARKER))).toBe(false);
      expect(existsSync(join('/', MARKER))).toBe(false);
      // No request credential or signature reached the event log.
      const logged = JSON.stringify(await readEventLog(cloud.dataDir));
      expect(logged).not.toContain('Credential=test/');
      expect(logged).not.toContain('Signature=');
      // Still serving.
      const s3 = new S3Client({
        endpoint: cloud.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      });
      const listed = await s3.send(new ListBucketsCommand({}));
      s3.destroy();
      // (A fuzzed DELETE may legitimately have removed the empty bucket; the call itself must work.)
      expect(listed.$metadata.httpStatusCode).toBe(200);
      reportPassed(
        'http-surface',
        parameters.numRuns ?? 0,
        `statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
