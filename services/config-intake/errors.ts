/** Errors of config-intake. Invalid parameter files are not errors: they become Pipeline Failed. */
class IntakeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IntakeError';
  }
}

/** The S3 notification does not describe an object config-intake can read. */
export class IntakeEventError extends IntakeError {
  constructor(message: string) {
    super(message);
    this.name = 'IntakeEventError';
  }
}
