/** Errors of schedule-manager. */
class ScheduleManagerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ScheduleManagerError';
  }
}

/** A plan schedule that would not produce a valid Schedule Fired event when it fires. */
export class ScheduleDefinitionError extends ScheduleManagerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ScheduleDefinitionError';
  }
}

/** An ARN the manager derives others from (the scheduler role's) that it cannot read. */
export class ScheduleSettingsError extends ScheduleManagerError {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleSettingsError';
  }
}
