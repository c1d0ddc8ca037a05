/**
 * Batch job plumbing: find the JSON Lines inputs, stream each one line by line, and stream the
 * `<inputFileName>.out` object to the output prefix.
 */
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import { EngineJobError } from '../errors';
import { listInputObjects, parseS3Url } from '../data/import';
import type { BlobStore } from '../port';

export interface BatchFile {
  readonly bucket: string;
  readonly key: string;
  readonly outBucket: string;
  readonly outKey: string;
}

export async function batchFiles(blobs: BlobStore, inputPath: string, outputPath: string): Promise<BatchFile[]> {
  const out = parseS3Url(outputPath);
  const input = parseS3Url(inputPath);
  const outPrefix = out.key === '' || out.key.endsWith('/') ? out.key : `${out.key}/`;
  if (out.bucket === input.bucket && (outPrefix === input.key || outPrefix === `${input.key}/`)) {
    throw new EngineJobError('The output path must be different from the input path.');
  }
  const { bucket, keys } = await listInputObjects(blobs, inputPath, /.*/);
  return keys
    .filter((k) => !k.endsWith('.out') || !k.startsWith(outPrefix))
    .map((key) => ({ bucket, key, outBucket: out.bucket, outKey: `${outPrefix}${key.slice(key.lastIndexOf('/') + 1)}.out` }));
}

/**
 * Runs `handle` over the non-empty lines of an input, in chunks, and streams its output lines to
 * the `.out` object. Backpressure: at most two chunks are held (one being scored, one being read).
 */
export async function transformLines(
  blobs: BlobStore,
  file: BatchFile,
  chunkSize: number,
  handle: (lines: string[]) => Promise<string[]>,
): Promise<number> {
  const input = await blobs.read(file.bucket, file.key).catch((err: unknown) => {
    throw new EngineJobError(`Cannot read s3://${file.bucket}/${file.key}: ${(err as Error).message}`);
  });
  const output = new PassThrough();
  const written = blobs.write(file.outBucket, file.outKey, output);
  written.catch(() => undefined);
  let count = 0;
  let chunk: string[] = [];
  // One chunk in flight: the next chunk is parsed and prepared while the previous one is scored.
  let inflight: Promise<string[]> | undefined;
  const writeOut = async (lines: string[]): Promise<void> => {
    count += lines.length;
    if (!output.write(`${lines.join('\n')}\n`)) await new Promise((resolve) => output.once('drain', resolve));
  };
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    const next = handle(chunk);
    next.catch(() => undefined);
    chunk = [];
    if (inflight !== undefined) await writeOut(await inflight);
    inflight = next;
  };
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) {
      if (line.trim() === '') continue;
      chunk.push(line);
      if (chunk.length >= chunkSize) await flush();
    }
    await flush();
    if (inflight !== undefined) await writeOut(await inflight);
    output.end();
  } catch (err) {
    output.destroy(err as Error);
    throw err;
  }
  await written;
  return count;
}
