/**
 * Errors raised by the idempotent Personalize operations.
 *
 * Every error says whether retrying can help (`retryable`): the services turn retryable errors into
 * a record that returns to its queue with backoff, and permanent ones into a Step Failed event.
 */
import { CoreError } from '../errors';

/** Base of every error raised under `ops/`. */
class OpsError extends CoreError {
  /** True when the same call may succeed later (throttling, quota, resource busy or not ready). */
  readonly retryable: boolean;

  constructor(message: string, retryable: boolean, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OpsError';
    this.retryable = retryable;
  }
}

/** Personalize refused for a reason that heals by itself: throttling, a quota, a busy or unready resource. */
class RetryableOpsError extends OpsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, true, options);
    this.name = 'RetryableOpsError';
  }
}

/** A prerequisite is not ACTIVE yet (e.g. a dataset group still CREATE IN_PROGRESS). */
class ResourceNotReadyError extends RetryableOpsError {
  readonly resourceArn: string;
  readonly status: string;

  constructor(resourceArn: string, status: string, options?: ErrorOptions) {
    super(`${resourceArn} is ${status}, not ACTIVE yet`, options);
    this.name = 'ResourceNotReadyError';
    this.resourceArn = resourceArn;
    this.status = status;
  }
}

/** Personalize refused for a reason that will not heal: bad input, missing parent, unknown error. */
class PermanentOpsError extends OpsError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, false, options);
    this.name = 'PermanentOpsError';
  }
}

/**
 * An existing resource of the same name differs from what the parameter file asks for, in a way
 * recops will not change silently (e.g. a schema whose column changed type).
 */
class ResourceConflictError extends PermanentOpsError {
  readonly resourceName: string;
  /** One line per differing field, e.g. `field AGE: type "int" changed to "string"`. */
  readonly differences: readonly string[];

  constructor(kind: string, resourceName: string, differences: readonly string[], options?: ErrorOptions) {
    super(`${kind} "${resourceName}" already exists with a different definition: ${differences.join('; ')}`, options);
    this.name = 'ResourceConflictError';
    this.resourceName = resourceName;
    this.differences = differences;
  }
}

/** A resource ended in a failed state; `failureReason` is Personalize's own text. */
class ResourceFailedError extends PermanentOpsError {
  readonly resourceArn: string;
  readonly status: string;
  readonly failureReason: string | undefined;

  constructor(resourceArn: string, status: string, failureReason?: string, options?: ErrorOptions) {
    super(`${resourceArn} is ${status}${failureReason ? `: ${failureReason}` : ''}`, options);
    this.name = 'ResourceFailedError';
    this.resourceArn = resourceArn;
    this.status = status;
    this.failureReason = failureReason;
  }
}

export { OpsError, RetryableOpsError, ResourceNotReadyError, PermanentOpsError, ResourceConflictError, ResourceFailedError };
