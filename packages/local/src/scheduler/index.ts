export {
  SCHEDULER_CONTEXT_ATTRIBUTE,
  newExecutionId,
  scheduledTimeText,
  substituteContextAttributes,
  type InvocationContext,
} from './context';
export { SchedulerError, ScheduleExpressionError } from './errors';
export { nextFireTime, parseScheduleExpression, type ScheduleExpression } from './expression';
export { FireTimers } from './timer';
export {
  SchedulerStore,
  DEFAULT_GROUP,
  SCHEDULER_LOG_KIND,
  scheduleArn,
  scheduleGroupArn,
  type ScheduleGroupState,
  type ScheduleInput,
  type ScheduleState,
  type ScheduleTarget,
  type SchedulerLog,
  type SchedulerStoreOptions,
} from './store';
export { SchedulerService } from './service';
