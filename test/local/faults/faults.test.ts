import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateDatasetGroupCommand, ListDatasetGroupsCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import type { PersonalizeEngine } from '@recops/engine';
import {
  FaultInjector,
  FaultOptionsError,
  InjectedFault,
  createLocalCloud,
  faultOptionsFromEnv,
  parseFaultOptions,
  readEventLog,
  type FaultOptions,
  type LocalCloud,
} from '@recops/local';
import type { ServiceDefinition } from '@recops/platform';
import { tempDir } from '../s3/helpers';

const client = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };

const workService: ServiceDefinition = {
  name: 'work',
  handler: 'test/local/durability/fixtures/handlers.onWork',
  timeoutSeconds: 1,
  memoryMB: 128,
  subscriptions: [{ source: ['test.faults'] }],
  queue: { batchSize: 1, batchingWindowSeconds: 0, visibilityTimeoutSeconds: 1, maxReceiveCount: 2, dlqRetentionSeconds: 1_209_600 },
  s3Triggers: [],
  permissions: [],
};

async function waitFor(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

describe('Local cloud: fault injection', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    delete process.env.DURABILITY_MARKER_FILE;
  });

  async function start(
    faults: FaultOptions,
    extra: { faultExit?: () => void; manifest?: ServiceDefinition[] } = {},
  ): Promise<{ cloud: LocalCloud; marker: string }> {
    const { dir, remove } = await tempDir('recops-faults-');
    const marker = join(dir, 'marker.txt');
    process.env.DURABILITY_MARKER_FILE = marker;
    const cloud = await createLocalCloud({
      dataDir: join(dir, 'state'),
      stage: 'test',
      faults,
      manifest: extra.manifest ?? [workService],
      ...(extra.faultExit ? { faultExit: extra.faultExit } : {}),
    });
    cleanups.push(remove, () => cloud.close());
    return { cloud, marker };
  }

  const lines = (marker: string): string[] =>
    existsSync(marker)
      ? readFileSync(marker, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
      : [];
  const faultsLogged = (cloud: LocalCloud, fault: string): Promise<number> =>
    readEventLog(cloud.dataDir).then(
      (entries) => entries.filter((entry) => entry.kind === 'fault.injected' && entry.data['fault'] === fault).length,
    );

  async function putWork(cloud: LocalCloud, ids: readonly string[]): Promise<void> {
    const bus = new EventBridgeClient({ ...client, endpoint: cloud.endpoint });
    await bus.send(
      new PutEventsCommand({
        Entries: ids.map((id) => ({
          EventBusName: 'recops-test',
          Source: 'test.faults',
          DetailType: 'Work',
          Detail: JSON.stringify({ id }),
        })),
      }),
    );
    bus.destroy();
  }

  it('answers Personalize control-plane calls with ThrottlingException at rate 1 and logs each injected fault', async () => {
    const { cloud } = await start({ seed: 7, personalizeThrottleRate: 1 }, { manifest: [] });
    const once = new PersonalizeClient({ ...client, endpoint: cloud.endpoint, maxAttempts: 1 });
    await expect(once.send(new ListDatasetGroupsCommand({}))).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    once.destroy();
    expect(await faultsLogged(cloud, 'personalize-throttled')).toBe(1);
  });

  it('lets retried calls through when only some are throttled or fail with 500', async () => {
    const { cloud } = await start({ seed: 11, personalizeThrottleRate: 0.3, personalizeServerErrorRate: 0.2 }, { manifest: [] });
    const personalize = new PersonalizeClient({ ...client, endpoint: cloud.endpoint, maxAttempts: 12 });
    for (let call = 0; call < 10; call++) await personalize.send(new ListDatasetGroupsCommand({}));
    personalize.destroy();
    expect((await faultsLogged(cloud, 'personalize-throttled')) + (await faultsLogged(cloud, 'personalize-server-error'))).toBeGreaterThan(
      0,
    );
  });

  it('hands every successfully handled message to its handler a second time at duplicateRate 1', async () => {
    const { cloud, marker } = await start({ seed: 3, duplicateRate: 1 });
    await putWork(cloud, ['d1', 'd2']);
    await waitFor('both duplicates', () => lines(marker).filter((line) => line.startsWith('work d')).length === 4);
    expect(lines(marker).sort()).toEqual(['work d1', 'work d1', 'work d2', 'work d2']);
    expect(await faultsLogged(cloud, 'duplicate-delivery')).toBe(2);
  });

  it('crashes every invocation at handlerThrowRate 1: the handler never runs and the message reaches the DLQ', async () => {
    const { cloud, marker } = await start({ seed: 5, handlerThrowRate: 1 });
    await putWork(cloud, ['t1']);
    const sqs = new SQSClient({ ...client, endpoint: cloud.endpoint });
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'recops-test-work-dlq' }));
    await waitFor('the message in the DLQ', async () => {
      const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
      return attributes.Attributes?.ApproximateNumberOfMessages === '1';
    });
    sqs.destroy();
    expect(lines(marker)).toEqual([]);
    expect(await faultsLogged(cloud, 'handler-crashed')).toBeGreaterThanOrEqual(2);
  });

  it('answers every Personalize call naming poisonText with InternalFailure, and leaves the others alone', async () => {
    const { cloud } = await start({ seed: 9, poisonText: 'poison-me' }, { manifest: [] });
    const personalize = new PersonalizeClient({ ...client, endpoint: cloud.endpoint, maxAttempts: 2 });
    await expect(personalize.send(new CreateDatasetGroupCommand({ name: 'poison-me-1' }))).rejects.toMatchObject({
      name: 'InternalFailure',
      $metadata: { httpStatusCode: 500 },
    });
    await personalize.send(new CreateDatasetGroupCommand({ name: 'fine-1' }));
    const listed = await personalize.send(new ListDatasetGroupsCommand({}));
    personalize.destroy();
    expect(listed.datasetGroups?.map((group) => group.name)).toEqual(['fine-1']);
    expect(await faultsLogged(cloud, 'personalize-poisoned')).toBe(2);
    expect(() => parseFaultOptions({ poisonText: '' })).toThrow(/faults\.poisonText: must be a non-empty string/);
  });

  it('leaves a batch undeleted when the process "exits" after the handler returned, so it is handled again', async () => {
    let exits = 0;
    const { cloud, marker } = await start({ seed: 1, handlerExitRate: 1 }, { faultExit: () => void (exits += 1) });
    await putWork(cloud, ['x1']);
    await waitFor('a second delivery', () => lines(marker).filter((line) => line === 'work x1').length >= 2);
    expect(exits).toBeGreaterThanOrEqual(2);
  });

  it('fails engine jobs with an "Injected fault" reason and slows them, leaving other engine calls alone', async () => {
    const calls: string[] = [];
    const engine = {
      importDataset: async () => {
        calls.push('import');
        return { rowsImported: 1 };
      },
      validateFilterExpression: () => {
        calls.push('validate');
      },
    } as unknown as PersonalizeEngine;
    const failing = new FaultInjector({ faults: { seed: 1, jobFailureRate: 1 } }).wrapEngine(engine);
    await expect(failing.importDataset({} as never)).rejects.toThrow(InjectedFault);
    await expect(failing.importDataset({} as never)).rejects.toThrow(/^Injected fault: the importDataset job failed$/);
    failing.validateFilterExpression('EXCLUDE ItemID WHERE Items.GENRE IN ("x")');
    expect(calls).toEqual(['validate']);
    const slow = new FaultInjector({ faults: { slowJobMs: 30 } }).wrapEngine(engine);
    await expect(slow.importDataset({} as never)).resolves.toEqual({ rowsImported: 1 });
    expect(calls).toEqual(['validate', 'import']);
  });

  it('shuffles batches under reordering with the same permutation for the same seed', () => {
    const order = (seed: number): number[] =>
      new FaultInjector({ faults: { seed, reorderMaxDelayMs: 10 } }).handlerFaults('work')?.order([...Array(10).keys()]) ?? [];
    expect(order(42)).toEqual(order(42));
    expect(order(42)).not.toEqual([...Array(10).keys()]);
    expect([...order(42)].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  });

  it('rejects unknown or out-of-range settings naming the field, from options and from RECOPS_LOCAL_FAULTS', () => {
    expect(() => parseFaultOptions({ personalizeThrottleRate: 1.5 })).toThrow(/faults\.personalizeThrottleRate: .*1/);
    expect(() => parseFaultOptions({ throttle: 0.1 })).toThrow(FaultOptionsError);
    expect(() => faultOptionsFromEnv({ RECOPS_LOCAL_FAULTS: '{not json' })).toThrow(/RECOPS_LOCAL_FAULTS is not valid JSON/);
    expect(faultOptionsFromEnv({ RECOPS_LOCAL_FAULTS: '{"duplicateRate":0.2,"seed":9}' })).toEqual({ duplicateRate: 0.2, seed: 9 });
    expect(faultOptionsFromEnv({})).toBeUndefined();
  });
});
