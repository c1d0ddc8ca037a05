import type { S3Client } from '@aws-sdk/client-s3';
import { ParameterFileError } from '../errors';
import { loadParameterFile } from '../parameter-file/validate';
import { resolvePlan } from '../plan/resolve';
import type { Plan, ResolvePlanOptions } from '../plan/types';
import { plannedRunSchema, type PlannedRun } from '../run/planned-run';
import { createDocument, readDocument } from '../runtime/conditional-object';
import { DocumentFormatError } from '../runtime/errors';
import { planKey } from '../runtime/locations';
import { toOpsError } from './classify';
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
 * A run's document (identity, trigger, scope, plan), or undefined when there is none at `location`.
 * A document that does not validate will not heal: PermanentOpsError naming the object and the fields.
 */
async function readPlannedRun(s3: S3Client, location: ObjectLocation): Promise<PlannedRun | undefined> {
  try {
    return (await readDocument(s3, location.bucket, location.key, plannedRunSchema))?.value;
  } catch (error) {
    if (error instanceof DocumentFormatError) throw new PermanentOpsError(error.message, { cause: error });
    throw toOpsError(error, `GetObject s3://${location.bucket}/${location.key}`);
  }
}

/**
 * Reads a run's document from where Pipeline Requested points. Missing or invalid, it will not
 * heal: PermanentOpsError naming the object (and the fields).
 */
async function loadPlannedRun(s3: S3Client, location: ObjectLocation): Promise<PlannedRun> {
  const run = await readPlannedRun(s3, location);
  if (run === undefined) throw new PermanentOpsError(`s3://${location.bucket}/${location.key}: the run document does not exist`);
  return run;
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
  await call(`PutObject s3://${location.bucket}/${location.key}`, () => createDocument(s3, location.bucket, location.key, run));
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

export { loadPlannedRun, loadRunOf, plannedRunLocation, readPlannedRun, resolveParameterFileText, storePlannedRun };
export type { ObjectLocation };
