/** Errors raised by the event catalog. */

/** One rule an event broke, as `path: message` (the path is dotted from the event's root). */
export interface EventIssue {
  readonly path: string;
  readonly message: string;
}

/** Base class for every catalog error. */
export class EventCatalogError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EventCatalogError';
  }
}

/** An event (incoming, or about to be published) does not match its definition. */
export class EventValidationError extends EventCatalogError {
  readonly detailType: string;
  readonly issues: readonly EventIssue[];

  constructor(detailType: string, issues: readonly EventIssue[], options?: ErrorOptions) {
    super(`Invalid "${detailType}" event: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, options);
    this.name = 'EventValidationError';
    this.detailType = detailType;
    this.issues = issues;
  }
}

/** A PutEvents entry over the 256 KB EventBridge limit; large payloads belong in S3. */
export class EventTooLargeError extends EventCatalogError {
  readonly sizeBytes: number;
  readonly limitBytes: number;

  constructor(detailType: string, sizeBytes: number, limitBytes: number) {
    super(`"${detailType}" entry is ${sizeBytes} bytes, over the PutEvents limit of ${limitBytes} bytes`);
    this.name = 'EventTooLargeError';
    this.sizeBytes = sizeBytes;
    this.limitBytes = limitBytes;
  }
}
