import { JsonProtocolError } from '../json-protocol-error';

/**
 * Scheduler errors in the REST-JSON shape: the SDK reads the type from `x-amzn-errortype` (and
 * `__type`/`code` in the body) and the message from `Message`.
 */
export class SchedulerError extends JsonProtocolError {
  override readonly name: string = 'SchedulerError';
}

/** A `cron()`, `rate()` or `at()` expression that breaks the rules; the message says which rule. */
export class ScheduleExpressionError extends SchedulerError {
  override readonly name: string = 'ScheduleExpressionError';
  constructor(message: string, options?: ErrorOptions) {
    super('ValidationException', message, 400, options);
  }
}

export const schedulerValidation = (message: string): SchedulerError => new SchedulerError('ValidationException', message, 400);
export const schedulerNotFound = (message: string): SchedulerError => new SchedulerError('ResourceNotFoundException', message, 404);
export const schedulerConflict = (message: string): SchedulerError => new SchedulerError('ConflictException', message, 409);
