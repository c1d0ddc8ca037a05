import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import {
  canList,
  describeStatus,
  listStatuses,
  type ResourceKind,
  type ResourceStatus,
  type WatchOperation,
} from '@recops/core/ops';

interface StatusRequest {
  readonly kind: ResourceKind;
  readonly arn: string;
  readonly operation: WatchOperation;
  readonly parentArn?: string;
}

/** Reads statuses for the records of one invocation, sharing calls between them. */
interface StatusReader {
  read(request: StatusRequest): Promise<ResourceStatus>;
}

interface Pending {
  readonly request: StatusRequest;
  readonly resolve: (status: ResourceStatus) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A reader that collects the requests made in the same turn of the event loop (every record of a
 * batch asks at once) and answers each group of ≥ 2 resources of one kind under one parent with a
 * single List call; everything else gets one Describe. Update watches always Describe: List
 * summaries do not carry the latest update's status.
 */
function createStatusReader(personalize: PersonalizeClient): StatusReader {
  let pending: Pending[] = [];

  const describeOne = (p: Pending) =>
    describeStatus(personalize, p.request.kind, p.request.arn).then(p.resolve, p.reject);

  const flush = async () => {
    const batch = pending;
    pending = [];
    const groups = new Map<string, Pending[]>();
    const singles: Pending[] = [];
    for (const p of batch) {
      const { kind, parentArn, operation } = p.request;
      if (parentArn === undefined || operation !== 'create' || !canList(kind)) {
        singles.push(p);
        continue;
      }
      const key = `${kind} ${parentArn}`;
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
    const work: Promise<unknown>[] = singles.map(describeOne);
    for (const group of groups.values()) {
      const first = group[0];
      if (first === undefined) continue;
      if (group.length === 1) {
        work.push(describeOne(first));
        continue;
      }
      work.push(
        listStatuses(personalize, first.request.kind, first.request.parentArn ?? '').then(
          (statuses) => {
            for (const p of group) {
              const status = statuses.get(p.request.arn);
              // Not listed (yet): eventual consistency of List; ask for this one directly.
              if (status === undefined) void describeOne(p);
              else p.resolve({ ...status, parentArn: first.request.parentArn ?? '' });
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
  };
}

/** A reader with no sharing: one Describe per request. */
function createDirectStatusReader(personalize: PersonalizeClient): StatusReader {
  return { read: (request) => describeStatus(personalize, request.kind, request.arn) };
}

export { createDirectStatusReader, createStatusReader };
export type { StatusReader, StatusRequest };
