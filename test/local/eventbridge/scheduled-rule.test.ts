import { describe, expect, it } from 'vitest';
import { EventBridgeStore } from '../../../packages/local/src/eventbridge';
import { SqsStore } from '../../../packages/local/src/sqs';
import { tempDir } from '../sqs/harness';

describe('Class: EventBridgeStore scheduled rules', () => {
  it('puts a "Scheduled Event" from aws.events on the rule targets at the cron time', async () => {
    const dir = await tempDir('recops-scheduled-rule-');
    // A clock 2 s before the next minute boundary, so cron(* * * * ? *) fires almost at once. On a
    // loaded machine the setup below may outlast those 2 s; the rule then fires at the boundary after.
    const offset = 60_000 - (Date.now() % 60_000) - 2_000;
    const now = (): number => Date.now() + offset;
    const log: { kind: string; data: Record<string, unknown> }[] = [];
    const sqs = await SqsStore.open({ dataDir: dir.dir, now });
    const events = await EventBridgeStore.open({ dataDir: dir.dir, sqs, now, onLog: (kind, data) => log.push({ kind, data }) });
    try {
      await sqs.createQueue('ticks', {}).written;
      await events.putRule({ name: 'every-minute', bus: 'default', scheduleExpression: 'cron(* * * * ? *)' });
      await events.putTargets('every-minute', 'default', [{ Id: 'q', Arn: 'arn:aws:sqs:us-east-1:000000000000:ticks' }]);
      let [message] = await sqs.receive('ticks', { maxMessages: 1, waitTimeSeconds: 20 });
      for (let wait = 0; message === undefined && wait < 3; wait++)
        [message] = await sqs.receive('ticks', { maxMessages: 1, waitTimeSeconds: 20 });
      const event = JSON.parse(message!.body) as Record<string, unknown>;
      expect(event).toMatchObject({
        source: 'aws.events',
        'detail-type': 'Scheduled Event',
        resources: ['arn:aws:events:us-east-1:000000000000:rule/every-minute'],
        detail: {},
      });
      expect(event.time).toBe(`${new Date(Math.ceil(now() / 60_000) * 60_000 - 60_000).toISOString().slice(0, 19)}Z`);
      expect(log.some((entry) => entry.kind === 'bus.event' && entry.data.scheduled === true)).toBe(true);
    } finally {
      await events.close();
      await sqs.close();
      await dir.remove();
    }
  }, 90_000);

  it('refuses schedule expressions on custom buses and at() on rules', async () => {
    const dir = await tempDir('recops-scheduled-rule-invalid-');
    const sqs = await SqsStore.open({ dataDir: dir.dir });
    const events = await EventBridgeStore.open({ dataDir: dir.dir, sqs });
    try {
      await events.createBus('custom');
      await expect(events.putRule({ name: 'r', bus: 'custom', scheduleExpression: 'rate(5 minutes)' })).rejects.toThrow(
        /only on the default event bus/,
      );
      await expect(events.putRule({ name: 'r', bus: 'default', scheduleExpression: 'at(2030-01-01T00:00:00)' })).rejects.toThrow(
        /cron\(\) and rate\(\) only/,
      );
    } finally {
      await events.close();
      await sqs.close();
      await dir.remove();
    }
  });
});
