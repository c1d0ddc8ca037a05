import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PersistError, UnsafePathError } from '@recops/local';
import { readJson, removeStaleTempFiles, resolveInside, writeFileAtomic, writeJsonAtomic } from '../../../packages/local/src/persist';

describe('Persist: atomic writes under the data directory', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recops-persist-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes JSON and buffers atomically, creating parents and leaving no temp files', async () => {
    await writeJsonAtomic(join(dir, 'a', 'b', 'state.json'), { queues: ['q1'] });
    await writeFileAtomic(join(dir, 'a', 'b', 'state.json'), JSON.stringify({ queues: ['q1', 'q2'] }));
    expect(await readJson(join(dir, 'a', 'b', 'state.json'))).toEqual({ queues: ['q1', 'q2'] });
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['state.json']);
  });

  it('streams Readable bodies to disk', async () => {
    await writeFileAtomic(join(dir, 'blob'), Readable.from([Buffer.from('ab'), Buffer.from('cd')]));
    expect(await readFile(join(dir, 'blob'), 'utf8')).toBe('abcd');
  });

  it('keeps the old content when a streamed write fails midway', async () => {
    await writeFileAtomic(join(dir, 'blob'), 'old');
    const failing = new Readable({
      read() {
        this.push('partial');
        this.destroy(new Error('connection reset'));
      },
    });
    await expect(writeFileAtomic(join(dir, 'blob'), failing)).rejects.toBeInstanceOf(PersistError);
    expect(await readFile(join(dir, 'blob'), 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['blob']);
  });

  it('returns undefined for a missing file and names the file that is not JSON', async () => {
    expect(await readJson(join(dir, 'missing.json'))).toBeUndefined();
    await writeFile(join(dir, 'bad.json'), '{"torn');
    await expect(readJson(join(dir, 'bad.json'))).rejects.toThrow(/bad\.json is not valid JSON/);
  });

  it('removes temp files an interrupted write left behind', async () => {
    await writeFile(join(dir, '.state.json.123.abc.tmp'), 'half');
    await writeFile(join(dir, 'state.json'), '{}');
    await removeStaleTempFiles(dir);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it.each([['..'], ['.'], [''], ['a/b'], ['/etc'], ['a\0b'], ['..\\x']])('refuses the path segment %j', (segment) => {
    expect(() => resolveInside(dir, segment)).toThrow(UnsafePathError);
  });

  it('resolves safe names inside the root', () => {
    expect(resolveInside(dir, 'queues', 'my-queue.fifo')).toBe(join(dir, 'queues', 'my-queue.fifo'));
  });
});
