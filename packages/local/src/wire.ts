/**
 * The contract between the local cloud's HTTP server and each emulated AWS service.
 *
 * The server parses a request once (method, path, query, headers, body, and the SigV4 signing
 * name from the Authorization credential scope) and hands it to the service that owns it. A
 * service answers with a status, headers and a body in its own protocol's shape.
 */
import type { Readable } from 'node:stream';

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '000000000000';

export interface WireRequest {
  readonly method: string;
  /** Decoded path without the query string, e.g. `/my-bucket/train/config.json`. */
  readonly path: string;
  /** The raw path as sent (still percent-encoded), for services that need the exact key bytes. */
  readonly rawPath: string;
  readonly query: URLSearchParams;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body read into memory; empty when it was spooled to `bodyFile`. */
  readonly body: Buffer;
  /** A large S3 body spooled to disk (see `request-body.ts`); removed once the request is answered. */
  readonly bodyFile?: { readonly path: string; readonly size: number };
  /** SigV4 signing name from the credential scope (`s3`, `sqs`, `events`, `scheduler`, `personalize`). */
  readonly signingName: string | undefined;
  /** Access key from the SigV4 credential: who is calling (the local IAM's principal). */
  readonly accessKeyId?: string | undefined;
  /** `X-Amz-Target` header, when present (JSON protocols). */
  readonly target: string | undefined;
}

export interface WireResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string | Readable;
}

export interface WireService {
  /** True when this service owns the request. The server asks services in registration order. */
  matches(request: WireRequest): boolean;
  handle(request: WireRequest): Promise<WireResponse>;
}
