import {
  CreateDatasetImportJobCommand,
  type DatasetImportJobSummary,
  type ImportMode,
  type PersonalizeClient,
  paginateListDatasetImportJobs,
} from '@aws-sdk/client-personalize';
import { STATUS_CREATE_PENDING, findInPages, findOrCreate, requireArn, toTagList } from './shared';
import type { EnsureResult, TagMap } from './shared';

interface ImportJobSpec {
  readonly datasetArn: string;
  /** Deterministic per run and data location, so a repeated event finds the job it created. */
  readonly jobName: string;
  /** `s3://bucket/prefix/` or `s3://bucket/key.csv`. */
  readonly dataLocation: string;
  readonly roleArn?: string;
  readonly importMode?: ImportMode | string;
  readonly tags?: TagMap;
}

/** The job named `jobName` on the dataset, if Personalize lists it. */
function findImportJob(client: PersonalizeClient, datasetArn: string, jobName: string): Promise<DatasetImportJobSummary | undefined> {
  return findInPages<DatasetImportJobSummary>(
    paginateListDatasetImportJobs({ client }, { datasetArn }),
    'datasetImportJobs',
    (job) => job.jobName === jobName,
  );
}

/** Whether any import into the dataset finished (ACTIVE): the dataset holds imported data. */
async function hasImportedData(client: PersonalizeClient, datasetArn: string): Promise<boolean> {
  const found = await findInPages<DatasetImportJobSummary>(
    paginateListDatasetImportJobs({ client }, { datasetArn }),
    'datasetImportJobs',
    (job) => job.status === 'ACTIVE',
  );
  return found !== undefined;
}

/**
 * Import job names are unique per account, so the job name is its identity. A reused job keeps
 * whatever status it has: ACTIVE and CREATE FAILED are final, and the caller reports either.
 */
async function ensureImportJob(client: PersonalizeClient, spec: ImportJobSpec): Promise<EnsureResult> {
  return findOrCreate<DatasetImportJobSummary>({
    attempted: `CreateDatasetImportJob ${spec.jobName}`,
    find: () => findImportJob(client, spec.datasetArn, spec.jobName),
    reuse: (found) => ({
      arn: requireArn(found.datasetImportJobArn, 'ListDatasetImportJobs'),
      created: false,
      ...(found.status !== undefined && { status: found.status }),
      ...(found.failureReason !== undefined && { failureReason: found.failureReason }),
    }),
    create: async () => {
      const response = await client.send(
        new CreateDatasetImportJobCommand({
          jobName: spec.jobName,
          datasetArn: spec.datasetArn,
          dataSource: { dataLocation: spec.dataLocation },
          roleArn: spec.roleArn,
          importMode: spec.importMode as ImportMode | undefined,
          tags: toTagList(spec.tags),
        }),
      );
      return {
        arn: requireArn(response.datasetImportJobArn, 'CreateDatasetImportJob'),
        created: true,
        status: STATUS_CREATE_PENDING,
      };
    },
  });
}

export { ensureImportJob, findImportJob, hasImportedData };
export type { ImportJobSpec };
