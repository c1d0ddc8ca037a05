import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { runStampOf, type Plan } from '@recops/core';
import {
  PermanentOpsError,
  ResourceNotReadyError,
  findDataset,
  findDatasetGroup,
  resolveParameterFileText,
  toOpsError,
} from '@recops/core/ops';
import { guardStep, startImport, type ProvisionReport, type ProvisionerDependencies, type RunRef } from './provision';

interface ImportSchedule extends RunRef {
  /** The parameter file the schedule was created from. */
  readonly config: { readonly bucket: string; readonly key: string };
  readonly firedAt: string;
}

/**
 * Schedule Fired {kind: import}: fresh import jobs into the existing, ACTIVE datasets, from the
 * data locations the parameter file resolves to now, named after the fire time (a redelivered
 * event reuses them). Nothing else is created: the group and datasets come from an upload's run.
 */
async function onImportScheduled(schedule: ImportSchedule, deps: ProvisionerDependencies): Promise<ProvisionReport> {
  const report: ProvisionReport = { created: [], reused: [], watched: [] };
  return guardStep(schedule, deps, report, 'datasetImportJob', async () => {
    const plan = await resolveScheduledPlan(deps.s3, schedule);
    const group = await findDatasetGroup(deps.personalize, plan.datasetGroup.name);
    if (group?.datasetGroupArn === undefined) {
      throw new PermanentOpsError(
        `dataset group "${plan.datasetGroup.name}" does not exist yet; upload the parameter file to create it before its import schedule fires`,
      );
    }
    for (const dataset of plan.datasets) {
      if (dataset.importJob === undefined) continue;
      const found = await findDataset(deps.personalize, group.datasetGroupArn, dataset.type);
      if (found?.datasetArn === undefined) {
        throw new PermanentOpsError(`dataset ${dataset.type} of "${plan.datasetGroup.name}" does not exist yet; upload the parameter file first`);
      }
      // Datasets are ACTIVE long before a schedule fires; an update in flight clears by itself.
      if (found.status !== 'ACTIVE') throw new ResourceNotReadyError(found.datasetArn, found.status ?? 'UNKNOWN');
      await startImport(schedule, dataset, found.datasetArn, deps, report);
    }
    return report;
  });
}

async function resolveScheduledPlan(s3: S3Client, schedule: ImportSchedule): Promise<Plan> {
  const { bucket, key } = schedule.config;
  const where = `s3://${bucket}/${key}`;
  const folder = key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : '';
  let text: string;
  const keys: string[] = [];
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = (await response.Body?.transformToString('utf-8')) ?? '';
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: folder, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  } catch (error) {
    throw toOpsError(error, `reading ${where}`);
  }
  return resolveParameterFileText(text, where, { bucket, configKey: key, keys, runStamp: runStampOf(new Date(schedule.firedAt)) });
}

export { onImportScheduled };
export type { ImportSchedule };
