import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CoreError, ParameterFileError } from '../errors';
import { loadParameterFile } from '../parameter-file/validate';
import { resolvePlan } from '../plan/resolve';
import type { Plan, ResolvePlanOptions } from '../plan/types';
import { parsePlannedRun, type PlannedRun } from '../run/planned-run';
import { putIfUnchanged } from '../runtime/conditional-object';
import { planKey } from '../runtime/locations';
import { call } from './shared';
import { PermanentOpsError } from './errors';

/** An S3 object's location. */
interface ObjectLocation {
  readonly bucket: string;
  readonly key: string;
}

/** Where a run's document lives: `runs/<dsg>/<runId>/plan.json` in the data bucket. */
function plannedRunLocation(bucket: string, datasetGroupName: string, runId: string): ObjectLocation {
  return { bucket, key: planKey(datasetGroupName, runId) };
}

/**
 * Reads a run's document (identity, trigger, scope, plan) from where Pipeline Requested points. A
 * document that does not validate will not heal: PermanentOpsError naming the object and the fields.
 */
async function loadPlannedRun(s3: S3Client, location: ObjectLocation): Promise<PlannedRun> {
  const where = `s3://${location.bucket}/${location.key}`;
  const text = await call(`GetObject ${where}`, async () => {
    const response = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    return (await response.Body?.transformToString('utf-8')) ?? '';
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PermanentOpsError(`${where} is not valid JSON`, { cause: error });
  }
  try {
    return parsePlannedRun(parsed, where);
  } catch (error) {
    if (error instanceof CoreError) throw new PermanentOpsError(error.message, { cause: error });
    throw error;
  }
}

/** The document of run `runId`, for steps woken by events that carry only the runId and dataset group. */
function loadRunOf(s3: S3Client, bucket: string, datasetGroupName: string, runId: string): Promise<PlannedRun> {
  return loadPlannedRun(s3, plannedRunLocation(bucket, datasetGroupName, runId));
}

/**
 * Writes the run's document once: a duplicate trigger finds it there and leaves it as the first
 * delivery wrote it (the plan of a run never changes).
 */
async function storePlannedRun(s3: S3Client, location: ObjectLocation, run: PlannedRun): Promise<void> {
  await call(`PutObject s3://${location.bucket}/${location.key}`, () =>
    putIfUnchanged(s3, location.bucket, location.key, JSON.stringify(run), undefined),
  );
}

/**
 * Resolves a parameter file's text (read from `where`) into a plan. An invalid file will not heal:
 * its ParameterFileError becomes a PermanentOpsError naming `where`.
 */
function resolveParameterFileText(text: string, where: string, options: ResolvePlanOptions): Plan {
  try {
    const { file } = loadParameterFile(text);
    return resolvePlan(file, options);
  } catch (error) {
    if (error instanceof ParameterFileError) throw new PermanentOpsError(`${where}: ${error.message}`, { cause: error });
    throw error;
  }
}

export { loadPlannedRun, loadRunOf, plannedRunLocation, resolveParameterFileText, storePlannedRun };
export type { ObjectLocation };
