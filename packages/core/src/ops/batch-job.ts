import {
  CreateBatchInferenceJobCommand,
  CreateBatchSegmentJobCommand,
  DescribeBatchInferenceJobCommand,
  DescribeBatchSegmentJobCommand,
  paginateListBatchInferenceJobs,
  paginateListBatchSegmentJobs,
  type BatchInferenceJobConfig,
  type BatchInferenceJobMode,
  type PersonalizeClient,
  type ThemeGenerationConfig,
} from '@aws-sdk/client-personalize';
import { isAlreadyExists, toOpsError } from './classify';
import { RetryableOpsError } from './errors';
import { STATUS_CREATE_PENDING, call, findInPages, requireArn, toTagList } from './shared';
import type { EnsureResult, TagMap } from './shared';

type BatchJobKind = 'batchInferenceJob' | 'batchSegmentJob';

interface BatchJobSpec {
  readonly kind: BatchJobKind;
  /** Deterministic per run (`runScopedName(jobNameBase, runStamp)`): a redelivery finds the job instead of starting a second. */
  readonly jobName: string;
  readonly solutionVersionArn: string;
  /** `s3://bucket/key` of the JSON Lines input (file or prefix). */
  readonly inputPath: string;
  /** `s3://bucket/prefix/` the output goes to. */
  readonly outputPath: string;
  /** KMS keys Personalize uses to read the input and encrypt the output. */
  readonly inputKmsKeyArn?: string;
  readonly outputKmsKeyArn?: string;
  readonly roleArn: string;
  readonly numResults?: number;
  readonly filterArn?: string;
  readonly batchInferenceJobConfig?: BatchInferenceJobConfig;
  /** THEME_GENERATION adds Content Generator themes (Similar-Items versions, with `themeGenerationConfig`). */
  readonly batchInferenceJobMode?: BatchInferenceJobMode;
  readonly themeGenerationConfig?: ThemeGenerationConfig;
  readonly tags?: TagMap;
}

interface BatchJobSummaryLike {
  readonly jobName?: string;
  readonly status?: string;
  readonly failureReason?: string;
  readonly batchInferenceJobArn?: string;
  readonly batchSegmentJobArn?: string;
}

function findJob(
  client: PersonalizeClient,
  kind: BatchJobKind,
  jobName: string,
  solutionVersionArn?: string,
): Promise<BatchJobSummaryLike | undefined> {
  const filter = solutionVersionArn === undefined ? {} : { solutionVersionArn };
  return kind === 'batchInferenceJob'
    ? findInPages<BatchJobSummaryLike>(
        paginateListBatchInferenceJobs({ client }, filter),
        'batchInferenceJobs',
        (j) => j.jobName === jobName,
      )
    : findInPages<BatchJobSummaryLike>(paginateListBatchSegmentJobs({ client }, filter), 'batchSegmentJobs', (j) => j.jobName === jobName);
}

function reuse(found: BatchJobSummaryLike, kind: BatchJobKind): EnsureResult {
  const arn = kind === 'batchInferenceJob' ? found.batchInferenceJobArn : found.batchSegmentJobArn;
  return {
    arn: requireArn(arn, kind === 'batchInferenceJob' ? 'ListBatchInferenceJobs' : 'ListBatchSegmentJobs'),
    created: false,
    ...(found.status !== undefined && { status: found.status }),
    ...(found.failureReason !== undefined && { failureReason: found.failureReason }),
  };
}

/**
 * Starts the batch job unless a job of that name exists (on this version, or on any version after
 * a lost race: batch job names are unique per account and region), which is then reused.
 */
async function ensureBatchJob(client: PersonalizeClient, spec: BatchJobSpec): Promise<EnsureResult> {
  const label = spec.kind === 'batchInferenceJob' ? 'BatchInferenceJob' : 'BatchSegmentJob';
  const attempted = `Create${label} ${spec.jobName}`;
  const existing = await call(attempted, () => findJob(client, spec.kind, spec.jobName, spec.solutionVersionArn));
  if (existing !== undefined) return reuse(existing, spec.kind);
  const common = {
    jobName: spec.jobName,
    solutionVersionArn: spec.solutionVersionArn,
    jobInput: { s3DataSource: { path: spec.inputPath, ...(spec.inputKmsKeyArn !== undefined && { kmsKeyArn: spec.inputKmsKeyArn }) } },
    jobOutput: {
      s3DataDestination: { path: spec.outputPath, ...(spec.outputKmsKeyArn !== undefined && { kmsKeyArn: spec.outputKmsKeyArn }) },
    },
    roleArn: spec.roleArn,
    ...(spec.numResults !== undefined && { numResults: spec.numResults }),
    ...(spec.filterArn !== undefined && { filterArn: spec.filterArn }),
    tags: toTagList(spec.tags),
  };
  try {
    if (spec.kind === 'batchInferenceJob') {
      const response = await client.send(
        new CreateBatchInferenceJobCommand({
          ...common,
          ...(spec.batchInferenceJobConfig !== undefined && { batchInferenceJobConfig: spec.batchInferenceJobConfig }),
          ...(spec.batchInferenceJobMode !== undefined && { batchInferenceJobMode: spec.batchInferenceJobMode }),
          ...(spec.themeGenerationConfig !== undefined && { themeGenerationConfig: spec.themeGenerationConfig }),
        }),
      );
      return { arn: requireArn(response.batchInferenceJobArn, attempted), created: true, status: STATUS_CREATE_PENDING };
    }
    const response = await client.send(new CreateBatchSegmentJobCommand(common));
    return { arn: requireArn(response.batchSegmentJobArn, attempted), created: true, status: STATUS_CREATE_PENDING };
  } catch (error) {
    if (!isAlreadyExists(error)) throw toOpsError(error, attempted);
    const raced = await call(attempted, () => findJob(client, spec.kind, spec.jobName));
    if (raced === undefined) throw new RetryableOpsError(`${attempted}: already exists but is not listed yet`, { cause: error });
    return reuse(raced, spec.kind);
  }
}

/** A batch job's status, version, input and output as DescribeBatch…Job reports them. */
interface BatchJobDescription {
  readonly arn: string;
  readonly jobName: string;
  readonly status: string;
  readonly failureReason?: string;
  readonly solutionVersionArn: string;
  readonly inputPath: string;
  readonly outputPath: string;
}

async function describeBatchJob(client: PersonalizeClient, kind: BatchJobKind, arn: string): Promise<BatchJobDescription> {
  const job =
    kind === 'batchInferenceJob'
      ? (
          await call(`DescribeBatchInferenceJob ${arn}`, () =>
            client.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: arn })),
          )
        ).batchInferenceJob
      : (await call(`DescribeBatchSegmentJob ${arn}`, () => client.send(new DescribeBatchSegmentJobCommand({ batchSegmentJobArn: arn }))))
          .batchSegmentJob;
  if (job === undefined) throw new RetryableOpsError(`Describe ${kind} ${arn}: no job in the response`);
  return {
    arn,
    jobName: job.jobName ?? '',
    status: job.status ?? 'UNKNOWN',
    ...(job.failureReason !== undefined && { failureReason: job.failureReason }),
    solutionVersionArn: job.solutionVersionArn ?? '',
    inputPath: job.jobInput?.s3DataSource?.path ?? '',
    outputPath: job.jobOutput?.s3DataDestination?.path ?? '',
  };
}

export { describeBatchJob, ensureBatchJob };
export type { BatchJobDescription, BatchJobKind, BatchJobSpec };
