/** Errors of the run tracker. */
export class RunTrackerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RunTrackerError';
  }
}
