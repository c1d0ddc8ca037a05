/**
 * The local cloud's single HTTP front door: one `node:http` server on a loopback address that turns
 * each request into a `WireRequest`, asks the registered `WireService`s in order which one owns it,
 * and writes the `WireResponse` back (streaming Readable bodies).
 *
 * Like AWS, it only accepts requests that look SigV4-signed (an `Authorization: AWS4-HMAC-SHA256
 * Credential=…/<date>/<region>/<service>/aws4_request` header, or a presigned URL's `X-Amz-Credential`);
 * signatures are not verified. The signing name from the credential scope is how services are told
 * apart, as the real endpoints are.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerStartError, quote } from './errors';
import {
  BodyTooLargeError,
  DEFAULT_BODY_LIMITS,
  prepareSpoolDir,
  readRequestBody,
  removeSpoolFile,
  type BodyLimits,
  type RequestBody,
} from './request-body';
import type { WireRequest, WireResponse, WireService } from './wire';

export interface LocalServerOptions {
  /** Loopback address to bind. Default `127.0.0.1`. */
  readonly host?: string;
  /** Port to bind; 0 picks a free one. Default 0. */
  readonly port?: number;
  /** Services asked in order; more can be added with `register`. */
  readonly services?: readonly WireService[];
  /**
   * Decides whether a request reaches its service (the local IAM): answers in its place, or calls
   * `forward` and may rewrite the service's answer. Default: every request is forwarded.
   */
  readonly authorize?: (request: WireRequest, forward: () => Promise<WireResponse>) => Promise<WireResponse>;
  /** Called when a service throws instead of answering (the client gets a 500 in its protocol). */
  readonly onError?: (error: unknown, request: WireRequest) => void;
  /**
   * False: every request gets a 503 (which SDKs retry) until `markReady()`, so no client sees a
   * half-started cloud (e.g. a 400 for a service not registered yet). Default true.
   */
  readonly ready?: boolean;
  /** Body size limits (see `request-body.ts`). */
  readonly bodyLimits?: BodyLimits;
  /**
   * Where large S3 bodies are spooled; emptied at start. Default: a fresh directory under the OS
   * temp directory, removed on close.
   */
  readonly spoolDir?: string;
}

export interface LocalServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  /** Adds a service after the ones already registered. */
  register(service: WireService): void;
  /** Starts answering requests (see `LocalServerOptions.ready`). */
  markReady(): void;
  /** Stops accepting, drops open keep-alive and long-poll connections, resolves when closed. */
  close(): Promise<void>;
}

/** How an error must look for the client that sent the request. */
type ErrorProtocol = 'xml' | 'json' | 'rest-json';

function errorProtocolOf(headers: Readonly<Record<string, string>>): ErrorProtocol {
  const contentType = headers['content-type'] ?? '';
  if (headers['x-amz-target'] !== undefined || contentType.startsWith('application/x-amz-json')) return 'json';
  if (contentType.startsWith('application/json')) return 'rest-json';
  return 'xml';
}

function xmlEscape(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An error in the shape the client's protocol expects, so SDKs raise the named exception. */
export function protocolError(protocol: ErrorProtocol, status: number, code: string, message: string): WireResponse {
  const requestId = randomUUID();
  if (protocol === 'xml') {
    return {
      status,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
      body:
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(code)}</Code>` +
        `<Message>${xmlEscape(message)}</Message><RequestId>${requestId}</RequestId></Error>`,
    };
  }
  return {
    status,
    headers: {
      'content-type': protocol === 'json' ? 'application/x-amz-json-1.1' : 'application/json',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': code,
    },
    body: JSON.stringify({ __type: code, message }),
  };
}

const CREDENTIAL_SCOPE = /^([^/]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request$/;

type SignatureCheck =
  | { readonly ok: true; readonly signingName: string; readonly accessKeyId: string }
  | { readonly ok: false; readonly missing: boolean };

/** Extracts the SigV4 signing name, or says why the request does not look signed. */
export function signingNameOf(headers: Readonly<Record<string, string>>, query: URLSearchParams): SignatureCheck {
  const authorization = headers['authorization'];
  if (authorization !== undefined) {
    const match = /^AWS4-HMAC-SHA256\s+(.*)$/.exec(authorization.trim());
    if (!match?.[1]) return { ok: false, missing: false };
    const parts = new Map<string, string>();
    for (const part of match[1].split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const scope = CREDENTIAL_SCOPE.exec(parts.get('Credential') ?? '');
    if (!scope?.[2] || !parts.has('SignedHeaders') || !parts.has('Signature')) return { ok: false, missing: false };
    return { ok: true, signingName: scope[2], accessKeyId: scope[1] ?? '' };
  }
  const credential = query.get('X-Amz-Credential');
  if (credential !== null) {
    const scope = CREDENTIAL_SCOPE.exec(credential);
    if (!scope?.[2] || query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || !query.has('X-Amz-Signature')) {
      return { ok: false, missing: false };
    }
    return { ok: true, signingName: scope[2], accessKeyId: scope[1] ?? '' };
  }
  return { ok: false, missing: true };
}

/**
 * Decodes an `aws-chunked` body (used by SigV4 streaming uploads and by flexible-checksum
 * trailers): `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n … 0\r\n<trailer headers>\r\n\r\n`.
 * Returns the payload and the trailing headers (e.g. `x-amz-checksum-crc32`).
 */
export function decodeAwsChunked(body: Buffer): { payload: Buffer; trailers: Record<string, string> } {
  const chunks: Buffer[] = [];
  const trailers: Record<string, string> = {};
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) throw new Error('aws-chunked body ends inside a chunk header');
    const header = body.subarray(offset, lineEnd).toString('latin1');
    const size = Number.parseInt(header.split(';')[0] ?? '', 16);
    if (!Number.isFinite(size) || size < 0) throw new Error(`aws-chunked chunk header ${quote(header)} is invalid`);
    offset = lineEnd + 2;
    if (size === 0) break;
    if (offset + size > body.length) throw new Error('aws-chunked body is shorter than its chunk sizes');
    chunks.push(body.subarray(offset, offset + size));
    offset += size + 2; // chunk data is followed by CRLF
  }
  // Trailer lines until an empty line or the end of the body.
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    const line = body.subarray(offset, lineEnd < 0 ? body.length : lineEnd).toString('latin1');
    offset = lineEnd < 0 ? body.length : lineEnd + 2;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { payload: Buffer.concat(chunks), trailers };
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

interface ParseSettings {
  readonly bodyLimits: BodyLimits;
  readonly spoolDir: string;
}

/** S3 writes may carry object data: their bodies may be spooled to disk. */
function carriesObjectData(method: string, signingName: string): boolean {
  return signingName === 's3' && (method === 'PUT' || method === 'POST');
}

/** The answer to a body over its limit, in the protocol's own terms. */
function bodyTooLargeResponse(protocol: ErrorProtocol, error: BodyTooLargeError): WireResponse {
  const response =
    protocol === 'xml'
      ? error.spoolable
        ? protocolError(protocol, 400, 'EntityTooLarge', `Your proposed upload exceeds the maximum allowed size of ${error.limit} bytes.`)
        : protocolError(protocol, 400, 'MaxMessageLengthExceeded', `Your request was too big: at most ${error.limit} bytes are accepted.`)
      : protocolError(protocol, 413, 'RequestEntityTooLarge', `The request body exceeds the maximum of ${error.limit} bytes.`);
  // The rest of the body is not read: the connection cannot be reused.
  return { ...response, headers: { ...response.headers, connection: 'close' } };
}

/** Builds the WireRequest, or the error response for a request that cannot be one. */
async function parseRequest(
  req: IncomingMessage,
  settings: ParseSettings,
): Promise<{ request: WireRequest; body?: RequestBody } | WireResponse> {
  const url = req.url ?? '/';
  const queryStart = url.indexOf('?');
  const rawPath = queryStart < 0 ? url : url.slice(0, queryStart);
  const query = new URLSearchParams(queryStart < 0 ? '' : url.slice(queryStart + 1));
  const headers = lowerCaseHeaders(req);
  const protocol = errorProtocolOf(headers);

  const signature = signingNameOf(headers, query);
  if (!signature.ok) {
    req.resume();
    return signature.missing
      ? protocolError(
          protocol,
          403,
          protocol === 'xml' ? 'AccessDenied' : 'MissingAuthenticationTokenException',
          'Request is missing a SigV4 Authorization header or X-Amz-Credential query parameter',
        )
      : protocolError(
          protocol,
          400,
          protocol === 'xml' ? 'AuthorizationHeaderMalformed' : 'IncompleteSignatureException',
          'Authorization must be AWS4-HMAC-SHA256 with Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request, SignedHeaders and Signature',
        );
  }

  let path: string;
  try {
    // The path is decoded exactly once and never normalised: `..` stays visible to the service.
    path = decodeURIComponent(rawPath);
  } catch {
    req.resume();
    return protocolError(
      protocol,
      400,
      protocol === 'xml' ? 'InvalidURI' : 'InvalidInputException',
      `Path ${quote(rawPath)} is not valid percent-encoding`,
    );
  }

  const method = (req.method ?? 'GET').toUpperCase();
  const contentEncoding = headers['content-encoding'] ?? '';
  const isChunked =
    contentEncoding.split(',').some((e) => e.trim() === 'aws-chunked') || (headers['x-amz-content-sha256'] ?? '').startsWith('STREAMING-');
  const declared = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  let read: RequestBody;
  try {
    read = await readRequestBody(req, {
      limits: settings.bodyLimits,
      spoolable: carriesObjectData(method, signature.signingName),
      spoolDir: settings.spoolDir,
      chunked: isChunked,
      ...(declared !== undefined && Number.isFinite(declared) ? { declaredLength: declared } : {}),
    });
  } catch (error) {
    if (error instanceof BodyTooLargeError) return bodyTooLargeResponse(protocol, error);
    if ((error as Error).name === 'ChunkedBodyError') {
      return protocolError(protocol, 400, protocol === 'xml' ? 'IncompleteBody' : 'SerializationException', (error as Error).message);
    }
    throw error;
  }
  if (isChunked) {
    Object.assign(headers, read.trailers);
    const remaining = contentEncoding
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '' && e !== 'aws-chunked');
    if (remaining.length > 0) headers['content-encoding'] = remaining.join(', ');
    else delete headers['content-encoding'];
    headers['content-length'] = String(read.kind === 'file' ? read.size : read.body.length);
  }

  return {
    request: {
      method,
      path,
      rawPath,
      query,
      headers,
      body: read.kind === 'buffer' ? read.body : Buffer.alloc(0),
      ...(read.kind === 'file' ? { bodyFile: { path: read.file, size: read.size } } : {}),
      signingName: signature.signingName,
      accessKeyId: signature.accessKeyId,
      target: headers['x-amz-target'],
    },
    body: read,
  };
}

function isParsed(value: { request: WireRequest } | WireResponse): value is { request: WireRequest; body?: RequestBody } {
  return 'request' in value;
}

async function writeResponse(res: ServerResponse, response: WireResponse, isHead: boolean): Promise<void> {
  const headers: Record<string, string> = { ...response.headers };
  const body = response.body;
  const hasLength = Object.keys(headers).some((name) => name.toLowerCase() === 'content-length');
  if (!hasLength && body !== undefined && !(body instanceof Readable)) {
    headers['content-length'] = String(Buffer.byteLength(body));
  } else if (!hasLength && body === undefined) {
    headers['content-length'] = '0';
  }
  res.writeHead(response.status, headers);
  if (body instanceof Readable) {
    if (isHead) {
      body.destroy();
      res.end();
      return;
    }
    await new Promise<void>((resolve) => {
      body.on('error', () => {
        res.destroy();
        resolve();
      });
      res.on('close', () => {
        body.destroy();
        resolve();
      });
      body.pipe(res);
    });
    return;
  }
  res.end(isHead || body === undefined ? undefined : body);
}

/** Starts the server; resolves once it accepts connections. */
export async function startServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const host = options.host ?? '127.0.0.1';
  const services: WireService[] = [...(options.services ?? [])];

  const spoolDir = options.spoolDir ?? join(tmpdir(), `recops-spool-${process.pid}-${randomUUID()}`);
  await prepareSpoolDir(spoolDir);
  const settings: ParseSettings = { bodyLimits: options.bodyLimits ?? DEFAULT_BODY_LIMITS, spoolDir };
  let ready = options.ready ?? true;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!ready) {
      req.resume();
      const protocol = errorProtocolOf(lowerCaseHeaders(req));
      const refusal = protocolError(
        protocol,
        503,
        protocol === 'xml' ? 'ServiceUnavailable' : 'ServiceUnavailableException',
        'The local cloud is starting; retry shortly',
      );
      await writeResponse(res, { ...refusal, headers: { ...refusal.headers, 'retry-after': '1' } }, req.method === 'HEAD');
      return;
    }
    let parsed: { request: WireRequest; body?: RequestBody } | WireResponse;
    try {
      parsed = await parseRequest(req, settings);
    } catch {
      res.destroy();
      return;
    }
    if (!isParsed(parsed)) {
      await writeResponse(res, parsed, req.method === 'HEAD');
      return;
    }
    try {
      await answer(parsed.request, res);
    } finally {
      if (parsed.body) await removeSpoolFile(parsed.body).catch(() => undefined);
    }
  };

  const answer = async (parsedRequest: WireRequest, res: ServerResponse): Promise<void> => {
    const request = parsedRequest;
    const protocol = errorProtocolOf(request.headers);
    let response: WireResponse;
    const service = services.find((candidate) => candidate.matches(request));
    if (!service) {
      response = protocolError(
        protocol,
        400,
        protocol === 'xml' ? 'NotImplemented' : 'UnknownOperationException',
        `No local service handles ${request.method} ${request.rawPath} signed for "${request.signingName}"${request.target ? ` (${request.target})` : ''}`,
      );
    } else {
      try {
        response = options.authorize ? await options.authorize(request, () => service.handle(request)) : await service.handle(request);
      } catch (error) {
        options.onError?.(error, request);
        response = protocolError(
          protocol,
          500,
          protocol === 'xml' ? 'InternalError' : 'InternalFailure',
          `The local service failed: ${quote((error as Error).message ?? String(error), 512)}`,
        );
      }
    }
    await writeResponse(res, response, request.method === 'HEAD');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  // Long polls and keep-alive sockets must not outlive close().
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        new ServerStartError(
          error.code === 'EADDRINUSE'
            ? `Port ${options.port ?? 0} on ${host} is already in use; pick another with --port`
            : `Could not listen on ${host}:${options.port ?? 0}: ${error.message}`,
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });

  const port = (server.address() as AddressInfo).port;
  const endpointHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://${endpointHost}:${port}`,
    port,
    register(service) {
      services.push(service);
    },
    markReady() {
      ready = true;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => (options.spoolDir === undefined ? rm(spoolDir, { recursive: true, force: true }) : undefined));
      return closing;
    },
  };
}
