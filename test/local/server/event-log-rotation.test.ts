import { readdirSync } from 'node:fs';
import { EventLog, readEventLog, tailEventLog, type EventLogEntry } from '@recops/local';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../s3/helpers';

describe('Class: EventLog (rotation)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function dir(): Promise<string> {
    const { dir: path, remove } = await tempDir('recops-eventlog-');
    cleanups.push(remove);
    return path;
  }

  const files = (path: string): string[] =>
    readdirSync(path)
      .filter((name) => name.startsWith('events'))
      .sort();

  it('rotates past maxBytes, keeps at most `keep` old files, and reads back the kept entries in order', async () => {
    const path = await dir();
    const log = await EventLog.open(path, { maxBytes: 2_000, keep: 2 });
    for (let i = 1; i <= 200; i++) await log.append('test', { i, pad: 'x'.repeat(50) });
    await log.close();
    expect(files(path)).toEqual(['events.1.jsonl', 'events.2.jsonl', 'events.jsonl']);
    const entries = await readEventLog(path);
    const seqs = entries.map((entry) => entry.seq);
    expect(seqs[seqs.length - 1]).toBe(200);
    // Consecutive and increasing across the files that are left.
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, k) => 200 - seqs.length + 1 + k));
    expect(seqs.length).toBeLessThan(200);
  });

  it('continues the numbering after a restart that finds a freshly rotated, empty file', async () => {
    const path = await dir();
    const first = await EventLog.open(path, { maxBytes: 500, keep: 3 });
    let last = 0;
    // Stop right after a rotation: the current file is empty.
    for (let i = 1; files(path).length < 2 || last === 0; i++) last = (await first.append('test', { i, pad: 'y'.repeat(80) })).seq;
    await first.close();
    const second = await EventLog.open(path, { maxBytes: 500, keep: 3 });
    expect((await second.append('test', { after: true })).seq).toBe(last + 1);
    await second.close();
  });

  it('lets a tail follow the log across a rotation without losing an entry', async () => {
    const path = await dir();
    const log = await EventLog.open(path, { maxBytes: 3_000, keep: 5 });
    const seen: EventLogEntry[] = [];
    const abort = new AbortController();
    const tailing = tailEventLog(path, (entry) => seen.push(entry), { fromStart: true, pollIntervalMs: 10, signal: abort.signal });
    for (let i = 1; i <= 120; i++) {
      await log.append('test', { i, pad: 'z'.repeat(40) });
      // At most 10 entries between two polls: fewer than one file's worth, so one rotation at a time.
      if (i % 10 === 0) {
        const caughtUp = Date.now() + 10_000;
        while (seen.length < i && Date.now() < caughtUp) await new Promise((wait) => setTimeout(wait, 5));
      }
    }
    const deadline = Date.now() + 10_000;
    while (seen.length < 120 && Date.now() < deadline) await new Promise((wait) => setTimeout(wait, 20));
    abort.abort();
    await tailing;
    await log.close();
    expect(files(path).length).toBeGreaterThan(1);
    expect(seen.map((entry) => entry.seq)).toEqual(Array.from({ length: 120 }, (_, k) => k + 1));
  });
});
