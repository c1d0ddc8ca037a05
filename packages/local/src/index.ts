export { createLocalCloud, type LocalCloud, type LocalCloudContext, type LocalCloudOptions } from './cloud';
export {
  EVENT_LOG_FILE,
  EVENT_LOG_KIND,
  EVENT_LOG_ROTATION,
  EventLog,
  eventLogFile,
  readEventLog,
  tailEventLog,
  type EventLogEntry,
  type EventLogListener,
  type EventLogOptions,
  type TailOptions,
} from './event-log';
export { LocalCloudError, PersistError, QUOTE_LIMIT, ServerStartError, UnsafePathError, clip, quote } from './errors';
export * from './faults';
export { BodyTooLargeError, DEFAULT_BODY_LIMITS, type BodyLimits } from './request-body';
export {
  ensureDir,
  listDir,
  readFileIfExists,
  readJson,
  removeDir,
  removeFile,
  removeStaleTempFiles,
  resolveInside,
  syncFile,
  writeFileAtomic,
  writeJsonAtomic,
} from './persist';
export { decodeAwsChunked, protocolError, signingNameOf, startServer, type LocalServer, type LocalServerOptions } from './server';
export {
  MIN_PART_SIZE,
  S3Error,
  S3WireService,
  createLocalS3,
  encodeEventKey,
  type BucketRecord,
  type LocalS3,
  type LocalS3Options,
  type ObjectCreatedEventName,
  type ObjectCreatedFilter,
  type ObjectCreatedListener,
  type ObjectRecord,
} from './s3';
export { ACCOUNT_ID, REGION, type WireRequest, type WireResponse, type WireService } from './wire';
// Each emulated service as a namespace: their error classes share names (e.g. per-protocol errors).
export { LocalIam, isAllowed, principalArn, type AccessDenial, type AccessRequest, type ServicePrincipal } from './iam';
export * as eventbridge from './eventbridge';
export * as personalize from './personalize';
export * as runner from './runner';
export * as scheduler from './scheduler';
export * as sqs from './sqs';
