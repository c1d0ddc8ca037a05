/**
 * Issue 6: the status watcher is the only component that asks Personalize for status, and only while
 * something is in flight: an idle cloud and a finished run cost no Personalize call at all.
 */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { currentEnvironment } from '@recops/core/runtime';
import { generateSeedData, seedExampleText } from './support/data';
import { startPipelineCloud, type BusEvent, type PipelineCloud } from './support/pipeline';

/** Longer than two of the watcher's re-check delays in these runs (RECOPS_WATCH_MAX_DELAY_SECONDS=1). */
const QUIET_WINDOW_MS = 2_500;
const RUN_TIMEOUT_MS = 90_000;

interface Call {
  readonly command: string;
  readonly queueUrl: string;
}

// Every Personalize call made in this process: the local runner runs the handlers in-process.
const calls: Call[] = [];
const originalSend = PersonalizeClient.prototype.send;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once every resource a Watch Requested named has a final Status Changed on the bus. */
async function everyWatchSettled(events: readonly BusEvent[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const watched = new Set(events.filter((e) => e.detailType === 'Watch Requested').map((e) => e.detail.resourceArn as string));
    const settled = new Set(events.filter((e) => e.detailType.endsWith('Status Changed')).map((e) => e.detail.resourceArn as string));
    const open = [...watched].filter((arn) => !settled.has(arn));
    if (open.length === 0) return;
    if (Date.now() > deadline) throw new Error(`watches still open after ${timeoutMs} ms: ${open.join(', ')}`);
    await sleep(100);
  }
}

describe('E2E: no Personalize calls with nothing in flight', () => {
  let pipeline: PipelineCloud | undefined;

  beforeAll(() => {
    PersonalizeClient.prototype.send = function (this: PersonalizeClient, command: any, ...rest: any[]) {
      calls.push({ command: command.constructor.name, queueUrl: currentEnvironment().RECOPS_QUEUE_URL ?? '' });
      return (originalSend as any).call(this, command, ...rest);
    } as typeof originalSend;
  });
  afterAll(() => {
    PersonalizeClient.prototype.send = originalSend;
  });
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it(
    'makes no call on an idle cloud, and none once every watched resource of a run has settled',
    async () => {
      // Idle: every service is subscribed, nothing was uploaded.
      pipeline = await startPipelineCloud();
      await sleep(QUIET_WINDOW_MS);
      expect(calls).toEqual([]);

      // A whole run, which does ask for status while its resources are in progress.
      const data = generateSeedData();
      await pipeline.upload('train/dataset-group-name-1/users.csv', data.usersCsv);
      await pipeline.upload('train/dataset-group-name-1/interactions.csv', data.interactionsCsv);
      await pipeline.upload('batch/dataset-group-name-1/user-personalization-solution/job_config.json', '{"userId": "u1"}\n');
      await pipeline.upload('train/dataset-group-name-1/config.json', await seedExampleText());
      const outcome = await pipeline.waitFor(['Pipeline Completed', 'Pipeline Failed'], RUN_TIMEOUT_MS);
      expect(outcome.detailType, JSON.stringify(outcome.detail)).toBe('Pipeline Completed');
      // The deploy half ends the chain: its last calls come before these two events.
      await pipeline.waitFor(['Campaign Deployed'], RUN_TIMEOUT_MS);
      await pipeline.waitFor(['Batch Output Ready'], RUN_TIMEOUT_MS);
      await everyWatchSettled(pipeline.events, 30_000);
      const watcherCalls = calls.filter((c) => c.queueUrl.endsWith('status-watcher') && /^(Describe|List)/.test(c.command));
      expect(watcherCalls.length).toBeGreaterThan(0);

      // Settled: nothing asks Personalize anything any more.
      const before = calls.length;
      await sleep(QUIET_WINDOW_MS);
      expect(calls.slice(before)).toEqual([]);
    },
    RUN_TIMEOUT_MS + 30_000,
  );
});
