/**
 * Reading request bodies with limits, so no request can make the local cloud hold more than a
 * bounded amount of memory:
 * - bodies of protocols that parse their whole body (JSON, query, S3's XML documents) are read
 *   into memory up to `maxBufferedBytes`, then refused;
 * - bodies that may carry object data (S3 PUT/POST) start in memory and move to a spool file under
 *   the data directory once they pass `spoolThresholdBytes`, up to `maxObjectBytes` (S3's 5 GiB
 *   single-PUT limit). The S3 service streams a spooled body into its store.
 * `aws-chunked` bodies (SigV4 streaming uploads, checksum trailers) are decoded as they arrive.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';

export interface BodyLimits {
  /** Largest body read into memory (every non-object body). */
  readonly maxBufferedBytes: number;
  /** Largest object body (spooled to disk). */
  readonly maxObjectBytes: number;
  /** An object body larger than this goes to a spool file instead of memory. */
  readonly spoolThresholdBytes: number;
}

const MIB = 1024 * 1024;

/**
 * 2 MiB holds the largest request any recops client sends (an SQS batch of 10 × 256 KiB messages
 * is at most 1 MiB of payload per SQS's own limit, PutEvents at most 256 KiB). 5 GiB is S3's PUT limit.
 */
export const DEFAULT_BODY_LIMITS: BodyLimits = {
  maxBufferedBytes: 2 * MIB,
  maxObjectBytes: 5 * 1024 * MIB,
  spoolThresholdBytes: 1 * MIB,
};

/** A body too large was not read to its end; the connection should close after the answer. */
export class BodyTooLargeError extends Error {
  constructor(
    readonly limit: number,
    readonly spoolable: boolean,
  ) {
    super(`The request body is larger than the ${limit} bytes this operation accepts.`);
    this.name = 'BodyTooLargeError';
  }
}

/** The aws-chunked framing is broken. */
class ChunkedBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChunkedBodyError';
  }
}

export type RequestBody =
  | { readonly kind: 'buffer'; readonly body: Buffer; readonly trailers: Record<string, string> }
  | { readonly kind: 'file'; readonly file: string; readonly size: number; readonly trailers: Record<string, string> };

const MAX_CHUNK_HEADER = 8 * 1024;

/**
 * Streaming decoder of `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n … 0\r\n<trailers>\r\n\r\n`.
 * `trailers` holds the trailing headers (lower-cased) once the stream has ended.
 */
class AwsChunkedDecoder extends Transform {
  readonly trailers: Record<string, string> = {};
  private state: 'header' | 'data' | 'data-end' | 'trailers' | 'done' = 'header';
  private pending: Buffer = Buffer.alloc(0);
  private remaining = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(Buffer.concat([this.pending, chunk]));
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.state === 'trailers' && this.pending.length > 0) this.trailerLine(this.pending.toString('latin1'));
    if (this.state === 'header' || this.state === 'data' || this.state === 'data-end') {
      callback(
        new ChunkedBodyError(
          this.state === 'header' ? 'aws-chunked body ends inside a chunk header' : 'aws-chunked body is shorter than its chunk sizes',
        ),
      );
      return;
    }
    callback();
  }

  private consume(input: Buffer): void {
    let buffer = input;
    for (;;) {
      if (this.state === 'data') {
        if (buffer.length === 0) break;
        const take = Math.min(this.remaining, buffer.length);
        this.push(buffer.subarray(0, take));
        this.remaining -= take;
        buffer = buffer.subarray(take);
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      if (this.state === 'done') {
        buffer = Buffer.alloc(0);
        break;
      }
      const lineEnd = buffer.indexOf('\r\n');
      if (lineEnd < 0) {
        if (buffer.length > MAX_CHUNK_HEADER) throw new ChunkedBodyError('aws-chunked chunk header is too long');
        break;
      }
      const line = buffer.subarray(0, lineEnd).toString('latin1');
      buffer = buffer.subarray(lineEnd + 2);
      if (this.state === 'data-end') {
        if (line !== '') throw new ChunkedBodyError('aws-chunked chunk data is longer than its size');
        this.state = 'header';
      } else if (this.state === 'header') {
        const sizeText = line.split(';')[0] ?? '';
        const size = /^[0-9a-fA-F]{1,12}$/.test(sizeText.trim()) ? Number.parseInt(sizeText, 16) : Number.NaN;
        if (!Number.isFinite(size)) throw new ChunkedBodyError(`aws-chunked chunk header ${JSON.stringify(line.slice(0, 64))} is invalid`);
        if (size === 0) this.state = 'trailers';
        else {
          this.remaining = size;
          this.state = 'data';
        }
      } else if (this.state === 'trailers') {
        if (line === '') this.state = 'done';
        else this.trailerLine(line);
      }
    }
    this.pending = buffer;
  }

  private trailerLine(line: string): void {
    const colon = line.indexOf(':');
    if (colon > 0) this.trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
}

export interface ReadBodyOptions {
  readonly limits: BodyLimits;
  /** The body may carry object data: large ones are spooled (needs `spoolDir`). */
  readonly spoolable: boolean;
  /** Directory for spool files (inside the data directory). */
  readonly spoolDir?: string;
  /** The body is aws-chunked and is decoded while read. */
  readonly chunked: boolean;
  /** The declared Content-Length, when sent. */
  readonly declaredLength?: number;
}

/**
 * Reads the body within the limits. Throws BodyTooLargeError as soon as the limit is passed (or at
 * once when Content-Length already says so), ChunkedBodyError for broken aws-chunked framing.
 */
export function readRequestBody(req: IncomingMessage, options: ReadBodyOptions): Promise<RequestBody> {
  const { limits, spoolable } = options;
  const spoolDir = spoolable ? options.spoolDir : undefined;
  const limit = spoolDir !== undefined ? limits.maxObjectBytes : limits.maxBufferedBytes;
  // The encoded length of a chunked body includes framing; only decoded bytes are counted.
  if (!options.chunked && options.declaredLength !== undefined && options.declaredLength > limit) {
    req.resume();
    return Promise.reject(new BodyTooLargeError(limit, spoolable));
  }
  const decoder = options.chunked ? new AwsChunkedDecoder() : undefined;
  const source = decoder ?? req;
  if (decoder) {
    req.on('error', (error) => decoder.destroy(error));
    req.pipe(decoder);
  }

  return new Promise<RequestBody>((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let file: string | undefined;
    let out: WriteStream | undefined;
    let settled = false;
    const stop = (): void => {
      source.removeListener('data', onData);
      source.removeListener('end', onEnd);
      if (decoder) req.unpipe(decoder);
      // Whatever is left is read and dropped; the server closes the connection after its answer.
      req.resume();
    };
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      stop();
      const written = file;
      out?.destroy();
      if (written === undefined) rejectBody(error);
      else
        rm(written, { force: true }).then(
          () => rejectBody(error),
          () => rejectBody(error),
        );
    };
    const onData = (piece: Buffer): void => {
      size += piece.length;
      if (size > limit) {
        fail(new BodyTooLargeError(limit, spoolable));
        return;
      }
      if (out) {
        if (!out.write(piece)) {
          source.pause();
          out.once('drain', () => source.resume());
        }
        return;
      }
      chunks.push(piece);
      if (spoolDir !== undefined && size > limits.spoolThresholdBytes) {
        file = join(spoolDir, `body-${randomUUID()}`);
        out = createWriteStream(file, { flags: 'wx' });
        out.on('error', fail);
        out.write(Buffer.concat(chunks));
        chunks.length = 0;
      }
    };
    const onEnd = (): void => {
      if (settled) return;
      const trailers = decoder?.trailers ?? {};
      if (!out) {
        settled = true;
        resolveBody({ kind: 'buffer', body: Buffer.concat(chunks), trailers });
        return;
      }
      out.end(() => {
        if (settled) return;
        settled = true;
        resolveBody({ kind: 'file', file: file as string, size, trailers });
      });
    };
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', fail);
    req.on('aborted', () => fail(new Error('The client closed the connection before sending the whole body')));
  });
}

/** Creates the spool directory (once, at start: spool files are created in it without checks). */
export async function prepareSpoolDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
}

/** Removes a spool file once its request has been answered. */
export async function removeSpoolFile(body: RequestBody): Promise<void> {
  if (body.kind === 'file') await rm(body.file, { force: true });
}
