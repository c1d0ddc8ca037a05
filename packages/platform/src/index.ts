/**
 * The platform contract, the bottom layer of recops: what a service declares (bus patterns, queue
 * settings, permissions), the environment names every handler receives, and the deployable
 * topology both readers of the manifest (`stacks/` and the local cloud) are compared against.
 * It imports nothing of recops, so events, core and everything above can depend on it.
 */
export {
  redriveMaxReceiveCount,
  RUNTIME_ENV,
  type BusPattern,
  type Permission,
  type PermissionScope,
  type QueueSettings,
  type S3Trigger,
  type ServiceDefinition,
} from './manifest-types';
export { isProductionStage, personalizeNamePrefix, PRODUCTION_STAGES, stageScopedName } from './stage-names';
export {
  DEAD_LETTER_ACTION,
  ManifestPermissionError,
  PASS_ROLE_TARGETS,
  QUEUE_CONSUMER_ACTIONS,
  servicePolicy,
  type ArnTemplate,
  type PolicyCondition,
  type PolicyStatement,
  type ScopeResources,
} from './manifest-policy';
export {
  canonicalPattern,
  environmentNames,
  normalizeTopology,
  sortTriggers,
  topologyFromManifest,
  type QueueTopology,
  type S3TriggerTopology,
  type ServiceTopology,
  type Topology,
} from './topology';
export {
  DEFAULT_FINISHED_RUN_RETENTION_DAYS,
  FINISHED_RUN_TAG,
  OPEN_RUN_TAG,
  RUNS_PREFIX,
  UNFINISHED_RUN_RETENTION_FACTOR,
} from './retention';
