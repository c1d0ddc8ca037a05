import {
  ListBatchInferenceJobsCommand,
  ListBatchSegmentJobsCommand,
  ListDatasetImportJobsCommand,
  ListSolutionVersionsCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import type { ResourceKind } from '@recops/events';
import { toOpsError } from '@recops/core/ops';
import type { PastJob } from './prediction';

/**
 * The jobs Personalize lists under one parent, with what a List summary says of each: status,
 * when it was created and last changed, and its mode. One List call serves both the status of
 * every in-flight job under the parent and the durations of the finished ones, so history costs
 * nothing beyond the checks themselves (recops keeps no store of its own for it).
 */
interface JobSummary {
  readonly arn: string;
  readonly status: string;
  readonly failureReason?: string;
  readonly createdAtMs?: number;
  readonly lastUpdatedAtMs?: number;
  /** trainingMode, importMode or batchInferenceJobMode, when Personalize reports one. */
  readonly mode?: string;
}

/** Kinds that are jobs with a duration worth predicting from earlier ones. */
const JOB_KINDS = ['datasetImportJob', 'solutionVersion', 'batchInferenceJob', 'batchSegmentJob'] as const;
type JobKind = (typeof JOB_KINDS)[number];

function isJobKind(kind: ResourceKind): kind is JobKind {
  return (JOB_KINDS as readonly string[]).includes(kind);
}

/** One page is enough: Personalize lists newest first, and the job being watched is the newest. */
const PAGE_SIZE = 100;

interface RawSummary {
  readonly status?: string | undefined;
  readonly failureReason?: string | undefined;
  readonly creationDateTime?: Date | undefined;
  readonly lastUpdatedDateTime?: Date | undefined;
}

function toSummary(arn: string | undefined, raw: RawSummary, mode: string | undefined): JobSummary | undefined {
  if (arn === undefined) return undefined;
  return {
    arn,
    status: raw.status ?? 'UNKNOWN',
    ...(raw.failureReason !== undefined && { failureReason: raw.failureReason }),
    ...(raw.creationDateTime !== undefined && { createdAtMs: raw.creationDateTime.getTime() }),
    ...(raw.lastUpdatedDateTime !== undefined && { lastUpdatedAtMs: raw.lastUpdatedDateTime.getTime() }),
    ...(mode !== undefined && { mode }),
  };
}

function defined<T>(items: readonly (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}

/**
 * One List call: the jobs of `kind` under `parentArn` (import jobs of a dataset, versions of a
 * solution, batch jobs of a solution version).
 */
async function listJobs(personalize: PersonalizeClient, kind: JobKind, parentArn: string): Promise<readonly JobSummary[]> {
  try {
    switch (kind) {
      case 'datasetImportJob': {
        const r = await personalize.send(new ListDatasetImportJobsCommand({ datasetArn: parentArn, maxResults: PAGE_SIZE }));
        return defined((r.datasetImportJobs ?? []).map((j) => toSummary(j.datasetImportJobArn, j, j.importMode)));
      }
      case 'solutionVersion': {
        const r = await personalize.send(new ListSolutionVersionsCommand({ solutionArn: parentArn, maxResults: PAGE_SIZE }));
        return defined((r.solutionVersions ?? []).map((v) => toSummary(v.solutionVersionArn, v, v.trainingMode)));
      }
      case 'batchInferenceJob': {
        const r = await personalize.send(new ListBatchInferenceJobsCommand({ solutionVersionArn: parentArn, maxResults: PAGE_SIZE }));
        return defined((r.batchInferenceJobs ?? []).map((j) => toSummary(j.batchInferenceJobArn, j, j.batchInferenceJobMode)));
      }
      case 'batchSegmentJob': {
        const r = await personalize.send(new ListBatchSegmentJobsCommand({ solutionVersionArn: parentArn, maxResults: PAGE_SIZE }));
        return defined((r.batchSegmentJobs ?? []).map((j) => toSummary(j.batchSegmentJobArn, j, undefined)));
      }
    }
  } catch (error) {
    throw toOpsError(error, `List ${kind} under ${parentArn}`);
  }
}

/**
 * Finished jobs as history: ACTIVE ones other than `currentArn`, creation → last update. Failed
 * and stopped jobs say nothing about how long a successful one takes.
 */
function pastJobsOf(summaries: readonly JobSummary[], currentArn: string): PastJob[] {
  const past: PastJob[] = [];
  for (const job of summaries) {
    if (job.arn === currentArn || job.status !== 'ACTIVE') continue;
    if (job.createdAtMs === undefined || job.lastUpdatedAtMs === undefined) continue;
    const durationSeconds = (job.lastUpdatedAtMs - job.createdAtMs) / 1000;
    if (durationSeconds <= 0) continue;
    past.push({ durationSeconds, createdAtMs: job.createdAtMs, ...(job.mode !== undefined && { mode: job.mode }) });
  }
  return past;
}

export { JOB_KINDS, isJobKind, listJobs, pastJobsOf };
export type { JobKind, JobSummary };
