export { EventBridgeError, InvalidEventPatternError } from './errors';
export { EventPattern, matchesEventPattern } from './pattern';
export { readJsonPath, renderTargetInput, type TargetInputSettings } from './input';
export {
  EventBridgeStore,
  DEFAULT_BUS,
  BUS_LOG_KIND,
  busArn,
  busNameOf,
  eventTime,
  ruleArn,
  type BusEvent,
  type BusLog,
  type EventBridgeStoreOptions,
  type PutEventsEntry,
  type PutEventsResultEntry,
  type RuleState,
  type TargetState,
} from './store';
export { EventBridgeService } from './service';
