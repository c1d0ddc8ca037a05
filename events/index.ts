/**
 * recops' event catalog: the single source of every event's source, detail-type, version and detail
 * schema. Publishers build entries with `<event>.entry(detail, busName)`; subscribers parse with
 * `<event>.parse(eventOrSqsRecord)`; the manifest subscribes with `<event>.pattern()`.
 */
export { batchOutputReady } from './batch-output-ready';
export { campaignDeployed } from './campaign-deployed';
export {
  EVENT_CATALOG,
  findDefinition,
  isStatusChanged,
  notSubscribed,
  parseCatalogEvent,
  type CatalogEvent,
  type CatalogEventName,
  type CatalogEventOf,
  type StatusChangedCatalogEvent,
} from './catalog';
export {
  defineEvent,
  putEventsEntrySize,
  PUT_EVENTS_ENTRY_LIMIT_BYTES,
  type Detail,
  type DetailInput,
  type EventDefinition,
  type EventSpec,
  type ParsedEvent,
} from './define';
export { EventCatalogError, EventTooLargeError, EventValidationError, type EventIssue } from './errors';
export { PERSONALIZE_NAME, type S3Location, type S3Prefix } from './fields';
export { messageDeadLettered } from './message-dead-lettered';
export { messageRecovered } from './message-recovered';
export { pipelineCompleted } from './pipeline-completed';
export { pipelineFailed, PIPELINE_STEP, type PipelineStep } from './pipeline-failed';
export { pipelineRequested, RUN_TRIGGER, type RunTrigger } from './pipeline-requested';
export { BATCH_JOB_KINDS, RUN_SCOPE_KIND, runScope, type BatchJobKind, type RunScope, type RunScopeKind } from './run-scope';
export { RESOURCE_KIND, RESOURCE_KIND_LABEL, RESOURCE_KINDS, type ResourceKind } from './resource-kinds';
export { SCHEDULE_KIND, SCHEDULER_CONTEXT, scheduleFired, type ScheduleKind } from './schedule-fired';
export { solutionMetricsPublished } from './solution-metrics-published';
export { promotionGate, solutionMetrics, solutionVersionPromoted, type PromotionGate } from './solution-version-promoted';
export { solutionVersionRejected } from './solution-version-rejected';
export { EVENT_SOURCE, type EventSource } from './sources';
export {
  batchInferenceJobStatusChanged,
  batchSegmentJobStatusChanged,
  campaignStatusChanged,
  datasetGroupStatusChanged,
  datasetImportJobStatusChanged,
  datasetStatusChanged,
  eventTrackerStatusChanged,
  FAILED_STATUSES,
  filterStatusChanged,
  recommenderStatusChanged,
  solutionStatusChanged,
  solutionVersionStatusChanged,
  STATUS_CHANGED_EVENTS,
  statusChanged,
  statusChangedEntry,
  TERMINAL_STATUS,
  type StatusChangedEvent,
  type StatusChangedInput,
  type TerminalStatus,
} from './status-changed';
export { stepFailed } from './step-failed';
export { stepRetrying } from './step-retrying';
export { watchRequested } from './watch-requested';
