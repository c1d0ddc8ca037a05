/**
 * Errors the local Personalize answers with. Each carries the wire name (`__type` /
 * `x-amzn-errortype`) the SDKs map to their typed exceptions, and the HTTP status of the JS model.
 */

// The local cloud's quoting rule, re-exported so the operations import every error helper from one place.
export { clip } from '../errors';

/** Base of every error a Personalize client sees. */
export class PersonalizeServiceError extends Error {
  override readonly name: string = 'PersonalizeServiceError';
  constructor(
    /** The exception name on the wire, e.g. `ResourceNotFoundException`. */
    readonly errorType: string,
    readonly status: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class InvalidInputError extends PersonalizeServiceError {
  override readonly name = 'InvalidInputError';
  constructor(message: string, options?: ErrorOptions) {
    super('InvalidInputException', 400, message, options);
  }
}

export class InvalidNextTokenError extends PersonalizeServiceError {
  override readonly name = 'InvalidNextTokenError';
  constructor(message: string) {
    super('InvalidNextTokenException', 400, message);
  }
}

export class ResourceNotFoundError extends PersonalizeServiceError {
  override readonly name = 'ResourceNotFoundError';
  constructor(message: string) {
    super('ResourceNotFoundException', 404, message);
  }
}

export class ResourceAlreadyExistsError extends PersonalizeServiceError {
  override readonly name = 'ResourceAlreadyExistsError';
  constructor(message: string) {
    super('ResourceAlreadyExistsException', 403, message);
  }
}

export class ResourceInUseError extends PersonalizeServiceError {
  override readonly name = 'ResourceInUseError';
  constructor(message: string) {
    super('ResourceInUseException', 409, message);
  }
}

/** Note: the SDKs treat this as throttling and retry it before surfacing it. */
export class LimitExceededError extends PersonalizeServiceError {
  override readonly name = 'LimitExceededError';
  constructor(message: string) {
    super('LimitExceededException', 409, message);
  }
}

export class TooManyTagsError extends PersonalizeServiceError {
  override readonly name = 'TooManyTagsError';
  constructor(message: string) {
    super('TooManyTagsException', 400, message);
  }
}

export class TooManyTagKeysError extends PersonalizeServiceError {
  override readonly name = 'TooManyTagKeysError';
  constructor(message: string) {
    super('TooManyTagKeysException', 400, message);
  }
}

/** An `X-Amz-Target` operation or REST path this service does not know. */
export class UnknownOperationError extends PersonalizeServiceError {
  override readonly name = 'UnknownOperationError';
  constructor(message: string) {
    super('UnknownOperationException', 400, message);
  }
}
