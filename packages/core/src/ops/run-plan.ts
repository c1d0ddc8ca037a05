import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ParameterFileError } from '../errors';
import { loadParameterFile } from '../parameter-file/validate';
import { resolvePlan } from '../plan/resolve';
import type { Plan, ResolvePlanOptions } from '../plan/types';
import { planKey } from '../runtime/locations';
import { call } from './shared';
import { PermanentOpsError } from './errors';

/** Where a run's plan is: inline in Pipeline Requested, or an S3 object. */
type PlanSource =
  | { readonly storage: 'inline'; readonly plan: Readonly<Record<string, unknown>> }
  | { readonly storage: 's3'; readonly location: { readonly bucket: string; readonly key: string } };

function asPlan(value: unknown, where: string): Plan {
  const plan = value as Partial<Plan> | null;
  if (
    plan === null ||
    typeof plan !== 'object' ||
    typeof plan.datasetGroup?.name !== 'string' ||
    !Array.isArray(plan.datasets) ||
    !Array.isArray(plan.solutions) ||
    !Array.isArray(plan.filters) ||
    !Array.isArray(plan.recommenders)
  ) {
    throw new PermanentOpsError(`${where} is not a resolved plan (needs datasetGroup.name, datasets, solutions, filters, recommenders)`);
  }
  return plan as Plan;
}

/** Reads the plan a Pipeline Requested carries or points at. */
async function loadPlan(s3: S3Client, source: PlanSource): Promise<Plan> {
  if (source.storage === 'inline') return asPlan(source.plan, 'the inline plan');
  const { bucket, key } = source.location;
  const where = `s3://${bucket}/${key}`;
  const text = await call(`GetObject ${where}`, async () => {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await response.Body?.transformToString('utf-8')) ?? '';
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PermanentOpsError(`${where} is not valid JSON`, { cause: error });
  }
  return asPlan(parsed, where);
}

/**
 * Reads a run's plan from where config-intake keeps it (`runs/<dsg>/<runId>/plan.json`), for the
 * steps woken by Status Changed events, which carry only the runId and dataset group name.
 */
function loadRunPlan(s3: S3Client, bucket: string, datasetGroupName: string, runId: string): Promise<Plan> {
  return loadPlan(s3, { storage: 's3', location: { bucket, key: planKey(datasetGroupName, runId) } });
}

/**
 * Resolves a parameter file's text (read from `where`, e.g. when a schedule fires) into a plan. An
 * invalid file will not heal: its ParameterFileError becomes a PermanentOpsError naming `where`.
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

export { loadPlan, loadRunPlan, resolveParameterFileText };
export type { PlanSource };
