/** Errors of the run tracker. */
export class RunTrackerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RunTrackerError';
  }
}

/** Conditional writes kept losing to concurrent updates; the record goes back to the queue. */
export class RunStateConflictError extends RunTrackerError {
  /** Retrying later heals it: the runtime returns the record with backoff. */
  readonly retryable = true;

  constructor(key: string, attempts: number) {
    super(`run state ${key} changed under ${attempts} consecutive updates`);
    this.name = 'RunStateConflictError';
  }
}

/** A run state document that is not what the tracker writes (hand-edited or corrupted). */
export class RunStateFormatError extends RunTrackerError {
  constructor(key: string, problem: string) {
    super(`run state ${key}: ${problem}`);
    this.name = 'RunStateFormatError';
  }
}
