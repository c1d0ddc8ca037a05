/** The Lambda runtime every recops service shares. */
export { backoffSeconds, isRetryableError, receiveCount, RETRYABLE_ERROR_NAMES, returnToQueueLater, type BackoffOptions } from './backoff';
export { isPermanentAwsError, PERMANENT_AWS_ERROR_NAMES, permanentAwsError, permanentAwsErrorReason } from './aws-errors';
export { clientConfig, createClients, type ClientOptions, type Clients } from './clients';
export { DEAD_LETTER_ATTRIBUTE } from './dead-letter';
export { chainDependencies, type ChainDependencies } from './dependencies';
export { InvocationTimeoutError, runUntilAborted } from './deadline';
export { currentEnvironment, readRuntimeEnv, requireSetting, runWithEnvironment, type Environment, type RuntimeEnv } from './env';
export { DocumentConflictError, DocumentFormatError, PublishError, RetryLaterError, RuntimeConfigError, RuntimeError } from './errors';
export {
  createHandler,
  createSqsHandler,
  type HandlerOptions,
  type InvocationContext,
  type RecordContext,
  type SqsHandlerOptions,
} from './handler';
export {
  createObservability,
  Logger,
  Metrics,
  METRICS_NAMESPACE,
  MetricUnit,
  RUNTIME_METRIC,
  STAGE_DIMENSION,
  type Observability,
} from './observability';
export { publish, PUT_EVENTS_MAX_ENTRIES } from './publish';
export { settleAll } from './settle';
export { claimForAttempt, claimOnce, deliveryAttempt, isClaimed, releaseAttempt, type Claim, type ClaimAttempt } from './claim';
export {
  createDocument,
  isConditionFailure,
  readDocument,
  updateDocument,
  writeDocument,
  type VersionedDocument,
  type WriteOptions,
  type WriteResult,
} from './conditional-object';
export {
  BATCH_JOBS_PREFIX,
  batchJobRecordKey,
  claimKey,
  gateDecisionKey,
  MODELS_PREFIX,
  planKey,
  promotedVersionKey,
  rejectedRunKey,
  RUNS_PREFIX,
  runDocumentsPrefix,
  runStateKey,
} from './locations';
export { FINISHED_RUN_TAGS, runDocumentTags, tagRunDocuments } from './retention';
