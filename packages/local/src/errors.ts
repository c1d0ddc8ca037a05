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

/** Longest part of a client's value an error message repeats. */
export const QUOTE_LIMIT = 64;

/**
 * A client's value as an error message may show it: JSON-quoted, cut to its first QUOTE_LIMIT
 * characters with the full length named, so a huge bad value never makes a huge error.
 */
export function quote(value: unknown, limit = QUOTE_LIMIT): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  if (text.length <= limit) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, limit))}… (${text.length} characters)`;
}

/** A client's value cut like `quote` but not JSON-quoted, for messages that quote it their own way. */
export function clip(value: unknown, limit = QUOTE_LIMIT): string {
  const text = typeof value === 'string' ? value : String(value);
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length} characters)`;
}
