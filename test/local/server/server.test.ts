import { request } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type LocalServer } from '../../../packages/local/src/server';
import type { WireRequest } from '../../../packages/local/src/wire';

const AUTH = (service: string): string =>
  `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc`;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(server: LocalServer, method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.endpoint}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('Server: local cloud HTTP front door', () => {
  let server: LocalServer;
  const seen: WireRequest[] = [];

  beforeAll(async () => {
    server = await startServer({
      services: [
        {
          matches: (r) => r.signingName === 'echo',
          handle: async (r) => {
            seen.push(r);
            return { status: 200, headers: { 'content-type': 'text/plain' }, body: Readable.from([Buffer.from('streamed '), r.body]) };
          },
        },
        {
          matches: (r) => r.signingName === 'broken',
          handle: async () => {
            throw new Error('boom');
          },
        },
      ],
      onError: () => undefined,
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('binds the loopback address', () => {
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('routes by the SigV4 signing name and streams the response body', async () => {
    const reply = await send(
      server,
      'POST',
      '/a%20b/..%2Fc?x=1&y=two',
      { authorization: AUTH('echo'), 'x-amz-target': 'Echo.Op' },
      'payload',
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('streamed payload');
    const last = seen.at(-1)!;
    expect(last.method).toBe('POST');
    expect(last.rawPath).toBe('/a%20b/..%2Fc');
    expect(last.path).toBe('/a b/../c');
    expect(last.query.get('y')).toBe('two');
    expect(last.signingName).toBe('echo');
    expect(last.target).toBe('Echo.Op');
  });

  it('accepts presigned URLs by their X-Amz-Credential', async () => {
    const credential = encodeURIComponent('test/20260101/us-east-1/echo/aws4_request');
    const reply = await send(server, 'GET', `/obj?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${credential}&X-Amz-Signature=ff`, {});
    expect(reply.status).toBe(200);
    expect(seen.at(-1)!.signingName).toBe('echo');
  });

  it('decodes aws-chunked bodies and exposes trailing checksums as headers', async () => {
    const body = '5;chunk-signature=aa\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n';
    const reply = await send(
      server,
      'PUT',
      '/k',
      {
        authorization: AUTH('echo'),
        'content-encoding': 'aws-chunked',
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      },
      body,
    );
    expect(reply.body).toBe('streamed hello world');
    expect(seen.at(-1)!.headers['x-amz-checksum-crc32']).toBe('AAAAAA==');
    expect(seen.at(-1)!.headers['content-encoding']).toBeUndefined();
  });

  it('rejects unsigned S3-style requests with an XML AccessDenied', async () => {
    const reply = await send(server, 'GET', '/bucket/key', {});
    expect(reply.status).toBe(403);
    expect(reply.body).toContain('<Code>AccessDenied</Code>');
  });

  it('rejects unsigned JSON-protocol requests with MissingAuthenticationTokenException', async () => {
    const reply = await send(
      server,
      'POST',
      '/',
      { 'x-amz-target': 'AmazonSQS.ListQueues', 'content-type': 'application/x-amz-json-1.0' },
      '{}',
    );
    expect(reply.status).toBe(403);
    expect(JSON.parse(reply.body).__type).toBe('MissingAuthenticationTokenException');
  });

  it('rejects a malformed SigV4 Authorization header', async () => {
    const reply = await send(server, 'GET', '/bucket', { authorization: 'AWS4-HMAC-SHA256 Credential=nope' });
    expect(reply.status).toBe(400);
    expect(reply.body).toContain('<Code>AuthorizationHeaderMalformed</Code>');
  });

  it('answers requests no service owns with a named error', async () => {
    const reply = await send(server, 'POST', '/', { authorization: AUTH('kinesis'), 'x-amz-target': 'Kinesis_20131202.ListStreams' }, '{}');
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).__type).toBe('UnknownOperationException');
  });

  it('turns a failing service into a 500 in the protocol shape', async () => {
    const reply = await send(server, 'GET', '/x', { authorization: AUTH('broken') });
    expect(reply.status).toBe(500);
    expect(reply.body).toContain('<Code>InternalError</Code>');
  });
});
