/**
 * The handler environment (`RUNTIME_ENV` in services/manifest-types.ts), read at invocation time so
 * several services can share one process (the local cloud's runner) without mixing settings.
 */
import { RUNTIME_ENV } from '../../../../services/manifest-types';
import { RuntimeConfigError } from './errors';

export interface RuntimeEnv {
  readonly stage: string;
  readonly busName: string;
  readonly bucketName: string;
  readonly personalizeRoleArn: string | undefined;
  readonly ownQueueUrl: string | undefined;
  readonly schedulerGroupName: string | undefined;
  readonly schedulerRoleArn: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Reads the handler environment; stage, bus and bucket are required by every service. */
export function readRuntimeEnv(env: Env = process.env): RuntimeEnv {
  return {
    stage: required(env, RUNTIME_ENV.stage),
    busName: required(env, RUNTIME_ENV.busName),
    bucketName: required(env, RUNTIME_ENV.bucketName),
    personalizeRoleArn: optional(env, RUNTIME_ENV.personalizeRoleArn),
    ownQueueUrl: optional(env, RUNTIME_ENV.ownQueueUrl),
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

function required(env: Env, name: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new RuntimeConfigError(name);
  return value;
}

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
