/**
 * Run identity. A run is one write of a parameter file, so its id is derived from that write
 * (bucket, key, sequencer or ETag) and its time: a duplicated S3 notification yields the same runId
 * and run stamp, hence the same resource names, and creates nothing twice.
 */
import { createHash } from 'node:crypto';
import { runStampOf } from '@recops/core';
import type { UploadedObject } from './notification';

export function runIdentity(object: UploadedObject): { runId: string; runStamp: string } {
  const runStamp = runStampOf(object.eventTime);
  const write = object.sequencer ?? object.eTag ?? object.eventTime.toISOString();
  const hash = createHash('sha256').update(`${object.bucket}/${object.key}#${write}`).digest('hex').slice(0, 8);
  return { runId: `${runStamp}-${hash}`, runStamp };
}

/**
 * The dataset group a broken file is about, for its Pipeline Failed: the file's own name when it
 * reads, else the folder under `train/` (the documented layout), else `unknown`.
 */
export function datasetGroupNameHint(file: unknown, key: string): string {
  const named = (file as { datasetGroup?: { serviceConfig?: { name?: unknown } } } | undefined)?.datasetGroup?.serviceConfig
    ?.name;
  const folder = key.split('/')[1];
  for (const candidate of [named, folder])
    if (typeof candidate === 'string' && /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,62}$/.test(candidate)) return candidate;
  return 'unknown';
}
