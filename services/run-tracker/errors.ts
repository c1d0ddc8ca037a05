/** Errors of the run tracker. */
export class RunTrackerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RunTrackerError';
  }
}

/**
 * The outcome's publication was started by a delivery that died before recording it, moments ago:
 * it may be on the bus already. The record comes back after a backoff; by then the tracker has heard
 * its own Pipeline Completed/Failed (and recorded it), or the publication is republished.
 */
export class OutcomeUnconfirmedError extends RunTrackerError {
  readonly retryable = true;

  constructor(message: string) {
    super(message);
    this.name = 'OutcomeUnconfirmedError';
  }
}
