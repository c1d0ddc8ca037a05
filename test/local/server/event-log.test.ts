import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_LOG_FILE, EVENT_LOG_KIND, EventLog, readEventLog, tailEventLog, type EventLogEntry } from '@recops/local';

describe('EventLog: append-only JSON lines in the data directory', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recops-eventlog-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns appended entries in order with increasing sequence numbers', async () => {
    const log = await EventLog.open(dir);
    await log.append(EVENT_LOG_KIND.busEvent, { 'detail-type': 'Pipeline Requested' });
    await log.append(EVENT_LOG_KIND.delivery, { service: 'run-tracker', ok: true });
    await log.close();
    const entries = await readEventLog(dir);
    expect(entries.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'bus.event'],
      [2, 'delivery'],
    ]);
    expect(entries[0]?.data).toEqual({ 'detail-type': 'Pipeline Requested' });
    expect(Date.parse(entries[0]!.time)).not.toBeNaN();
  });

  it('continues numbering after a restart and skips a line torn by a crash', async () => {
    const first = await EventLog.open(dir);
    await first.append('bus.event', { n: 1 });
    await first.close();
    await appendFile(join(dir, EVENT_LOG_FILE), '{"seq":2,"time":"2026-'); // crash mid-append
    const second = await EventLog.open(dir);
    const entry = await second.append('bus.event', { n: 2 });
    await second.close();
    expect(entry.seq).toBe(2);
    const entries = await readEventLog(dir);
    expect(entries.map((e) => e.data['n'])).toEqual([1, 2]);
  });

  it('returns no entries for a data directory without a log', async () => {
    expect(await readEventLog(join(dir, 'none'))).toEqual([]);
  });

  it('tells in-process subscribers about each entry as it is appended', async () => {
    const log = await EventLog.open(dir);
    const seen: string[] = [];
    const stop = log.subscribe((entry) => seen.push(entry.kind));
    await log.append('a', {});
    stop();
    await log.append('b', {});
    await log.close();
    expect(seen).toEqual(['a']);
  });

  it('tails entries another writer appends, from the end or from the start', async () => {
    const log = await EventLog.open(dir);
    await log.append('before', {});
    const fromEnd: EventLogEntry[] = [];
    const fromStart: EventLogEntry[] = [];
    const controller = new AbortController();
    const tails = Promise.all([
      tailEventLog(dir, (e) => fromEnd.push(e), { pollIntervalMs: 10, signal: controller.signal }),
      tailEventLog(dir, (e) => fromStart.push(e), { pollIntervalMs: 10, signal: controller.signal, fromStart: true }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await log.append('after', { x: 1 });
    await log.append('later', { x: 2 });
    await expect.poll(() => fromEnd.length, { timeout: 5_000 }).toBe(2);
    await expect.poll(() => fromStart.length, { timeout: 5_000 }).toBe(3);
    controller.abort();
    await tails;
    await log.close();
    expect(fromEnd.map((e) => e.kind)).toEqual(['after', 'later']);
    expect(fromStart.map((e) => e.kind)).toEqual(['before', 'after', 'later']);
  });
});
