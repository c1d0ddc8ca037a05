import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import { canList, describeStatus, listStatuses, type ResourceKind, type ResourceStatus, type WatchOperation } from '@recops/core/ops';
import { isJobKind, listJobs, type JobKind, type JobSummary } from './job-lists';

interface StatusRequest {
  readonly kind: ResourceKind;
  readonly arn: string;
  readonly operation: WatchOperation;
  readonly parentArn?: string;
}

/** Reads statuses and job lists, sharing calls between the watches that ask in the same tick. */
interface StatusReader {
  read(request: StatusRequest): Promise<ResourceStatus>;
  /** The jobs under `parentArn`: the same List that answers status reads of that parent this tick. */
  listJobs(kind: JobKind, parentArn: string): Promise<readonly JobSummary[]>;
}

/**
 * Job lists already fetched this tick, per kind and parent. It outlives one invocation (the
 * handler keeps it per container), so watches of one parent due in the same tick but delivered in
 * different batches still share one List call. Entries of older ticks are dropped on use.
 */
interface ListCache {
  readonly entries: Map<string, { readonly tick: number; readonly jobs: Promise<readonly JobSummary[]> }>;
}

function createListCache(): ListCache {
  return { entries: new Map() };
}

interface ReaderOptions {
  /** Shared job lists; without it every read makes its own call (apart from batching). */
  readonly cache?: ListCache;
  readonly now?: () => Date;
  /** Length of a tick in seconds: a List answers every read of its parent within the same tick. */
  readonly tickSeconds?: number;
}

interface Pending {
  readonly request: StatusRequest;
  readonly resolve: (status: ResourceStatus) => void;
  readonly reject: (error: unknown) => void;
}

function jobStatus(job: JobSummary, parentArn: string): ResourceStatus {
  return {
    arn: job.arn,
    status: job.status,
    ...(job.failureReason !== undefined && { failureReason: job.failureReason }),
    parentArn,
  };
}

/**
 * A reader that collects the requests made in the same turn of the event loop (every record of a
 * batch asks at once). A job (import, version, batch job) with a known parent is answered from
 * its parent's job List, one call per kind and parent per tick, shared with every other job of
 * that parent due in the tick. Other listable kinds share a List when ≥ 2 ask at once; everything
 * else gets one Describe. Update watches always Describe: List summaries do not carry the latest
 * update's status.
 */
function createStatusReader(personalize: PersonalizeClient, options: ReaderOptions = {}): StatusReader {
  const cache = options.cache ?? createListCache();
  const now = options.now ?? (() => new Date());
  const tickMs = Math.max(1, (options.tickSeconds ?? 5) * 1000);
  let pending: Pending[] = [];

  const jobsOf = (kind: JobKind, parentArn: string): Promise<readonly JobSummary[]> => {
    const key = `${kind} ${parentArn}`;
    const tick = Math.floor(now().getTime() / tickMs);
    const cached = cache.entries.get(key);
    if (cached !== undefined && cached.tick === tick) return cached.jobs;
    const jobs = listJobs(personalize, kind, parentArn);
    cache.entries.set(key, { tick, jobs });
    // A failed List must not answer the rest of the tick.
    jobs.catch(() => {
      if (cache.entries.get(key)?.jobs === jobs) cache.entries.delete(key);
    });
    for (const [other, entry] of cache.entries) if (entry.tick < tick) cache.entries.delete(other);
    return jobs;
  };

  const describeOne = (p: Pending) => describeStatus(personalize, p.request.kind, p.request.arn).then(p.resolve, p.reject);

  const fromJobList = (p: Pending, kind: JobKind, parentArn: string) =>
    jobsOf(kind, parentArn).then(
      (jobs) => {
        const job = jobs.find((j) => j.arn === p.request.arn);
        // Not listed (yet): eventual consistency of List, or older than its first page.
        if (job === undefined) return describeOne(p);
        p.resolve(jobStatus(job, parentArn));
      },
      () => describeOne(p),
    ); // A List that failed still leaves the job's own Describe.

  const flush = async () => {
    const batch = pending;
    pending = [];
    const groups = new Map<string, Pending[]>();
    const work: Promise<unknown>[] = [];
    for (const p of batch) {
      const { kind, parentArn, operation } = p.request;
      if (parentArn === undefined || operation !== 'create' || !canList(kind)) {
        work.push(describeOne(p));
      } else if (isJobKind(kind)) {
        work.push(fromJobList(p, kind, parentArn));
      } else {
        const key = `${kind} ${parentArn}`;
        groups.set(key, [...(groups.get(key) ?? []), p]);
      }
    }
    for (const group of groups.values()) {
      const first = group[0];
      if (first === undefined) continue;
      if (group.length === 1) {
        work.push(describeOne(first));
        continue;
      }
      const parentArn = first.request.parentArn ?? '';
      work.push(
        listStatuses(personalize, first.request.kind, parentArn).then(
          (statuses) => {
            for (const p of group) {
              const status = statuses.get(p.request.arn);
              if (status === undefined) void describeOne(p);
              else p.resolve({ ...status, parentArn });
            }
          },
          (error: unknown) => group.forEach((p) => p.reject(error)),
        ),
      );
    }
    await Promise.allSettled(work);
  };

  return {
    read(request) {
      return new Promise<ResourceStatus>((resolve, reject) => {
        if (pending.length === 0) setImmediate(() => void flush());
        pending.push({ request, resolve, reject });
      });
    },
    listJobs: jobsOf,
  };
}

export { createListCache, createStatusReader };
export type { ListCache, StatusReader };
