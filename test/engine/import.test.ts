import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '@recops/engine';
import { EngineJobError } from '@recops/engine';
import type { PersonalizeEngine } from '@recops/engine';
import { MemoryBlobStore } from './helpers/memory-blobs';
import { datasetArn, DG, train } from './helpers/setup';
import { INTERACTIONS_SCHEMA, ITEMS_SCHEMA } from './helpers/synthetic';

const header = 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE';

/** `n` valid interaction rows over 50 users and 40 items. */
function rows(n: number, offset = 0, itemPrefix = 'i'): string[] {
  return Array.from(
    { length: n },
    (_, k) => `u${(k + offset) % 50},${itemPrefix}${(k * 7 + offset) % 40},${1_700_000_000 + k},click,${k % 5}`,
  );
}

describe('Function: importDataset', () => {
  let dataDir: string;
  let blobs: MemoryBlobStore;
  let engine: PersonalizeEngine;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'engine-import-'));
    blobs = new MemoryBlobStore();
    engine = createEngine({ dataDir, blobs });
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const importInteractions = (location: string, importMode: 'FULL' | 'INCREMENTAL' = 'FULL') =>
    engine.importDataset({
      datasetGroupArn: DG,
      datasetArn: datasetArn('INTERACTIONS'),
      datasetType: 'INTERACTIONS',
      schema: INTERACTIONS_SCHEMA,
      dataLocation: location,
      importMode,
    });

  /** Imports a file whose line `line` (1-based, header = 1) is replaced, expecting a failure. */
  async function failureFor(badRow: string, line = 500): Promise<string> {
    const all = [header, ...rows(1200)];
    all[line - 1] = badRow;
    blobs.put('b', 'bad.csv', `${all.join('\n')}\n`);
    const err = await importInteractions('s3://b/bad.csv').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineJobError);
    return (err as Error).message;
  }

  it('imports every CSV under a prefix and reports the row count', async () => {
    blobs.put('b', 'in/a.csv', `${[header, ...rows(600)].join('\n')}\n`);
    blobs.put('b', 'in/b.csv', `${[header, ...rows(600, 600)].join('\n')}\n`);
    blobs.put('b', 'in/readme.txt', 'not data');
    await expect(importInteractions('s3://b/in/')).resolves.toEqual({ rowsImported: 1200 });
  });

  it('fails naming file, line and field for a timestamp that is not epoch seconds', async () => {
    const message = await failureFor('u1,i1,yesterday,click,1');
    expect(message).toContain('s3://b/bad.csv');
    expect(message).toContain('line 500');
    expect(message).toContain('field TIMESTAMP');
  });

  it('fails for a timestamp in milliseconds', async () => {
    expect(await failureFor('u1,i1,1700000000000,click,1')).toMatch(/line 500, field TIMESTAMP: .*milliseconds/);
  });

  it('fails for a missing required value but accepts an empty nullable one', async () => {
    expect(await failureFor(',i1,1700000000,click,1', 42)).toMatch(/line 42, field USER_ID: a value is required/);
    blobs.put('b', 'ok.csv', `${[header, ...rows(1100), 'u1,i1,1700000000,click,'].join('\n')}\n`);
    await expect(importInteractions('s3://b/ok.csv')).resolves.toEqual({ rowsImported: 1101 });
  });

  it('fails for a non-numeric float and for a wrong column count', async () => {
    expect(await failureFor('u1,i1,1700000000,click,lots', 7)).toMatch(/line 7, field EVENT_VALUE: expected a number/);
    expect(await failureFor('u1,i1,1700000000', 9)).toMatch(/line 9: expected 5 columns, found 3/);
  });

  it('fails when the header names a column outside the schema', async () => {
    blobs.put('b', 'h.csv', `USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,RATING\n${rows(1000).join('\n')}\n`);
    await expect(importInteractions('s3://b/h.csv')).rejects.toThrow(/s3:\/\/b\/h\.csv at line 1, field RATING: column is not a field/);
  });

  it('fails when a required column is missing from the header', async () => {
    blobs.put('b', 'h.csv', `USER_ID,ITEM_ID,EVENT_TYPE\nu1,i1,click\n`);
    await expect(importInteractions('s3://b/h.csv')).rejects.toThrow(/line 1, field TIMESTAMP: required column missing/);
  });

  it('validates categorical, boolean and numeric item metadata', async () => {
    const schema = JSON.stringify({
      type: 'record',
      name: 'Items',
      fields: [
        { name: 'ITEM_ID', type: 'string' },
        { name: 'GENRES', type: 'string', categorical: true },
        { name: 'IN_STOCK', type: 'boolean' },
        { name: 'PRICE', type: ['null', 'double'] },
      ],
    });
    const run = (_body: string) =>
      engine
        .importDataset({
          datasetGroupArn: DG,
          datasetArn: datasetArn('ITEMS'),
          datasetType: 'ITEMS',
          schema,
          dataLocation: 's3://b/items.csv',
          importMode: 'FULL',
        })
        .then(
          () => 'ok',
          (e: Error) => e.message,
        );
    blobs.put('b', 'items.csv', 'ITEM_ID,GENRES,IN_STOCK,PRICE\ni1,Comedy|Drama,true,9.5\ni2,Action,false,\n');
    expect(await run('')).toBe('ok');
    blobs.put('b', 'items.csv', 'ITEM_ID,GENRES,IN_STOCK,PRICE\ni1,Comedy,True,9.5\n');
    expect(await run('')).toMatch(/line 2, field IN_STOCK: expected true or false/);
    blobs.put('b', 'items.csv', 'ITEM_ID,GENRES,IN_STOCK,PRICE\ni1,"Comedy\nDrama",true,1\n\ni2,Action,maybe,2\n');
    // Quoted newlines and blank lines count: the bad row is on line 5 of the file.
    expect(await run('')).toMatch(/at line 5, field IN_STOCK: expected true or false/);
    blobs.put('b', 'items.csv', `ITEM_ID,GENRES,IN_STOCK,PRICE\ni1,${'x'.repeat(1001)}|ok,true,1\n`);
    expect(await run('')).toMatch(/field GENRES: categorical value longer than 1000/);
  });

  it('rejects a schema without the required fields of its dataset type', async () => {
    blobs.put('b', 'x.csv', 'ITEM_ID\ni1\n');
    const schema = JSON.stringify({ type: 'record', name: 'Interactions', fields: [{ name: 'ITEM_ID', type: 'string' }] });
    await expect(
      engine.importDataset({
        datasetGroupArn: DG,
        datasetArn: datasetArn('INTERACTIONS'),
        datasetType: 'INTERACTIONS',
        schema,
        dataLocation: 's3://b/x.csv',
        importMode: 'FULL',
      }),
    ).rejects.toThrow(/INTERACTIONS requires field USER_ID/);
  });

  it('fails an interactions import below the 1000-record minimum', async () => {
    blobs.put('b', 'small.csv', `${[header, ...rows(999)].join('\n')}\n`);
    await expect(importInteractions('s3://b/small.csv')).rejects.toThrow(/at least 1000 interactions/);
  });

  it('replaces data with FULL and appends with INCREMENTAL', async () => {
    blobs.put('b', 'a.csv', `${[header, ...rows(1000)].join('\n')}\n`);
    blobs.put('b', 'b.csv', `${[header, ...rows(1000, 0, 'j')].join('\n')}\n`);
    const popularItems = async (version: string): Promise<string[]> => {
      await train(engine, 'aws-popularity-count', { solutionVersionArn: version });
      const recs = await engine.getRecommendations({ solutionVersionArn: version, userId: 'anyone', numResults: 500 });
      return [...new Set(recs.map((r) => r.itemId.charAt(0)))].sort();
    };
    await importInteractions('s3://b/a.csv');
    await importInteractions('s3://b/b.csv', 'INCREMENTAL');
    expect(await popularItems(`${DG}/v-both`)).toEqual(['i', 'j']);
    await importInteractions('s3://b/b.csv', 'FULL');
    expect(await popularItems(`${DG}/v-full`)).toEqual(['j']);
  });

  it('reads user histories from the new rows after a FULL import of the same size', async () => {
    const a = rows(1000);
    const b = rows(1000, 1);
    blobs.put('b', 'a.csv', `${[header, ...a].join('\n')}\n`);
    blobs.put('b', 'b.csv', `${[header, ...b].join('\n')}\n`);
    await importInteractions('s3://b/a.csv');
    const version = `${DG}/v-same-size`;
    await train(engine, 'aws-popularity-count', { solutionVersionArn: version });
    const filter = { filterArn: 'f', filterExpression: 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")' };
    const clickedBy = (data: string[]) => [...new Set(data.filter((r) => r.startsWith('u0,')).map((r) => r.split(',')[1]!))].sort();
    const clickedNow = async () =>
      (await engine.getRecommendations({ solutionVersionArn: version, userId: 'u0', numResults: 40, filter })).map((r) => r.itemId).sort();
    expect(await clickedNow()).toEqual(clickedBy(a));
    await importInteractions('s3://b/b.csv');
    expect(clickedBy(b)).not.toEqual(clickedBy(a));
    expect(await clickedNow()).toEqual(clickedBy(b));
  });

  it('keeps items imported with their metadata usable by filters', async () => {
    blobs.put('b', 'items.csv', 'ITEM_ID,GENRES,PRICE,CREATION_TIMESTAMP\ni1,g1|g2,3.5,1700000000\n');
    await expect(
      engine.importDataset({
        datasetGroupArn: DG,
        datasetArn: datasetArn('ITEMS'),
        datasetType: 'ITEMS',
        schema: ITEMS_SCHEMA,
        dataLocation: 's3://b/items.csv',
        importMode: 'FULL',
      }),
    ).resolves.toEqual({ rowsImported: 1 });
  });
});
