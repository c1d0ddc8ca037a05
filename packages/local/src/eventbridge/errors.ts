import { JsonProtocolError } from '../json-protocol-error';

/**
 * EventBridge errors in the JSON 1.1 shape (`__type` = the exception name), so the SDK v3 raises
 * the typed exception (`ResourceNotFoundException`, `InvalidEventPatternException`, …).
 */
export class EventBridgeError extends JsonProtocolError {
  override readonly name: string = 'EventBridgeError';
}

/** A pattern that breaks the EventBridge pattern grammar; the message names the path and the rule. */
export class InvalidEventPatternError extends EventBridgeError {
  override readonly name: string = 'InvalidEventPatternError';
  constructor(reason: string, options?: ErrorOptions) {
    super('InvalidEventPatternException', `Event pattern is not valid. Reason: ${reason}`, 400, options);
  }
}

export const validationError = (message: string): EventBridgeError => new EventBridgeError('ValidationException', message);

export const resourceNotFound = (message: string): EventBridgeError => new EventBridgeError('ResourceNotFoundException', message);
