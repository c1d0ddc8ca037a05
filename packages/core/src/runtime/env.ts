/**
 * The handler environment (`RUNTIME_ENV` in packages/platform/src/manifest-types.ts), read at invocation time so
 * several services can share one process (the local cloud's runner) without mixing settings.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { RUNTIME_ENV } from '@recops/platform';
import { RuntimeConfigError } from './errors';

export interface RuntimeEnv {
  readonly stage: string;
  readonly busName: string;
  readonly bucketName: string;
  readonly personalizeRoleArn: string | undefined;
  readonly ownQueueUrl: string | undefined;
  /** The service's DLQ and the deliveries before a record goes there (services with a queue). */
  readonly deadLetter: { readonly queueUrl: string; readonly maxReceiveCount: number } | undefined;
  readonly schedulerGroupName: string | undefined;
  readonly schedulerRoleArn: string | undefined;
}

export type Environment = Readonly<Record<string, string | undefined>>;
type Env = Environment;

const invocationEnvironment = new AsyncLocalStorage<Environment>();

/**
 * Runs `invoke` with `env` as the handler environment of everything it awaits. For hosts that run
 * several services in one process (the local cloud's runner), where process.env cannot differ per
 * service: the runtime reads `RECOPS_*`, `AWS_ENDPOINT_URL` and the region from here when set.
 * @example
 * await runWithEnvironment({ ...process.env, RECOPS_QUEUE_URL: queueUrl }, () => main(event, context));
 */
export function runWithEnvironment<T>(env: Environment, invoke: () => T): T {
  return invocationEnvironment.run(env, invoke);
}

/** The environment of the current invocation: the one given to `runWithEnvironment`, else process.env. */
export function currentEnvironment(): Environment {
  return invocationEnvironment.getStore() ?? process.env;
}

/** Reads the handler environment; stage, bus and bucket are required by every service. */
export function readRuntimeEnv(env: Env = currentEnvironment()): RuntimeEnv {
  return {
    stage: required(env, RUNTIME_ENV.stage),
    busName: required(env, RUNTIME_ENV.busName),
    bucketName: required(env, RUNTIME_ENV.bucketName),
    personalizeRoleArn: optional(env, RUNTIME_ENV.personalizeRoleArn),
    ownQueueUrl: optional(env, RUNTIME_ENV.ownQueueUrl),
    deadLetter: deadLetterSettings(env),
    schedulerGroupName: optional(env, RUNTIME_ENV.schedulerGroupName),
    schedulerRoleArn: optional(env, RUNTIME_ENV.schedulerRoleArn),
  };
}

/** A setting only some services need, e.g. `requireSetting(env, 'personalizeRoleArn')`. */
export function requireSetting<K extends keyof RuntimeEnv>(env: RuntimeEnv, key: K): NonNullable<RuntimeEnv[K]> {
  const value = env[key];
  if (value === undefined || value === null) throw new RuntimeConfigError(RUNTIME_ENV[key as keyof typeof RUNTIME_ENV]);
  return value as NonNullable<RuntimeEnv[K]>;
}

function deadLetterSettings(env: Env): RuntimeEnv['deadLetter'] {
  const queueUrl = optional(env, RUNTIME_ENV.deadLetterQueueUrl);
  const count = optional(env, RUNTIME_ENV.maxReceiveCount);
  if (queueUrl === undefined || count === undefined) return undefined;
  const maxReceiveCount = Number(count);
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1) {
    throw new RuntimeConfigError(RUNTIME_ENV.maxReceiveCount, `${RUNTIME_ENV.maxReceiveCount} must be a positive integer, got "${count}"`);
  }
  return { queueUrl, maxReceiveCount };
}

function required(env: Env, name: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new RuntimeConfigError(name);
  return value;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
