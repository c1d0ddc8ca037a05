import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { S3Event } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalS3, type LocalS3 } from '@recops/local';
import { tempDir } from '../s3/helpers';

const keysOf = (events: S3Event[]): string[] => events.flatMap((event) => event.Records.map((record) => record.s3.object.key));

describe('S3: journaled ObjectCreated notifications', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function open(dataDir: string): Promise<LocalS3> {
    const s3 = await createLocalS3({ dataDir, deferNotifications: true, onListenerError: () => undefined });
    await s3.ensureBucket('data');
    return s3;
  }

  it('hands a notification whose delivery never finished to the listeners of the next start, with the same record', async () => {
    const { dir, remove } = await tempDir('recops-notify-');
    cleanups.push(remove);
    // First life: the write is acknowledged, then the process stops before any delivery.
    const first = await open(dir);
    await first.store.put('data', 'in/a.json', Buffer.from('{}'));
    const second = await open(dir);
    const seen: S3Event[] = [];
    second.onObjectCreated((event) => void seen.push(event), { configurationId: 'intake', prefix: 'in/' });
    await second.startNotifications();
    await second.notificationsSettled();
    expect(keysOf(seen)).toEqual(['in/a.json']);
    expect(seen[0]?.Records[0]?.s3.configurationId).toBe('intake');

    // Delivered: a third start has nothing left to hand out.
    await second.close();
    const third = await open(dir);
    const again: S3Event[] = [];
    third.onObjectCreated((event) => void again.push(event), { configurationId: 'intake' });
    await third.startNotifications();
    await third.notificationsSettled();
    expect(again).toEqual([]);
    await third.close();
  });

  it('keeps a notification a listener failed on, and only redelivers it to that listener', async () => {
    const { dir, remove } = await tempDir('recops-notify-');
    cleanups.push(remove);
    const first = await open(dir);
    const okFirst: S3Event[] = [];
    first.onObjectCreated((event) => void okFirst.push(event), { configurationId: 'ok' });
    first.onObjectCreated(
      () => {
        throw new Error('down');
      },
      { configurationId: 'flaky' },
    );
    await first.startNotifications();
    await first.store.put('data', 'x.csv', Buffer.from('a'));
    await first.notificationsSettled();
    await first.close();
    expect(keysOf(okFirst)).toEqual(['x.csv']);

    const second = await open(dir);
    const okSecond: S3Event[] = [];
    const flakySecond: S3Event[] = [];
    second.onObjectCreated((event) => void okSecond.push(event), { configurationId: 'ok' });
    second.onObjectCreated((event) => void flakySecond.push(event), { configurationId: 'flaky' });
    await second.startNotifications();
    await second.notificationsSettled();
    await second.close();
    expect(okSecond).toEqual([]);
    expect(keysOf(flakySecond)).toEqual(['x.csv']);
  });

  it('journals a write before committing it: after a stop in between, only a committed write is notified', async () => {
    const { dir, remove } = await tempDir('recops-notify-');
    cleanups.push(remove);
    // First life: two writes whose notices stayed marked pending, as a stop between the journal and
    // the confirmation leaves them: one was committed (its data file is the object's), one was not.
    const first = await open(dir);
    const committed = await first.store.put('data', 'in/committed.json', Buffer.from('{}'));
    await first.store.put('data', 'in/never.json', Buffer.from('{}'));
    const journal = join(dir, 's3', 'notifications');
    for (const name of await readdir(journal)) {
      const notice = JSON.parse(await readFile(join(journal, name), 'utf8')) as { object: { key: string } };
      const pendingWrite = notice.object.key === 'in/committed.json' ? committed.dataFile : 'a-write-that-never-committed';
      await writeFile(join(journal, name), JSON.stringify({ ...notice, pendingWrite }));
    }

    const second = await open(dir);
    const seen: S3Event[] = [];
    second.onObjectCreated((event) => void seen.push(event), { configurationId: 'intake', prefix: 'in/' });
    await second.startNotifications();
    await second.notificationsSettled();
    await second.close();

    expect(keysOf(seen)).toEqual(['in/committed.json']);
    expect(await readdir(journal)).toEqual([]);
  });

  it('holds uploads that arrive before start and delivers them after the replayed ones', async () => {
    const { dir, remove } = await tempDir('recops-notify-');
    cleanups.push(remove);
    const first = await open(dir);
    await first.store.put('data', 'old', Buffer.from('1'));
    const second = await open(dir);
    const seen: S3Event[] = [];
    second.onObjectCreated((event) => void seen.push(event), { configurationId: 'all' });
    await second.store.put('data', 'new', Buffer.from('2'));
    expect(seen).toEqual([]);
    await second.startNotifications();
    await second.notificationsSettled();
    await second.close();
    expect(keysOf(seen).sort()).toEqual(['new', 'old']);
  });
});
