/**
 * The error of a JSON-protocol service (EventBridge's JSON 1.1, Scheduler's REST-JSON): the
 * exception shape name the SDK maps to its typed exception, the message and the HTTP status.
 * Each service subclasses it, so its own handler answers only for its own errors.
 */
export class JsonProtocolError extends Error {
  override readonly name: string = 'JsonProtocolError';
  constructor(
    /** The exception shape name, e.g. `ResourceNotFoundException`. */
    readonly code: string,
    message: string,
    readonly status = 400,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
