/**
 * After a restart, every chain that was under way continues from the state it was persisted in:
 * a job found CREATE PENDING or CREATE IN_PROGRESS runs again from the start of its work, deletes
 * finish, stops settle, and pending updates complete.
 */
import { ResourceKind } from '../arns';
import type { ServiceContext } from '../context';
import { Status } from '../lifecycle';
import type { Resource } from '../store';
import { resumeBatchJob } from './batch-jobs';
import { resumeCampaignUpdate } from './campaigns';
import { DELETE_CHAIN, removeOnly, resumeCreate } from './common';
import { DATASET_GROUP_DELETE_CHAIN, removeDatasetGroup } from './dataset-groups';
import { removeDataset, resumeDatasetUpdate } from './datasets';
import { removeEventTracker } from './event-trackers';
import { resumeImportJob } from './import-jobs';
import { resumeRecommender } from './recommenders';
import { resumeSolutionVersion } from './solution-versions';
import { removeSolution, resumeSolutionUpdate } from './solutions';

function isUpdating(resource: Resource, member: string): boolean {
  const status = (resource.fields[member] as { status?: string } | undefined)?.status;
  return status === Status.createPending || status === Status.createInProgress;
}

function resumeDelete(ctx: ServiceContext, resource: Resource): void {
  const removers: Partial<Record<string, (resource: Resource) => Promise<void> | void>> = {
    [ResourceKind.datasetGroup]: removeDatasetGroup(ctx),
    [ResourceKind.dataset]: removeDataset(ctx),
    [ResourceKind.solution]: removeSolution(ctx),
    [ResourceKind.eventTracker]: removeEventTracker(ctx),
  };
  const states = resource.kind === ResourceKind.datasetGroup ? DATASET_GROUP_DELETE_CHAIN : DELETE_CHAIN;
  ctx.lifecycle.delete(resource.arn, { states, finalize: removers[resource.kind] ?? removeOnly(ctx) });
}

export function resumeAll(ctx: ServiceContext): void {
  for (const resource of ctx.store.all()) {
    const status = resource.status ?? '';
    if (status === Status.deletePending || status === Status.deleteInProgress) {
      resumeDelete(ctx, resource);
      continue;
    }
    switch (resource.kind) {
      case ResourceKind.datasetImportJob:
        resumeImportJob(ctx, resource);
        break;
      case ResourceKind.solutionVersion:
        resumeSolutionVersion(ctx, resource);
        break;
      case ResourceKind.batchInferenceJob:
      case ResourceKind.batchSegmentJob:
        resumeBatchJob(ctx, resource);
        break;
      case ResourceKind.recommender:
        resumeRecommender(ctx, resource);
        break;
      default:
        resumeCreate(ctx, resource.arn);
    }
    if (isUpdating(resource, 'latestCampaignUpdate')) resumeCampaignUpdate(ctx, resource.arn);
    if (isUpdating(resource, 'latestDatasetUpdate')) resumeDatasetUpdate(ctx, resource.arn);
    if (isUpdating(resource, 'latestSolutionUpdate')) resumeSolutionUpdate(ctx, resource.arn);
  }
}
