/**
 * What the deploy half of the chain (model-evaluator, campaign-deployer, batch-runner) keeps in the
 * data bucket about solutions: each solution's last promoted version, read to find the live version
 * and to ignore stale promotions; plus the plan look-up and ARN parsing these services share.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Plan } from '@recops/core';
import { plannedRunLocation, readPlannedRun } from '@recops/core/ops';
import { promotedVersionKey, readDocument, updateDocument } from '@recops/core/runtime';
import { z } from 'zod';
import type { RunRef } from './run-events';

/** `models/<dsg>/<solution>/promoted.json`. */
export interface PromotedVersion {
  readonly solutionVersionArn: string;
  readonly solutionArn: string;
  readonly runId: string;
  readonly promotedAt: string;
  readonly metrics: Readonly<Record<string, number>>;
}

const promotedVersionSchema: z.ZodType<PromotedVersion> = z.looseObject({
  solutionVersionArn: z.string().min(1),
  solutionArn: z.string().min(1),
  runId: z.string().min(1),
  promotedAt: z.string(),
  metrics: z.record(z.string(), z.number()),
});

/** `arn:…:solution/<name>/<id>` → the solution's ARN and name. */
export function solutionOfVersion(solutionVersionArn: string): { solutionArn: string; solutionName: string } {
  const solutionArn = solutionVersionArn.slice(0, solutionVersionArn.lastIndexOf('/'));
  return { solutionArn, solutionName: solutionArn.slice(solutionArn.lastIndexOf('/') + 1) };
}

/** The run's stored plan, or undefined when the run has none (runs not started from a stored plan). */
export async function loadPlanIfStored(s3: S3Client, bucket: string, run: RunRef): Promise<Plan | undefined> {
  return (await readPlannedRun(s3, plannedRunLocation(bucket, run.datasetGroupName, run.runId)))?.plan;
}

export async function readPromotedVersion(
  s3: S3Client,
  bucket: string,
  datasetGroupName: string,
  solutionName: string,
): Promise<PromotedVersion | undefined> {
  return (await readDocument(s3, bucket, promotedVersionKey(datasetGroupName, solutionName), promotedVersionSchema))?.value;
}

/**
 * Records `promoted` as the solution's last promoted version, unless a later promotion is already
 * recorded (an older version's decision arriving late must not turn the clock back) or this one is
 * (a redelivery redoing the step writes nothing).
 */
export async function writePromotedVersion(
  s3: S3Client,
  bucket: string,
  datasetGroupName: string,
  solutionName: string,
  promoted: PromotedVersion,
): Promise<void> {
  await updateDocument(s3, bucket, promotedVersionKey(datasetGroupName, solutionName), promotedVersionSchema, (current) =>
    current !== undefined && (current.promotedAt > promoted.promotedAt || sameVersion(current, promoted)) ? undefined : promoted,
  );
}

function sameVersion(a: PromotedVersion, b: PromotedVersion): boolean {
  return a.solutionVersionArn === b.solutionVersionArn && a.promotedAt === b.promotedAt;
}
