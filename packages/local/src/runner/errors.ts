/**
 * Errors of the local runner: a manifest it cannot build, a handler it cannot load.
 */
import { LocalCloudError } from '../errors';

export class RunnerError extends LocalCloudError {
  override readonly name: string = 'RunnerError';
}

/** The manifest asks for something AWS would refuse (the message names the service and the rule). */
export class ManifestError extends RunnerError {
  override readonly name: string = 'ManifestError';
}

/** A handler string that does not resolve to an exported function. */
export class HandlerLoadError extends RunnerError {
  override readonly name: string = 'HandlerLoadError';
}

/** A handler that ran past its timeout; Lambda reports "Task timed out after N seconds". */
export class HandlerTimeoutError extends RunnerError {
  override readonly name: string = 'HandlerTimeoutError';
}
