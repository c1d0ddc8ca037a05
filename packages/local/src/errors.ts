/**
 * Errors raised by the local cloud's own machinery (persistence, event log, composition).
 * Wire-level errors that a client sees are built by each service in its protocol's shape.
 */

/** Base of every error the local cloud raises about itself. */
export class LocalCloudError extends Error {
  override readonly name: string = 'LocalCloudError';
}

/** A file under the data directory could not be read, parsed or written. */
export class PersistError extends LocalCloudError {
  override readonly name: string = 'PersistError';
  constructor(
    message: string,
    readonly file: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A name that would resolve outside its directory (`..`, absolute path, NUL) was refused. */
export class UnsafePathError extends LocalCloudError {
  override readonly name: string = 'UnsafePathError';
}

/** The HTTP server could not start (e.g. the port is taken). */
export class ServerStartError extends LocalCloudError {
  override readonly name: string = 'ServerStartError';
}
