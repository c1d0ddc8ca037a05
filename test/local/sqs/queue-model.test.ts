import { describe, expect, it } from 'vitest';
import { SqsStore } from '../../../packages/local/src/sqs';
import { tempDir } from './harness';

describe('Class: SqsStore (queue semantics on a controlled clock)', () => {
  it('holds a message for its full DelaySeconds (900 s, the status watcher re-check) and counts each receive', async () => {
    const dir = await tempDir('recops-sqs-clock-');
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const store = await SqsStore.open({ dataDir: dir.dir, now: () => clock });
    try {
      await store.createQueue('watch', { VisibilityTimeout: '60' }).written;
      await store.send('watch', [{ body: 'recheck', delaySeconds: 900 }]);
      clock += 899_999;
      expect(await store.receive('watch', { maxMessages: 10 })).toEqual([]);
      clock += 1;
      const [first] = await store.receive('watch', { maxMessages: 10 });
      expect(first).toMatchObject({ body: 'recheck', receiveCount: 1 });
      // Hidden for the queue's visibility timeout, then back with a higher receive count.
      clock += 59_999;
      expect(await store.receive('watch', { maxMessages: 10 })).toEqual([]);
      clock += 1;
      const [second] = await store.receive('watch', { maxMessages: 10 });
      expect(second).toMatchObject({ body: 'recheck', receiveCount: 2 });
      // ChangeMessageVisibility pushes the next appearance out (backoff by the handler).
      await store.changeVisibility('watch', second!.receiptHandle!, 300);
      clock += 299_999;
      expect(await store.receive('watch', { maxMessages: 10 })).toEqual([]);
      clock += 1;
      expect((await store.receive('watch', { maxMessages: 10 }))[0]?.receiveCount).toBe(3);
    } finally {
      await store.close();
      await dir.remove();
    }
  });

  it('drops messages older than MessageRetentionPeriod, counted from the original send', async () => {
    const dir = await tempDir('recops-sqs-retention-');
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const store = await SqsStore.open({ dataDir: dir.dir, now: () => clock });
    try {
      await store.createQueue('short', { MessageRetentionPeriod: '60' }).written;
      await store.send('short', [{ body: 'old' }]);
      clock += 60_000;
      expect(await store.receive('short', { maxMessages: 1 })).toEqual([]);
      expect(store.getQueue('short').counts(clock)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    } finally {
      await store.close();
      await dir.remove();
    }
  });
});
