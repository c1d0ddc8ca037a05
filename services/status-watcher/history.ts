import type { ResourceKind } from '@recops/events';
import { parentArnOf } from '@recops/core/ops';
import { isJobKind, pastJobsOf, type JobKind } from './job-lists';
import { predictDuration, type DurationBelief, type PastJob, type UniformBelief } from './prediction';
import type { StatusReader } from './status-reader';

/** Enough earlier jobs to trust a prediction; fewer, and a batch job also looks at earlier versions. */
const ENOUGH_HISTORY = 2;
/** Earlier solution versions whose batch jobs may stand in for the current version's. */
const EARLIER_VERSIONS = 2;

interface HistoryQuery {
  readonly kind: ResourceKind;
  readonly arn: string;
  /** The List parent: dataset of an import, solution of a version, solution version of a batch job. */
  readonly parentArn: string | undefined;
  readonly priors: Readonly<Record<ResourceKind, UniformBelief>>;
}

/**
 * What the watcher believes about a job's duration, from Personalize's own record of earlier jobs
 * of the same parent (the List that also carries the current job's status, so in the same tick it
 * costs no extra call): earlier imports into the dataset, earlier versions of the solution,
 * earlier batch jobs of the solution (this version's, then up to two earlier versions'). Jobs in
 * another mode than the current one (trainingMode, importMode, batch mode) do not count. Without
 * history, or when Personalize cannot be read, the kind's prior.
 */
async function beliefFromHistory(reader: StatusReader, query: HistoryQuery): Promise<DurationBelief> {
  const { kind, arn, parentArn, priors } = query;
  if (!isJobKind(kind) || parentArn === undefined) return priors[kind];
  const jobs = await reader.listJobs(kind, parentArn);
  const mode = jobs.find((job) => job.arn === arn)?.mode;
  const past: PastJob[] = pastJobsOf(jobs, arn);
  if (past.length < ENOUGH_HISTORY && isBatchKind(kind)) past.push(...(await earlierVersionsJobs(reader, kind, parentArn, arn)));
  return predictDuration(kind, past, mode, priors);
}

function isBatchKind(kind: JobKind): kind is 'batchInferenceJob' | 'batchSegmentJob' {
  return kind === 'batchInferenceJob' || kind === 'batchSegmentJob';
}

async function earlierVersionsJobs(
  reader: StatusReader,
  kind: 'batchInferenceJob' | 'batchSegmentJob',
  versionArn: string,
  currentArn: string,
): Promise<PastJob[]> {
  const solutionArn = parentArnOf('solutionVersion', versionArn);
  if (solutionArn === undefined) return [];
  const versions = (await reader.listJobs('solutionVersion', solutionArn))
    .filter((v) => v.arn !== versionArn && v.status === 'ACTIVE')
    .sort((a, b) => (b.createdAtMs ?? 0) - (a.createdAtMs ?? 0))
    .slice(0, EARLIER_VERSIONS);
  const lists = await Promise.all(versions.map((v) => reader.listJobs(kind, v.arn)));
  return lists.flatMap((jobs) => pastJobsOf(jobs, currentArn));
}

export { beliefFromHistory };
