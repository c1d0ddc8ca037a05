/**
 * AWS errors no retry heals: the caller lacks a grant, or its credentials are refused. A record
 * failing with one of these would only come back until it lands in the DLQ, so services turn it
 * into a failure event with the reason (Step Failed) instead. Extend the set here, not per service.
 */

/** Names of AWS errors that mean "not allowed" or "not authenticated", across protocols. */
export const PERMANENT_AWS_ERROR_NAMES: ReadonlySet<string> = new Set([
  'AccessDenied', // S3, SQS (query-compatible code)
  'AccessDeniedException', // JSON and REST-JSON services
  'UnauthorizedOperation',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
]);

/** The permanent AWS error in `error` or its `cause` chain, if any. */
export function permanentAwsError(error: unknown): Error | undefined {
  for (let current: unknown = error, depth = 0; typeof current === 'object' && current !== null && depth < 8; depth++) {
    const { name, cause } = current as { name?: unknown; cause?: unknown };
    if (current instanceof Error && typeof name === 'string' && PERMANENT_AWS_ERROR_NAMES.has(name)) return current;
    current = cause;
  }
  return undefined;
}

/** True when no retry can heal `error` (see PERMANENT_AWS_ERROR_NAMES). */
export function isPermanentAwsError(error: unknown): boolean {
  return permanentAwsError(error) !== undefined;
}

/** `<name>: <message>` of the permanent AWS error, e.g. IAM's sentence naming the role and the action. */
export function permanentAwsErrorReason(error: unknown): string | undefined {
  const found = permanentAwsError(error);
  return found === undefined ? undefined : `${found.name}: ${found.message}`;
}
