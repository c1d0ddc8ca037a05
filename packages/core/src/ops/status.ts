import {
  DescribeBatchInferenceJobCommand,
  DescribeBatchSegmentJobCommand,
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
  DescribeRecommenderCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  type PersonalizeClient,
  paginateListBatchInferenceJobs,
  paginateListBatchSegmentJobs,
  paginateListCampaigns,
  paginateListDatasetImportJobs,
  paginateListDatasets,
  paginateListEventTrackers,
  paginateListFilters,
  paginateListRecommenders,
  paginateListSolutionVersions,
  paginateListSolutions,
} from '@aws-sdk/client-personalize';
import { RESOURCE_KIND, type ResourceKind as CatalogResourceKind } from '@recops/events';
import { call, collectPages, isFailedStatus, STATUS_ACTIVE } from './shared';

/**
 * Every Personalize resource kind recops waits on: the event catalog's list, so a Watch Requested
 * names exactly the kinds this module can describe.
 */
const ResourceKind = RESOURCE_KIND;
type ResourceKind = CatalogResourceKind;

/** Where a resource stands, reduced to what a waiting caller acts on. */
const StatusPhase = {
  active: 'active',
  failed: 'failed',
  inProgress: 'in-progress',
} as const;
type StatusPhase = (typeof StatusPhase)[keyof typeof StatusPhase];

interface ResourceStatus {
  readonly arn: string;
  /** Personalize's status text, e.g. `CREATE IN_PROGRESS`, `ACTIVE`, `CREATE FAILED`. */
  readonly status: string;
  readonly failureReason?: string;
  /** The resource's latest update (dataset schema, solution, campaign, recommender), when it has one. */
  readonly update?: { readonly status: string; readonly failureReason?: string };
  /** The ARN its List call is scoped by (dataset of an import job, solution of a version, …), when known. */
  readonly parentArn?: string;
}

/** What is being waited for: the resource's creation, or its latest update. */
type WatchOperation = 'create' | 'update';

function statusPhase(status: string): StatusPhase {
  if (status === STATUS_ACTIVE) return StatusPhase.active;
  if (isFailedStatus(status)) return StatusPhase.failed;
  return StatusPhase.inProgress;
}

/**
 * The status that answers a watch: the resource's own for `create`; for `update`, the latest
 * update's (a resource without an update in flight counts as its own status).
 */
function effectiveStatus(
  resource: ResourceStatus,
  operation: WatchOperation,
): { readonly status: string; readonly failureReason?: string } {
  if (operation === 'update' && resource.update !== undefined && resource.status === STATUS_ACTIVE) return resource.update;
  return {
    status: resource.status,
    ...(resource.failureReason !== undefined && { failureReason: resource.failureReason }),
  };
}

interface UpdateSummary {
  readonly status?: string | undefined;
  readonly failureReason?: string | undefined;
}

function toStatus(
  arn: string,
  found: { readonly status?: string | undefined; readonly failureReason?: string | undefined } | undefined,
  parentArn: string | undefined,
  update?: UpdateSummary,
): ResourceStatus {
  return {
    arn,
    status: found?.status ?? 'UNKNOWN',
    ...(found?.failureReason !== undefined && { failureReason: found.failureReason }),
    ...(update?.status !== undefined && {
      update: { status: update.status, ...(update.failureReason !== undefined && { failureReason: update.failureReason }) },
    }),
    ...(parentArn !== undefined && { parentArn }),
  };
}

/** One Describe call for one resource. */
async function describeStatus(client: PersonalizeClient, kind: ResourceKind, arn: string): Promise<ResourceStatus> {
  const attempted = `Describe ${kind} ${arn}`;
  switch (kind) {
    case ResourceKind.datasetGroup: {
      const r = await call(attempted, () => client.send(new DescribeDatasetGroupCommand({ datasetGroupArn: arn })));
      return toStatus(arn, r.datasetGroup, undefined);
    }
    case ResourceKind.dataset: {
      const r = await call(attempted, () => client.send(new DescribeDatasetCommand({ datasetArn: arn })));
      return toStatus(arn, { status: r.dataset?.status }, r.dataset?.datasetGroupArn, r.dataset?.latestDatasetUpdate);
    }
    case ResourceKind.datasetImportJob: {
      const r = await call(attempted, () => client.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn: arn })));
      return toStatus(arn, r.datasetImportJob, r.datasetImportJob?.datasetArn);
    }
    case ResourceKind.eventTracker: {
      const r = await call(attempted, () => client.send(new DescribeEventTrackerCommand({ eventTrackerArn: arn })));
      return toStatus(arn, { status: r.eventTracker?.status }, r.eventTracker?.datasetGroupArn);
    }
    case ResourceKind.filter: {
      const r = await call(attempted, () => client.send(new DescribeFilterCommand({ filterArn: arn })));
      return toStatus(arn, r.filter, r.filter?.datasetGroupArn);
    }
    case ResourceKind.solution: {
      const r = await call(attempted, () => client.send(new DescribeSolutionCommand({ solutionArn: arn })));
      return toStatus(arn, { status: r.solution?.status }, r.solution?.datasetGroupArn, r.solution?.latestSolutionUpdate);
    }
    case ResourceKind.solutionVersion: {
      const r = await call(attempted, () => client.send(new DescribeSolutionVersionCommand({ solutionVersionArn: arn })));
      return toStatus(arn, r.solutionVersion, r.solutionVersion?.solutionArn ?? parentArnOf(kind, arn));
    }
    case ResourceKind.recommender: {
      const r = await call(attempted, () => client.send(new DescribeRecommenderCommand({ recommenderArn: arn })));
      return toStatus(arn, r.recommender, r.recommender?.datasetGroupArn, r.recommender?.latestRecommenderUpdate);
    }
    case ResourceKind.campaign: {
      const r = await call(attempted, () => client.send(new DescribeCampaignCommand({ campaignArn: arn })));
      const versionArn = r.campaign?.solutionVersionArn;
      const solutionArn = versionArn === undefined ? undefined : parentArnOf(ResourceKind.solutionVersion, versionArn);
      return toStatus(arn, r.campaign, solutionArn, r.campaign?.latestCampaignUpdate);
    }
    case ResourceKind.batchInferenceJob: {
      const r = await call(attempted, () => client.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: arn })));
      return toStatus(arn, r.batchInferenceJob, r.batchInferenceJob?.solutionVersionArn);
    }
    case ResourceKind.batchSegmentJob: {
      const r = await call(attempted, () => client.send(new DescribeBatchSegmentJobCommand({ batchSegmentJobArn: arn })));
      return toStatus(arn, r.batchSegmentJob, r.batchSegmentJob?.solutionVersionArn);
    }
  }
}

/** Kinds whose List call takes a parent ARN, and what that parent is. */
const LISTABLE: Partial<Record<ResourceKind, 'datasetGroupArn' | 'datasetArn' | 'solutionArn' | 'solutionVersionArn'>> = {
  dataset: 'datasetGroupArn',
  eventTracker: 'datasetGroupArn',
  filter: 'datasetGroupArn',
  solution: 'datasetGroupArn',
  recommender: 'datasetGroupArn',
  datasetImportJob: 'datasetArn',
  solutionVersion: 'solutionArn',
  campaign: 'solutionArn',
  batchInferenceJob: 'solutionVersionArn',
  batchSegmentJob: 'solutionVersionArn',
};

/**
 * Parent ARN derivable from a resource's own ARN, when Personalize's ARN layout allows it:
 * `…:solution/<name>/<id>` (version) → `…:solution/<name>`, `…:dataset/<group>/<TYPE>` → `…:dataset-group/<group>`.
 */
function parentArnOf(kind: ResourceKind, arn: string): string | undefined {
  if (kind === ResourceKind.solutionVersion) {
    const match = /^(arn:[^:]+:personalize:[^:]*:[^:]*:solution\/[^/]+)\/[^/]+$/.exec(arn);
    return match?.[1];
  }
  if (kind === ResourceKind.dataset) {
    const match = /^(arn:[^:]+:personalize:[^:]*:[^:]*:)dataset\/([^/]+)\/[^/]+$/.exec(arn);
    return match ? `${match[1]}dataset-group/${match[2]}` : undefined;
  }
  return undefined;
}

function canList(kind: ResourceKind): boolean {
  return LISTABLE[kind] !== undefined;
}

interface StatusSummary {
  readonly status?: string | undefined;
  readonly failureReason?: string | undefined;
}

/**
 * Statuses of every resource of `kind` under `parentArn`, with one paginated List call: the cheap
 * way to check several in-flight resources of one kind at once. List summaries carry status and
 * (for jobs and versions) failureReason.
 */
async function listStatuses(client: PersonalizeClient, kind: ResourceKind, parentArn: string): Promise<Map<string, ResourceStatus>> {
  const attempted = `List ${kind} under ${parentArn}`;
  const collect = (pages: AsyncIterable<object>, key: string, arnKey: string) =>
    call(attempted, async () => {
      const statuses = new Map<string, ResourceStatus>();
      for (const item of await collectPages<StatusSummary & Record<string, unknown>>(pages, key)) {
        const arn = item[arnKey];
        if (typeof arn !== 'string') continue;
        statuses.set(arn, toStatus(arn, item, parentArn));
      }
      return statuses;
    });
  switch (kind) {
    case ResourceKind.dataset:
      return collect(paginateListDatasets({ client }, { datasetGroupArn: parentArn }), 'datasets', 'datasetArn');
    case ResourceKind.eventTracker:
      return collect(paginateListEventTrackers({ client }, { datasetGroupArn: parentArn }), 'eventTrackers', 'eventTrackerArn');
    case ResourceKind.filter:
      return collect(paginateListFilters({ client }, { datasetGroupArn: parentArn }), 'Filters', 'filterArn');
    case ResourceKind.solution:
      return collect(paginateListSolutions({ client }, { datasetGroupArn: parentArn }), 'solutions', 'solutionArn');
    case ResourceKind.recommender:
      return collect(paginateListRecommenders({ client }, { datasetGroupArn: parentArn }), 'recommenders', 'recommenderArn');
    case ResourceKind.datasetImportJob:
      return collect(paginateListDatasetImportJobs({ client }, { datasetArn: parentArn }), 'datasetImportJobs', 'datasetImportJobArn');
    case ResourceKind.solutionVersion:
      return collect(paginateListSolutionVersions({ client }, { solutionArn: parentArn }), 'solutionVersions', 'solutionVersionArn');
    case ResourceKind.campaign:
      return collect(paginateListCampaigns({ client }, { solutionArn: parentArn }), 'campaigns', 'campaignArn');
    case ResourceKind.batchInferenceJob:
      return collect(
        paginateListBatchInferenceJobs({ client }, { solutionVersionArn: parentArn }),
        'batchInferenceJobs',
        'batchInferenceJobArn',
      );
    case ResourceKind.batchSegmentJob:
      return collect(paginateListBatchSegmentJobs({ client }, { solutionVersionArn: parentArn }), 'batchSegmentJobs', 'batchSegmentJobArn');
    default:
      throw new TypeError(`${kind} cannot be listed by parent; use describeStatus`);
  }
}

export { ResourceKind, StatusPhase, canList, describeStatus, effectiveStatus, listStatuses, parentArnOf, statusPhase };
export type { ResourceStatus, WatchOperation };
