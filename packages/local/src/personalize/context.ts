/**
 * What every operation works with, and the rules they share: describing a resource, finding a
 * parent or failing with ResourceNotFound, name uniqueness, state preconditions, quotas.
 */
import type { PersonalizeEngine } from '@recops/engine';
import { KIND_LABEL, ResourceKind } from './arns';
import { LimitExceededError, ResourceAlreadyExistsError, ResourceInUseError, ResourceNotFoundError } from './errors';
import type { Json } from './input';
import { type Lifecycle, Status } from './lifecycle';
import type { Resource, ResourceStore } from './store';
import { clip } from '../errors';

/** Service quotas (PERSONALIZE.md §10), adjustable like their AWS counterparts. */
export interface PersonalizeQuotas {
  readonly datasetGroups: number;
  readonly schemas: number;
  readonly pendingImportJobs: number;
  readonly pendingBatchInferenceJobs: number;
  readonly pendingBatchSegmentJobs: number;
  readonly pendingSolutionVersions: number;
  readonly solutionsPerDatasetGroup: number;
  readonly campaignsPerDatasetGroup: number;
  readonly recommendersPerDatasetGroup: number;
  readonly filtersPerDatasetGroup: number;
}

export const DEFAULT_QUOTAS: PersonalizeQuotas = {
  datasetGroups: 5,
  schemas: 500,
  pendingImportJobs: 5,
  pendingBatchInferenceJobs: 5,
  pendingBatchSegmentJobs: 5,
  pendingSolutionVersions: 20,
  solutionsPerDatasetGroup: 10,
  campaignsPerDatasetGroup: 5,
  recommendersPerDatasetGroup: 5,
  filtersPerDatasetGroup: 30,
};

export interface ServiceContext {
  readonly store: ResourceStore;
  readonly lifecycle: Lifecycle;
  readonly engine: PersonalizeEngine;
  readonly quotas: PersonalizeQuotas;
}

/** The member that holds each kind's ARN in requests and Describe/List output. */
const ARN_MEMBER: Readonly<Record<ResourceKind, string>> = {
  'dataset-group': 'datasetGroupArn',
  schema: 'schemaArn',
  dataset: 'datasetArn',
  'dataset-import-job': 'datasetImportJobArn',
  solution: 'solutionArn',
  'solution-version': 'solutionVersionArn',
  campaign: 'campaignArn',
  filter: 'filterArn',
  'event-tracker': 'eventTrackerArn',
  recommender: 'recommenderArn',
  'batch-inference-job': 'batchInferenceJobArn',
  'batch-segment-job': 'batchSegmentJobArn',
};

const NAME_MEMBER: Partial<Record<ResourceKind, string>> = {
  'dataset-import-job': 'jobName',
  'batch-inference-job': 'jobName',
  'batch-segment-job': 'jobName',
};

/** Statuses during which a create is still running. */
const PENDING_STATUSES: ReadonlySet<string> = new Set([Status.createPending, Status.createInProgress, Status.createStopping]);
export const DELETING_STATUSES: ReadonlySet<string> = new Set([Status.deletePending, Status.deleteInProgress]);

/** The Describe shape: name, ARN, kind-specific members, status, failureReason, times. */
export function describe(resource: Resource): Json {
  const out: Json = {};
  if (resource.name !== '') out[NAME_MEMBER[resource.kind] ?? 'name'] = resource.name;
  out[ARN_MEMBER[resource.kind]] = resource.arn;
  Object.assign(out, resource.fields);
  if (resource.status !== undefined) out['status'] = resource.status;
  if (resource.failureReason !== undefined) out['failureReason'] = resource.failureReason;
  out['creationDateTime'] = resource.creationDateTime;
  out['lastUpdatedDateTime'] = resource.lastUpdatedDateTime;
  return out;
}

/** A List* summary: the Describe shape narrowed to the members the summary type declares. */
export function summarize(resource: Resource, members: readonly string[]): Json {
  const full = describe(resource);
  const out: Json = {};
  for (const member of members) if (full[member] !== undefined) out[member] = full[member];
  return out;
}

export function findResource(ctx: ServiceContext, kind: ResourceKind, arn: string): Resource {
  const resource = ctx.store.get(arn);
  if (resource === undefined || resource.kind !== kind) {
    throw new ResourceNotFoundError(`${KIND_LABEL[kind]} ${clip(arn)} does not exist.`);
  }
  return resource;
}

export function ensureAbsent(ctx: ServiceContext, kind: ResourceKind, arn: string): void {
  if (ctx.store.get(arn) !== undefined) {
    throw new ResourceAlreadyExistsError(`${KIND_LABEL[kind]} ${clip(arn)} already exists.`);
  }
}

/** ResourceInUse unless `resource` is in one of `statuses` (precondition on a parent or target). */
export function requireStatus(resource: Resource, statuses: readonly string[], action: string): void {
  if (!statuses.includes(resource.status ?? '')) {
    throw new ResourceInUseError(
      `${KIND_LABEL[resource.kind]} ${resource.arn} is in status ${resource.status ?? 'unknown'}; ${action} requires ${statuses.join(' or ')}.`,
    );
  }
}

/** Deletes are refused while a create or another delete is running. */
export function requireDeletable(resource: Resource): void {
  requireStatus(resource, [Status.active, Status.createFailed, Status.inactive, Status.createStopped], 'deleting it');
}

export function requireBelow(count: number, limit: number, message: string): void {
  if (count >= limit) throw new LimitExceededError(message);
}

/** A per-dataset-group quota: creating one more `noun` is refused once the group holds `limit`. */
export function requireRoomInDatasetGroup(
  ctx: ServiceContext,
  kind: ResourceKind,
  datasetGroupArn: string,
  limit: number,
  noun: string,
): void {
  requireBelow(
    ctx.store.list(kind, (resource) => resource.fields['datasetGroupArn'] === datasetGroupArn).length,
    limit,
    `Cannot create a ${noun}. More than ${limit} ${noun}s exist in dataset group ${datasetGroupArn}.`,
  );
}

export function pendingLimitMessage(limit: number): string {
  return `More than ${limit} resources with PENDING or IN_PROGRESS status.`;
}

export function isPending(resource: Resource): boolean {
  return PENDING_STATUSES.has(resource.status ?? '');
}

/** Latest ACTIVE version of a solution: the base of an UPDATE and the target of `$LATEST`. */
export function latestActiveVersion(ctx: ServiceContext, solutionArn: string): Resource | undefined {
  return ctx.store
    .list(ResourceKind.solutionVersion, (version) => version.fields['solutionArn'] === solutionArn && version.status === Status.active)
    .pop();
}
