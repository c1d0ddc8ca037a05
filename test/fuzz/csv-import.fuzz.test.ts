/**
 * Fuzz: dataset import CSVs. Files with malformed quoting, wrong types, huge fields, BOMs, CRLF,
 * blank lines and empty files either import or fail with an ImportValidationError whose line is a
 * line of the file; never another error. A file that is valid but for one unclosed quote is
 * reported at the line that quote opens on.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineJobError, ImportValidationError, createEngine, type PersonalizeEngine } from '@recops/engine';
import { MemoryBlobStore } from '../engine/helpers/memory-blobs';
import { DG, datasetArn } from '../engine/helpers/setup';
import { INTERACTIONS_SCHEMA } from '../engine/helpers/synthetic';
import { FUZZ_TIMEOUT_MS, fuzzParameters, reportPassed } from './settings';

const HEADER = ['USER_ID', 'ITEM_ID', 'TIMESTAMP', 'EVENT_TYPE', 'EVENT_VALUE'];

const goodCell = [
  fc.stringMatching(/^u[0-9]{1,4}$/),
  fc.stringMatching(/^i[0-9]{1,4}$/),
  fc.integer({ min: 1_500_000_000, max: 1_800_000_000 }).map(String),
  fc.constantFrom('click', 'view', 'buy'),
  fc.oneof(fc.constant(''), fc.double({ min: -10, max: 10, noNaN: true }).map(String)),
] as const;

const badCell = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', ' ', 'NaN', '1e999', '-0', 'true', '1700000000000', '"', '""', '"a""b"', '"open', 'x"y', '\u0000', '\ufeff'),
  fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'y'.repeat(n)),
  fc.string({ maxLength: 10 }).map((s) => `"${s.replace(/"/g, '""')}\n${s.replace(/"/g, '""')}"`),
);

const row = fc
  .tuple(...goodCell.map((cell) => fc.oneof({ weight: 6, arbitrary: cell }, { weight: 1, arbitrary: badCell })))
  .map((cells) => cells as string[]);
const shortOrLongRow = fc.oneof(
  { weight: 9, arbitrary: row },
  { weight: 1, arbitrary: row.map((cells) => cells.slice(0, 3)) },
  { weight: 1, arbitrary: row.map((cells) => [...cells, 'extra']) },
);

const csvFile = fc
  .record({
    bom: fc.boolean(),
    crlf: fc.boolean(),
    header: fc.oneof(
      { weight: 9, arbitrary: fc.constant(HEADER) },
      { weight: 1, arbitrary: fc.shuffledSubarray(HEADER).map((h) => [...h, 'NOT_A_FIELD']) },
    ),
    rows: fc.array(fc.oneof({ weight: 9, arbitrary: shortOrLongRow }, { weight: 1, arbitrary: fc.constant<string[]>([]) }), {
      maxLength: 30,
    }),
    trailingNewline: fc.boolean(),
    empty: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
  })
  .map(({ bom, crlf, header, rows, trailingNewline, empty }) => {
    if (empty) return bom ? '\ufeff' : '';
    const eol = crlf ? '\r\n' : '\n';
    const lines = [header.join(','), ...rows.map((cells) => cells.join(','))];
    return `${bom ? '\ufeff' : ''}${lines.join(eol)}${trailingNewline ? eol : ''}`;
  });

/** A valid file with one cell's quote left open on a known line. */
const unclosedQuoteFile = fc
  .record({
    before: fc.array(fc.tuple(...goodCell), { minLength: 0, maxLength: 15 }),
    after: fc.array(fc.tuple(...goodCell), { minLength: 0, maxLength: 15 }),
    column: fc.integer({ min: 0, max: 4 }),
    crlf: fc.boolean(),
    bom: fc.boolean(),
  })
  .chain((parts) => fc.tuple(fc.constant(parts), fc.tuple(...goodCell)))
  .map(([{ before, after, column, crlf, bom }, broken]) => {
    const eol = crlf ? '\r\n' : '\n';
    const cells = [...broken] as string[];
    cells[column] = `"${cells[column] ?? ''}`;
    const lines = [HEADER.join(','), ...before.map((cells) => cells.join(',')), cells.join(','), ...after.map((cells) => cells.join(','))];
    return { text: `${bom ? '\ufeff' : ''}${lines.join(eol)}${eol}`, line: before.length + 2 };
  });

describe('Fuzz: dataset import CSV', () => {
  let dataDir: string;
  let engine: PersonalizeEngine;
  const blobs = new MemoryBlobStore();

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fuzz-csv-'));
    engine = createEngine({ dataDir, blobs });
  }, FUZZ_TIMEOUT_MS);
  afterAll(async () => {
    await engine.close();
    await rm(dataDir, { recursive: true, force: true });
  }, FUZZ_TIMEOUT_MS);

  const importText = async (text: string): Promise<unknown> => {
    blobs.put('b', 'f.csv', text);
    return engine
      .importDataset({
        datasetGroupArn: DG,
        datasetArn: datasetArn('INTERACTIONS'),
        datasetType: 'INTERACTIONS',
        schema: INTERACTIONS_SCHEMA,
        dataLocation: 's3://b/f.csv',
        importMode: 'FULL',
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
  };

  it(
    'imports or rejects every generated file with the line that broke a rule',
    async () => {
      const parameters = fuzzParameters('csv-import', 3_000, 40);
      let withLine = 0;
      let tooSmall = 0;
      await fc.assert(
        fc.asyncProperty(csvFile, async (text) => {
          const error = await importText(text);
          if (error === undefined) return;
          // A file with no broken line can still be too small for Personalize's minimum: a whole-file rule.
          if (!(error instanceof ImportValidationError)) {
            tooSmall += 1;
            expect(error).toBeInstanceOf(EngineJobError);
            expect((error as Error).message).toMatch(
              /^Input data must contain at least \d+ interactions; found \d+ in s3:\/\/b\/f\.csv\.$/,
            );
            return;
          }
          withLine += 1;
          const { line } = error as ImportValidationError;
          const lines = text.split('\n').length;
          expect(line).toBeGreaterThanOrEqual(1);
          expect(line).toBeLessThanOrEqual(lines);
          expect((error as Error).message).toMatch(/^Invalid data in s3:\/\/b\/f\.csv at line \d+/);
          expect((error as Error).message.length).toBeLessThan(2_000);
        }),
        parameters,
      );
      reportPassed(
        'csv-import',
        parameters.numRuns ?? 0,
        `${withLine} rejected naming a line, ${tooSmall} well-formed but under the interaction minimum`,
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'reports an unclosed quote at the line it opens on',
    async () => {
      const parameters = fuzzParameters('csv-import (unclosed quote)', 1_000, 20);
      await fc.assert(
        fc.asyncProperty(unclosedQuoteFile, async ({ text, line }) => {
          const error = await importText(text);
          expect(error).toBeInstanceOf(ImportValidationError);
          expect((error as ImportValidationError).line).toBe(line);
        }),
        parameters,
      );
      reportPassed('csv-import (unclosed quote)', parameters.numRuns ?? 0);
    },
    FUZZ_TIMEOUT_MS,
  );
});
