/**
 * One factory for every AWS SDK client the services use. With `AWS_ENDPOINT_URL` set (the local
 * cloud) every client points at it and S3 uses path-style addressing, since the local cloud serves
 * buckets as `/<bucket>/<key>` on one loopback port. In AWS nothing is set and the SDK defaults apply.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { PersonalizeEventsClient } from '@aws-sdk/client-personalize-events';
import { PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { fenceClient } from './deadline';

export interface Clients {
  readonly personalize: PersonalizeClient;
  readonly personalizeRuntime: PersonalizeRuntimeClient;
  readonly personalizeEvents: PersonalizeEventsClient;
  readonly eventBridge: EventBridgeClient;
  readonly sqs: SQSClient;
  readonly s3: S3Client;
  readonly scheduler: SchedulerClient;
}

export interface ClientOptions {
  /** Overrides `AWS_ENDPOINT_URL`. */
  readonly endpoint?: string;
  /** Overrides `AWS_REGION` / `AWS_DEFAULT_REGION`. */
  readonly region?: string;
  /** Where to read `AWS_ENDPOINT_URL`, region and credentials from; `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Region used against a local endpoint when the environment names none. */
const LOCAL_DEFAULT_REGION = 'us-east-1';

/** The shared client configuration, exposed for tests and for clients built elsewhere. */
export function clientConfig(options: ClientOptions = {}) {
  const env = options.env ?? process.env;
  const endpoint = options.endpoint ?? (env.AWS_ENDPOINT_URL?.trim() || undefined);
  const region =
    options.region ?? (env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || (endpoint ? LOCAL_DEFAULT_REGION : undefined));
  // The local cloud ignores signatures but reads the access key: it names the service whose grants
  // apply (its IAM). Keys come from `env`, which the local runner sets per service; the SDK's own
  // chain would read process.env, shared by every service of the process. Without any credentials
  // the SDK would refuse to sign at all.
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
  const credentials = !endpoint
    ? undefined
    : accessKeyId
      ? {
          accessKeyId,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'local',
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        }
      : !env.AWS_PROFILE
        ? { accessKeyId: 'local', secretAccessKey: 'local' }
        : undefined;
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

/**
 * Builds every client once; each is created on first use, so a handler pays only for what it touches.
 * Each refuses the calls of an invocation its host has timed out (see `deadline.ts`).
 * @example
 * const clients = createClients();
 * await clients.personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn }));
 */
export function createClients(options: ClientOptions = {}): Clients {
  const config = clientConfig(options);
  const pathStyle = config.endpoint !== undefined;
  const cache = new Map<keyof Clients, unknown>();
  const lazy = <K extends keyof Clients>(key: K, build: () => Clients[K]) => ({
    enumerable: true,
    get(): Clients[K] {
      if (!cache.has(key)) cache.set(key, build());
      return cache.get(key) as Clients[K];
    },
  });
  return Object.defineProperties({} as Clients, {
    personalize: lazy('personalize', () => fenceClient(new PersonalizeClient(config))),
    personalizeRuntime: lazy('personalizeRuntime', () => fenceClient(new PersonalizeRuntimeClient(config))),
    personalizeEvents: lazy('personalizeEvents', () => fenceClient(new PersonalizeEventsClient(config))),
    eventBridge: lazy('eventBridge', () => fenceClient(new EventBridgeClient(config))),
    sqs: lazy('sqs', () => fenceClient(new SQSClient(config))),
    s3: lazy('s3', () => fenceClient(new S3Client({ ...config, forcePathStyle: pathStyle }))),
    scheduler: lazy('scheduler', () => fenceClient(new SchedulerClient(config))),
  });
}
