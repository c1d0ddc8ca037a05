/**
 * Idempotent Amazon Personalize operations. Each takes a `PersonalizeClient` and a spec, reuses a
 * resource that already exists (same identity, same definition) and creates it otherwise. Errors
 * are `OpsError`s that say whether a retry can help.
 */
export { ErrorClass, classifyError, isAlreadyExists, isNotFound, toOpsError } from './classify';
export {
  OpsError,
  PermanentOpsError,
  ResourceConflictError,
  ResourceFailedError,
  ResourceNotReadyError,
  RetryableOpsError,
} from './errors';
export { ensureDatasetGroup, findDatasetGroup } from './dataset-group';
export type { DatasetGroupSpec } from './dataset-group';
export { ensureSchema, schemaRevisionName } from './schema';
export type { SchemaResult, SchemaSpec } from './schema';
export { compareSchemas } from './schema-compat';
export type { SchemaComparison } from './schema-compat';
export { ensureDataset, findDataset } from './dataset';
export type { DatasetResult, DatasetSpec } from './dataset';
export { ensureEventTracker } from './event-tracker';
export type { EventTrackerResult, EventTrackerSpec } from './event-tracker';
export { ensureImportJob, findImportJob, hasImportedData } from './import-job';
export type { ImportJobSpec } from './import-job';
export { ensureFilter } from './filter';
export type { FilterSpec } from './filter';
export { ensureSolution, findSolution } from './solution';
export type { SolutionSpec } from './solution';
export { ensureSolutionVersion } from './solution-version';
export type { SolutionVersionSpec } from './solution-version';
export { ensureRecommender } from './recommender';
export { deployCampaign, describeCampaign, findCampaign } from './campaign';
export type { CampaignDeployment, CampaignSpec } from './campaign';
export { describeBatchJob, ensureBatchJob } from './batch-job';
export type { BatchJobDescription, BatchJobKind, BatchJobSpec } from './batch-job';
export type { RecommenderSpec } from './recommender';
export {
  ResourceKind,
  StatusPhase,
  canList,
  describeStatus,
  effectiveStatus,
  listStatuses,
  parentArnOf,
  statusPhase,
} from './status';
export type { ResourceStatus, WatchOperation } from './status';
export { isFailedStatus, requireActive } from './shared';
export type { EnsureResult, TagMap } from './shared';
export { loadPlannedRun, loadRunOf, plannedRunLocation, readPlannedRun, resolveParameterFileText, storePlannedRun } from './run-plan';
export type { ObjectLocation } from './run-plan';
