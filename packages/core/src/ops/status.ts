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
import { call, collectPages, isFailedStatus, STATUS_ACTIVE } from './shared';

/** Every Personalize resource kind recops waits on. */
const ResourceKind = {
  datasetGroup: 'datasetGroup',
  dataset: 'dataset',
  datasetImportJob: 'datasetImportJob',
  eventTracker: 'eventTracker',
  filter: 'filter',
  solution: 'solution',
  solutionVersion: 'solutionVersion',
  recommender: 'recommender',
  campaign: 'campaign',
  batchInferenceJob: 'batchInferenceJob',
  batchSegmentJob: 'batchSegmentJob',
} as const;
type ResourceKind = (typeof ResourceKind)[keyof typeof ResourceKind];

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
}

function statusPhase(status: string): StatusPhase {
  if (status === STATUS_ACTIVE) return StatusPhase.active;
  if (isFailedStatus(status)) return StatusPhase.failed;
  return StatusPhase.inProgress;
}

interface UpdateSummary {
  readonly status?: string | undefined;
  readonly failureReason?: string | undefined;
}

/**
 * Status of a resource with an update in flight (dataset schema, campaign, recommender): while the
 * update runs or after it failed, the update's status is what the waiting caller cares about.
 */
function withUpdate(arn: string, status: string | undefined, failureReason: string | undefined, update?: UpdateSummary): ResourceStatus {
  const updateStatus = update?.status;
  if (status === STATUS_ACTIVE && updateStatus !== undefined && updateStatus !== STATUS_ACTIVE) {
    return { arn, status: updateStatus, ...(update?.failureReason !== undefined && { failureReason: update.failureReason }) };
  }
  return { arn, status: status ?? 'UNKNOWN', ...(failureReason !== undefined && { failureReason }) };
}

/** One Describe call for one resource. */
async function describeStatus(client: PersonalizeClient, kind: ResourceKind, arn: string): Promise<ResourceStatus> {
  const attempted = `Describe ${kind} ${arn}`;
  switch (kind) {
    case ResourceKind.datasetGroup: {
      const r = await call(attempted, () => client.send(new DescribeDatasetGroupCommand({ datasetGroupArn: arn })));
      return withUpdate(arn, r.datasetGroup?.status, r.datasetGroup?.failureReason);
    }
    case ResourceKind.dataset: {
      const r = await call(attempted, () => client.send(new DescribeDatasetCommand({ datasetArn: arn })));
      return withUpdate(arn, r.dataset?.status, undefined, r.dataset?.latestDatasetUpdate);
    }
    case ResourceKind.datasetImportJob: {
      const r = await call(attempted, () =>
        client.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn: arn })),
      );
      return withUpdate(arn, r.datasetImportJob?.status, r.datasetImportJob?.failureReason);
    }
    case ResourceKind.eventTracker: {
      const r = await call(attempted, () => client.send(new DescribeEventTrackerCommand({ eventTrackerArn: arn })));
      return withUpdate(arn, r.eventTracker?.status, undefined);
    }
    case ResourceKind.filter: {
      const r = await call(attempted, () => client.send(new DescribeFilterCommand({ filterArn: arn })));
      return withUpdate(arn, r.filter?.status, r.filter?.failureReason);
    }
    case ResourceKind.solution: {
      const r = await call(attempted, () => client.send(new DescribeSolutionCommand({ solutionArn: arn })));
      return withUpdate(arn, r.solution?.status, undefined, r.solution?.latestSolutionUpdate);
    }
    case ResourceKind.solutionVersion: {
      const r = await call(attempted, () =>
        client.send(new DescribeSolutionVersionCommand({ solutionVersionArn: arn })),
      );
      return withUpdate(arn, r.solutionVersion?.status, r.solutionVersion?.failureReason);
    }
    case ResourceKind.recommender: {
      const r = await call(attempted, () => client.send(new DescribeRecommenderCommand({ recommenderArn: arn })));
      return withUpdate(arn, r.recommender?.status, r.recommender?.failureReason, r.recommender?.latestRecommenderUpdate);
    }
    case ResourceKind.campaign: {
      const r = await call(attempted, () => client.send(new DescribeCampaignCommand({ campaignArn: arn })));
      return withUpdate(arn, r.campaign?.status, r.campaign?.failureReason, r.campaign?.latestCampaignUpdate);
    }
    case ResourceKind.batchInferenceJob: {
      const r = await call(attempted, () =>
        client.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: arn })),
      );
      return withUpdate(arn, r.batchInferenceJob?.status, r.batchInferenceJob?.failureReason);
    }
    case ResourceKind.batchSegmentJob: {
      const r = await call(attempted, () =>
        client.send(new DescribeBatchSegmentJobCommand({ batchSegmentJobArn: arn })),
      );
      return withUpdate(arn, r.batchSegmentJob?.status, r.batchSegmentJob?.failureReason);
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
async function listStatuses(
  client: PersonalizeClient,
  kind: ResourceKind,
  parentArn: string,
): Promise<Map<string, ResourceStatus>> {
  const attempted = `List ${kind} under ${parentArn}`;
  const collect = (pages: AsyncIterable<object>, key: string, arnKey: string) =>
    call(attempted, async () => {
      const statuses = new Map<string, ResourceStatus>();
      for (const item of await collectPages<StatusSummary & Record<string, unknown>>(pages, key)) {
        const arn = item[arnKey];
        if (typeof arn !== 'string') continue;
        statuses.set(arn, withUpdate(arn, item.status, item.failureReason));
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
      return collect(paginateListBatchInferenceJobs({ client }, { solutionVersionArn: parentArn }), 'batchInferenceJobs', 'batchInferenceJobArn');
    case ResourceKind.batchSegmentJob:
      return collect(paginateListBatchSegmentJobs({ client }, { solutionVersionArn: parentArn }), 'batchSegmentJobs', 'batchSegmentJobArn');
    default:
      throw new TypeError(`${kind} cannot be listed by parent; use describeStatus`);
  }
}

export { ResourceKind, StatusPhase, canList, describeStatus, listStatuses, parentArnOf, statusPhase };
export type { ResourceStatus };
