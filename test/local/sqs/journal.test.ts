import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QueueJournal, type JournalOp } from '../../../packages/local/src/sqs/journal';
import type { QueueState } from '../../../packages/local/src/sqs/queue';
import { SqsStore } from '../../../packages/local/src/sqs';
import { tempDir } from './harness';

const meta = (name: string) => ({ name, createdAt: 1, modifiedAt: 1, attributes: {}, tags: {} });
const message = (id: string, receiveCount = 0) => ({ id, body: id, md5OfBody: 'x', sentAt: 1, availableAt: 1, receiveCount });

async function reopen(dir: string): Promise<{ queues: QueueState[]; journal: QueueJournal }> {
  let queues: QueueState[] = [];
  const journal = await QueueJournal.open(
    dir,
    () => queues,
    (loaded) => {
      queues = loaded;
    },
  );
  return { queues, journal };
}

describe('Class: QueueJournal', () => {
  it('replays acknowledged operations after a restart and skips a torn last line', async () => {
    const dir = await tempDir('recops-journal-');
    try {
      const first = await reopen(dir.dir);
      const ops: JournalOp[] = [
        { t: 'queue', q: meta('a') },
        { t: 'msg', q: 'a', m: message('m1') },
        { t: 'msg', q: 'a', m: message('m2') },
        { t: 'msg', q: 'a', m: message('m1', 3) },
        { t: 'del', q: 'a', ids: ['m2'] },
      ];
      await first.journal.record(ops);
      await first.journal.close();
      const journalFile = (await readdir(dir.dir)).find((name) => name.startsWith('journal-'))!;
      // A crash in the middle of an append leaves half a line; it was never acknowledged.
      await appendFile(join(dir.dir, journalFile), '{"t":"msg","q":"a","m":{"id":"m3"');

      const second = await reopen(dir.dir);
      expect(second.queues.map((queue) => [queue.name, queue.messages.map((m) => [m.id, m.receiveCount])])).toEqual([['a', [['m1', 3]]]]);
      await second.journal.close();
    } finally {
      await dir.remove();
    }
  });

  it('keeps operations recorded while a compaction is in progress', async () => {
    const dir = await tempDir('recops-journal-compact-');
    try {
      const state = new Map<string, QueueState>();
      let journal: QueueJournal = await QueueJournal.open(
        dir.dir,
        () => [...state.values()],
        () => undefined,
      );
      state.set('q', { ...meta('q'), messages: [] });
      await journal.record([{ t: 'queue', q: meta('q') }]);
      const pending: Promise<void>[] = [];
      for (let index = 0; index < 50; index++) {
        const m = message(`m${index}`);
        state.get('q')!.messages.push(m);
        pending.push(journal.record([{ t: 'msg', q: 'q', m }]));
        if (index === 25) pending.push(journal.compact(() => [...state.values()]));
      }
      await Promise.all(pending);
      await journal.close();

      let loaded: QueueState[] = [];
      journal = await QueueJournal.open(
        dir.dir,
        () => loaded,
        (queues) => {
          loaded = queues;
        },
      );
      expect(loaded[0]?.messages.map((m) => m.id)).toEqual(Array.from({ length: 50 }, (_, index) => `m${index}`));
      await journal.close();
      expect((await readdir(dir.dir)).filter((name) => name.startsWith('journal-')).length).toBeLessThanOrEqual(1);
    } finally {
      await dir.remove();
    }
  });

  it('restores a store whose queues and redrive tasks changed through every kind of operation', async () => {
    const dir = await tempDir('recops-journal-store-');
    try {
      let store = await SqsStore.open({ dataDir: dir.dir });
      store.createQueue('dlq', {});
      await store.createQueue('main', {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:dlq', maxReceiveCount: 1 }),
      }).written;
      await store.send('main', [{ body: 'keep' }, { body: 'drop' }, { body: 'poison' }]);
      const [keep, drop, poison] = await store.receive('main', { maxMessages: 3, visibilityTimeoutSeconds: 0 });
      await store.deleteMessages('main', [drop!.receiptHandle!]);
      // The next receive moves all remaining messages (received once already) to the DLQ.
      await store.receive('main', { maxMessages: 10 });
      await store.close();

      store = await SqsStore.open({ dataDir: dir.dir });
      expect(store.getQueue('main').state.messages).toEqual([]);
      expect(
        store
          .getQueue('dlq')
          .state.messages.map((m) => m.body)
          .sort(),
      ).toEqual([keep!.body, poison!.body].sort());
      expect(store.getQueue('dlq').state.messages.every((m) => m.deadLetterSourceArn === 'arn:aws:sqs:us-east-1:000000000000:main')).toBe(
        true,
      );

      // A redrive task and its outcome survive a restart too.
      const task = store.startMoveTask('arn:aws:sqs:us-east-1:000000000000:dlq');
      for (let poll = 0; poll < 100 && task.status === 'RUNNING'; poll++) await new Promise((resolve) => setTimeout(resolve, 10));
      await store.close();
      store = await SqsStore.open({ dataDir: dir.dir });
      expect(store.listMoveTasks('arn:aws:sqs:us-east-1:000000000000:dlq')).toEqual([
        expect.objectContaining({ status: 'COMPLETED', approximateNumberOfMessagesMoved: 2, approximateNumberOfMessagesToMove: 2 }),
      ]);
      expect(store.getQueue('main').state.messages).toHaveLength(2);
      await store.close();
    } finally {
      await dir.remove();
    }
  });
});
