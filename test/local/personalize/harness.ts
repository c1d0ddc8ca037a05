/** Starts the local Personalize on a loopback server with SDK v3 clients pointed at it. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { PersonalizeEventsClient } from '@aws-sdk/client-personalize-events';
import { PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { startServer, type LocalServer } from '../../../packages/local/src/server';
import { createLocalPersonalize, type LocalPersonalize, type LocalPersonalizeOptions } from '../../../packages/local/src/personalize';
import { INTERACTION_KEY_FIELDS, personalizeSchema } from '../../support/personalize-schema';
import { FakeEngine } from './fake-engine';

export const SCHEMAS = {
  interactions: JSON.stringify(personalizeSchema('Interactions', [...INTERACTION_KEY_FIELDS, { name: 'EVENT_TYPE', type: 'string' }])),
  items: JSON.stringify(
    personalizeSchema('Items', [
      { name: 'ITEM_ID', type: 'string' },
      { name: 'GENRE', type: ['null', 'string'], categorical: true },
    ]),
  ),
  users: JSON.stringify(
    personalizeSchema('Users', [
      { name: 'USER_ID', type: 'string' },
      { name: 'AGE', type: 'int' },
    ]),
  ),
};

export interface Harness {
  readonly endpoint: string;
  readonly dataDir: string;
  readonly engine: FakeEngine;
  readonly personalize: PersonalizeClient;
  readonly runtime: PersonalizeRuntimeClient;
  readonly events: PersonalizeEventsClient;
  /** Stops server and service; keeps the data directory (for restart tests). */
  stop(): Promise<void>;
  /** Stops and removes the data directory. */
  close(): Promise<void>;
}

const clientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  // LimitExceeded counts as throttling for the SDK; one attempt keeps quota tests quick.
  maxAttempts: 1,
});

export async function startHarness(
  options: { dataDir?: string; engine?: FakeEngine } & Partial<Omit<LocalPersonalizeOptions, 'engine' | 'dataDir'>> = {},
): Promise<Harness> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'recops-personalize-')));
  const engine = options.engine ?? new FakeEngine();
  const service: LocalPersonalize = await createLocalPersonalize({ stepDelayMs: 0, ...options, engine, dataDir });
  const server: LocalServer = await startServer({ port: 0, services: [service.wire] });
  const config = clientConfig(server.endpoint);
  const personalize = new PersonalizeClient(config);
  const runtime = new PersonalizeRuntimeClient(config);
  const events = new PersonalizeEventsClient(config);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    personalize.destroy();
    runtime.destroy();
    events.destroy();
    await server.close();
    await service.close();
  };
  return {
    endpoint: server.endpoint,
    dataDir,
    engine,
    personalize,
    runtime,
    events,
    stop,
    close: async () => {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `read` until `done` holds; fails after `attempts` polls (never asserts on timing). */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, attempts = 400): Promise<T> {
  let last: T | undefined;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    last = await read();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`condition not reached; last value: ${JSON.stringify(last)}`);
}

/** The typed exception name an SDK call rejects with. */
export async function errorName(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as Error).name;
  }
  throw new Error('expected the call to fail');
}
