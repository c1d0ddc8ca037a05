/**
 * What the deploy half of the chain (model-evaluator, campaign-deployer, batch-runner) keeps in the
 * data bucket about solutions: each solution's last promoted version, read to find the live version
 * and to ignore stale promotions; plus the plan look-up and ARN parsing these services share.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Plan } from '@recops/core';
import { loadRunOf } from '@recops/core/ops';
import { promotedVersionKey, putIfUnchanged, readVersioned } from '@recops/core/runtime';
import type { RunRef } from './run-events';

/** `models/<dsg>/<solution>/promoted.json`. */
export interface PromotedVersion {
  readonly solutionVersionArn: string;
  readonly solutionArn: string;
  readonly runId: string;
  readonly promotedAt: string;
  readonly metrics: Readonly<Record<string, number>>;
}

/** `arn:…:solution/<name>/<id>` → the solution's ARN and name. */
export function solutionOfVersion(solutionVersionArn: string): { solutionArn: string; solutionName: string } {
  const solutionArn = solutionVersionArn.slice(0, solutionVersionArn.lastIndexOf('/'));
  return { solutionArn, solutionName: solutionArn.slice(solutionArn.lastIndexOf('/') + 1) };
}

/** A JSON object of the bucket, or undefined when there is none. */
export async function readJson<T>(s3: S3Client, bucket: string, key: string): Promise<T | undefined> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse((await response.Body?.transformToString('utf8')) ?? 'null') as T;
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** The run's stored plan, or undefined when the run has none (runs not started from a stored plan). */
export async function loadPlanIfStored(s3: S3Client, bucket: string, run: RunRef): Promise<Plan | undefined> {
  try {
    return (await loadRunOf(s3, bucket, run.datasetGroupName, run.runId)).plan;
  } catch (error) {
    const cause = (error as { cause?: { name?: unknown } }).cause;
    if (cause?.name === 'NoSuchKey') return undefined;
    throw error;
  }
}

export function readPromotedVersion(
  s3: S3Client,
  bucket: string,
  datasetGroupName: string,
  solutionName: string,
): Promise<PromotedVersion | undefined> {
  return readJson<PromotedVersion>(s3, bucket, promotedVersionKey(datasetGroupName, solutionName));
}

/**
 * Records `promoted` as the solution's last promoted version, unless a later promotion is already
 * recorded (an older version's decision arriving late must not turn the clock back).
 */
export async function writePromotedVersion(
  s3: S3Client,
  bucket: string,
  datasetGroupName: string,
  solutionName: string,
  promoted: PromotedVersion,
): Promise<void> {
  const key = promotedVersionKey(datasetGroupName, solutionName);
  for (;;) {
    const current = await readVersioned(
      s3,
      bucket,
      key,
      (text) => JSON.parse(text) as PromotedVersion,
      (reason) => new Error(`${key}: ${reason}`),
    );
    if (current !== undefined && current.value.promotedAt > promoted.promotedAt) return;
    if (await putIfUnchanged(s3, bucket, key, JSON.stringify(promoted), current?.etag)) return;
  }
}
