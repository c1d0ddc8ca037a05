import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type PersonalizeEngine } from '@recops/engine';
import { MemoryBlobStore } from './helpers/memory-blobs';
import { datasetArn, DG } from './helpers/setup';
import { INTERACTIONS_SCHEMA } from './helpers/synthetic';

const header = 'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE';
const row = (k: number): string => `u${k},i${k % 7},${1_700_000_000 + k},click,1`;

describe('Function: importDataset (unclosed quotes)', () => {
  let dataDir: string;
  let blobs: MemoryBlobStore;
  let engine: PersonalizeEngine;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'engine-quote-'));
    blobs = new MemoryBlobStore();
    engine = createEngine({ dataDir, blobs });
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const importFile = (text: string): Promise<string> => {
    blobs.put('b', 'q.csv', text);
    return engine
      .importDataset({
        datasetGroupArn: DG,
        datasetArn: datasetArn('INTERACTIONS'),
        datasetType: 'INTERACTIONS',
        schema: INTERACTIONS_SCHEMA,
        dataLocation: 's3://b/q.csv',
        importMode: 'FULL',
      })
      .then(
        () => 'ok',
        (error: Error) => error.message,
      );
  };

  it('reports a quote opened on line 5 at line 5, not at the last line of the file', async () => {
    const lines = [header, row(1), row(2), row(3), 'u4,"i4,1700000004,click,1', ...Array.from({ length: 40 }, (_, k) => row(k + 5))];
    expect(await importFile(`${lines.join('\n')}\n`)).toMatch(
      /s3:\/\/b\/q\.csv at line 5: malformed CSV: a quote opened on this line is never closed/,
    );
  });

  it('counts CRLF line ends, a BOM and closed multi-line quotes before the unclosed one', async () => {
    const text = `\ufeff${header}\r\n${row(1)}\r\nu2,"i\r\n2",1700000002,click,1\r\n\r\n${row(3)}\r\nu4,i4,1700000004,"click,1\r\n${row(5)}\r\n`;
    expect(await importFile(text)).toMatch(/at line 7: malformed CSV: a quote opened on this line is never closed/);
  });
});
