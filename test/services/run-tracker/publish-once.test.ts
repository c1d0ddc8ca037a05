/**
 * Issue 14: a run's outcome is published once even when the run tracker dies in the middle of
 * publishing it (seen in the 200-run chaos: the process was killed right after PutEvents, before the
 * tracker recorded it, and the redelivery published Pipeline Completed a second time). Real clients
 * against the local cloud: the tracker's queue gets the events its manifest subscriptions route.
 */
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PutObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalogEvent } from '@recops/events';
import { isRetryableError, runStateKey } from '@recops/core/runtime';
import { SERVICES } from '@recops/services/manifest';
import { readRunState } from '../../../services/run-tracker/store';
import { trackEvent, type TrackerSettings } from '../../../services/run-tracker/track';
import { seedExampleText } from '../../e2e/support/data';
import { startTestCloud, type TestCloud } from '../../e2e/support/local';
import { seedPlan, storeRunDocument, successfulRun } from './run-events';

const BUS = 'recops-bus';

/** A client whose process dies at `when` of the first call matching `dies` (the call throws, nothing after it runs). */
function dying<C extends { send: (command: never) => Promise<unknown> }>(
  client: C,
  dies: (command: unknown) => boolean,
  when: 'before' | 'after',
): C {
  let died = false;
  const send = async (command: never): Promise<unknown> => {
    if (died || !dies(command)) return client.send(command);
    died = true;
    if (when === 'after') await client.send(command);
    throw new Error(`the process died ${when} ${(command as object).constructor.name}`);
  };
  return new Proxy(client, { get: (target, property) => (property === 'send' ? send : Reflect.get(target, property)) });
}

const putsOutcome = (command: unknown) => JSON.stringify((command as { input?: unknown }).input ?? {}).includes('Pipeline Completed');

describe('Service: run-tracker publishes an outcome once across a crash', () => {
  let test: TestCloud;
  let queueUrl: string;
  const onTheBus: { runId: unknown; detailType: string }[] = [];

  beforeAll(async () => {
    test = await startTestCloud();
    await test.clients.eventBridge.send(new CreateEventBusCommand({ Name: BUS }));
    queueUrl = (await test.clients.sqs.send(new CreateQueueCommand({ QueueName: 'run-tracker' }))).QueueUrl as string;
    const queueArn = (await test.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })))
      .Attributes?.QueueArn as string;
    // The tracker's subscriptions as the stacks deploy them: one rule per pattern, all to its queue.
    const tracker = SERVICES.find((s) => s.name === 'run-tracker');
    for (const [i, pattern] of (tracker?.subscriptions ?? []).entries()) {
      const Name = `run-tracker-${i}`;
      await test.clients.eventBridge.send(new PutRuleCommand({ Name, EventBusName: BUS, EventPattern: JSON.stringify(pattern) }));
      await test.clients.eventBridge.send(
        new PutTargetsCommand({ Rule: Name, EventBusName: BUS, Targets: [{ Id: 'queue', Arn: queueArn }] }),
      );
    }
    test.cloud.eventLog.subscribe((entry) => {
      const event = (entry.data as { event?: { 'detail-type': string; detail: { runId?: unknown } } }).event;
      if (entry.kind === 'bus.event' && event) onTheBus.push({ runId: event.detail.runId, detailType: event['detail-type'] });
    });
  });
  afterAll(async () => test.close());

  const settings = (offsetMs = 0): TrackerSettings => ({
    bucketName: test.bucket,
    busName: BUS,
    maxAttempts: 50,
    now: () => new Date(Date.now() + offsetMs),
  });
  const clients = (overrides: { s3?: S3Client; eventBridge?: EventBridgeClient } = {}) => ({
    s3: overrides.s3 ?? test.clients.s3,
    eventBridge: overrides.eventBridge ?? test.clients.eventBridge,
  });
  const outcomesOf = (runId: string) => onTheBus.filter((e) => e.runId === runId && e.detailType.startsWith('Pipeline C'));

  /** Every event of a run but the last, delivered; the last one decides the outcome. */
  async function runUpToTheLastEvent(runId: string): Promise<Record<string, unknown>> {
    const plan = seedPlan(await seedExampleText(), test.bucket);
    await storeRunDocument(test.clients.s3, plan, runId);
    const events = successfulRun(plan, runId);
    const last = events.at(-1) as Record<string, unknown>;
    for (const [i, event] of events.slice(0, -1).entries())
      await trackEvent(parseCatalogEvent(event), `${runId}-${i}`, clients(), settings());
    return last;
  }

  /** Hands the tracker what its queue holds (its own Pipeline Completed, routed back by its subscription). */
  async function deliverQueued(): Promise<string[]> {
    const handled: string[] = [];
    for (;;) {
      const { Messages = [] } = await test.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      if (Messages.length === 0) return handled;
      for (const message of Messages) {
        const event = parseCatalogEvent(JSON.parse(message.Body ?? '{}'));
        await trackEvent(event, message.MessageId as string, clients(), settings());
        handled.push(event.name);
        await test.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
    }
  }

  it('does not publish Pipeline Completed again when it died after PutEvents and before recording it', async () => {
    const deciding = await runUpToTheLastEvent('run-died-after');
    await deliverQueued();
    // Act: the deciding delivery dies right after PutEvents returned, then SQS hands it out again at once.
    const crashing = dying(test.clients.eventBridge, putsOutcome, 'after');
    await expect(trackEvent(parseCatalogEvent(deciding), 'decider', clients({ eventBridge: crashing }), settings())).rejects.toThrow(
      'the process died after PutEventsCommand',
    );
    const redelivery = trackEvent(parseCatalogEvent(deciding), 'decider', clients(), settings());
    // Assess: the redelivery waits (a retryable failure) instead of publishing again...
    await expect(redelivery).rejects.toThrow(/is not confirmed yet: waiting for it to come back from the bus/);
    expect(isRetryableError(await redelivery.catch((error: unknown) => error))).toBe(true);
    // ...the tracker hears its own Pipeline Completed back and records it...
    expect(await deliverQueued()).toContain('pipeline-completed');
    const state = await readRunState(test.clients.s3, test.bucket, runStateKey('dataset-group-name-1', 'run-died-after'));
    expect(state?.value.outcome?.publishedAt).toBeDefined();
    // ...so the next redelivery, past the confirmation window, has nothing left to publish.
    const later = await trackEvent(parseCatalogEvent(deciding), 'decider', clients(), settings(60_000));
    expect(later.published).toBeUndefined();
    expect(outcomesOf('run-died-after')).toEqual([{ runId: 'run-died-after', detailType: 'Pipeline Completed' }]);
  });

  it('publishes Pipeline Completed once when it died after deciding and before PutEvents', async () => {
    const deciding = await runUpToTheLastEvent('run-died-before');
    await deliverQueued();
    // Act: the deciding delivery dies while tagging the run's documents, before PutEvents.
    const crashing = dying(test.clients.s3, (command) => command instanceof PutObjectTaggingCommand, 'before');
    await expect(trackEvent(parseCatalogEvent(deciding), 'decider', clients({ s3: crashing }), settings())).rejects.toThrow(
      'the process died before PutObjectTaggingCommand',
    );
    // The redelivery at once cannot tell whether the outcome is on the bus: it waits.
    await expect(trackEvent(parseCatalogEvent(deciding), 'decider', clients(), settings())).rejects.toThrow(/is not confirmed yet/);
    expect(await deliverQueued()).toEqual([]);
    // Its redelivery after the backoff (past the confirmation window) heard nothing back: it publishes.
    const later = await trackEvent(parseCatalogEvent(deciding), 'decider', clients(), settings(20_000));
    expect(later.published).toBe('Pipeline Completed');
    expect(await deliverQueued()).toEqual(['pipeline-completed']);
    expect(await trackEvent(parseCatalogEvent(deciding), 'decider', clients(), settings(60_000))).not.toHaveProperty('published');
    expect(outcomesOf('run-died-before')).toEqual([{ runId: 'run-died-before', detailType: 'Pipeline Completed' }]);
  });

  it('publishes at once on the last delivery before the DLQ rather than wait (at least once, never lost)', async () => {
    const deciding = await runUpToTheLastEvent('run-last-delivery');
    await deliverQueued();
    const crashing = dying(test.clients.s3, (command) => command instanceof PutObjectTaggingCommand, 'before');
    await expect(trackEvent(parseCatalogEvent(deciding), 'decider', clients({ s3: crashing }), settings())).rejects.toThrow(
      'the process died',
    );
    const last = await trackEvent(parseCatalogEvent(deciding), 'decider', clients(), { ...settings(), lastDelivery: true });
    expect(last.published).toBe('Pipeline Completed');
    expect(outcomesOf('run-last-delivery')).toHaveLength(1);
  });
});
