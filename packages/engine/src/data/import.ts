/**
 * Streaming CSV import: every CSV object at the data location is parsed record by record
 * (csv-parse), each value is validated against the dataset's schema and appended to a fresh
 * columnar Table. The first error fails the whole job, as the service does, naming the file,
 * line and field. Nothing is applied to the group until every file has passed.
 */
import { parse } from 'csv-parse';
import { ImportValidationError, EngineJobError } from '../errors';
import type { BlobStore, DatasetType } from '../port';
import type { DatasetGroup } from './group';
import type { FieldSpec } from './schema';
import type { CellValue, Table } from './table';

const MAX_ID_LENGTH = 256;
const MAX_STRING_LENGTH = 1000;
const MAX_TEXTUAL_LENGTH = 20_000;
/** Epoch seconds beyond this (year 2286) are almost certainly milliseconds. */
const MAX_EPOCH_SECONDS = 10_000_000_000;
const MIN_INTERACTIONS_PER_IMPORT = 1000;

export function parseS3Url(url: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (match === null) throw new EngineJobError(`Invalid S3 location ${url}: expected s3://bucket/key`);
  return { bucket: match[1] ?? '', key: match[2] ?? '' };
}

/** One object, or every object under a prefix (a location ending in `/`), with `suffix`. */
export async function listInputObjects(blobs: BlobStore, url: string, suffix: RegExp): Promise<{ bucket: string; keys: string[] }> {
  const { bucket, key } = parseS3Url(url);
  if (key !== '' && !key.endsWith('/')) return { bucket, keys: [key] };
  const keys = (await blobs.list(bucket, key)).filter((k) => suffix.test(k));
  if (keys.length === 0) throw new EngineJobError(`No input files found at ${url}`);
  return { bucket, keys };
}

/** Converts one CSV cell; returns the value or a description of the rule it breaks. */
export function convertCell(field: FieldSpec, raw: string | undefined): { value: CellValue } | { error: string } {
  const text = raw ?? '';
  const upper = field.name.toUpperCase();
  if (text === '') {
    if (field.nullable) return { value: null };
    return { error: `a value is required (type ${field.kind})` };
  }
  switch (field.kind) {
    case 'string': {
      const limit = upper.endsWith('_ID') ? MAX_ID_LENGTH : field.textual ? MAX_TEXTUAL_LENGTH : MAX_STRING_LENGTH;
      if (field.categorical) {
        const long = text.split('|').find((v) => v.length > limit);
        if (long !== undefined) return { error: `categorical value longer than ${limit} characters` };
      } else if (text.length > limit) return { error: `value longer than ${limit} characters` };
      return { value: text };
    }
    case 'int':
    case 'long': {
      if (!/^-?\d+$/.test(text)) {
        return {
          error:
            upper === 'TIMESTAMP' || upper === 'CREATION_TIMESTAMP'
              ? `expected a timestamp in epoch seconds (${field.kind}), got "${shown(text)}"`
              : `expected an integer (${field.kind}), got "${shown(text)}"`,
        };
      }
      const n = Number(text);
      if ((upper === 'TIMESTAMP' || upper === 'CREATION_TIMESTAMP') && Math.abs(n) > MAX_EPOCH_SECONDS) {
        return { error: `timestamp ${shown(text)} is not in epoch seconds (milliseconds?)` };
      }
      if (field.kind === 'int' && (n > 2147483647 || n < -2147483648)) return { error: `integer ${shown(text)} out of int range` };
      return { value: n };
    }
    case 'float':
    case 'double': {
      const n = Number(text);
      if (!Number.isFinite(n) || !/^[-+0-9.eE]+$/.test(text)) return { error: `expected a number (${field.kind}), got "${shown(text)}"` };
      return { value: n };
    }
    case 'boolean':
      if (text === 'true') return { value: true };
      if (text === 'false') return { value: false };
      return { error: `expected true or false (lowercase), got "${shown(text)}"` };
  }
}

/** A cell as an error shows it: at most 200 characters, so a huge field never makes a huge error. */
function shown(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 200)}… (${text.length} characters)`;
}

/** A rule broken by the record at `recordIndex` (0 = header); its line is found only if needed. */
class RowProblem {
  constructor(
    readonly recordIndex: number,
    readonly field: string | undefined,
    readonly rule: string,
  ) {}
}

/**
 * The line on which the quote left open at the end of the file was opened. csv-parse reports the
 * file's last line for CSV_QUOTE_NOT_CLOSED; the user needs the line where the quote starts. Bytes
 * are scanned as they are: in UTF-8 no multi-byte character contains a `"` or `\n` byte, and a
 * doubled `""` inside quotes toggles twice.
 */
async function lineOfUnclosedQuote(blobs: BlobStore, bucket: string, key: string): Promise<number | undefined> {
  const stream = await blobs.read(bucket, key);
  let line = 1;
  let openedOn: number | undefined;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (byte === 0x0a) line++;
        else if (byte === 0x22) openedOn = openedOn === undefined ? line : undefined;
      }
    }
  } finally {
    stream.destroy();
  }
  return openedOn;
}

/**
 * The line on which record `recordIndex` (0 = header; blank lines skipped, as the parser does)
 * starts. csv-parse's own `lines` drifts on CRLF files with bare LFs inside quotes, so a malformed
 * record is located by scanning the bytes: a `"` toggles quoting, a `\n` outside quotes ends a record.
 */
async function lineOfRecordStart(blobs: BlobStore, bucket: string, key: string, recordIndex: number): Promise<number | undefined> {
  const stream = await blobs.read(bucket, key);
  let line = 1;
  let startLine = 1;
  let quoted = false;
  let content = false;
  let index = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (byte === 0x0a) {
          line++;
          if (quoted) continue;
          if (content) {
            if (index === recordIndex) return startLine;
            index++;
          }
          startLine = line;
          content = false;
        } else if (byte === 0x22) {
          quoted = !quoted;
          content = true;
        } else if (byte !== 0x0d) content = true;
      }
    }
  } finally {
    stream.destroy();
  }
  return content && index === recordIndex ? startLine : undefined;
}

async function importObject(blobs: BlobStore, bucket: string, key: string, fields: readonly FieldSpec[], table: Table): Promise<void> {
  const file = `s3://${bucket}/${key}`;
  const stream = await blobs.read(bucket, key).catch((err: unknown) => {
    throw new EngineJobError(`Cannot read ${file}: ${(err as Error).message}`);
  });
  const parser = stream.pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true }));
  let columnOf: number[] | undefined; // CSV column → field index
  const row: CellValue[] = new Array<CellValue>(fields.length).fill(null);
  let recordIndex = -1;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      recordIndex++;
      if (columnOf === undefined) {
        columnOf = record.map((name) => {
          const idx = fields.findIndex((f) => f.name.toUpperCase() === name.trim().toUpperCase());
          if (idx < 0) throw new RowProblem(recordIndex, name, 'column is not a field of the dataset schema');
          return idx;
        });
        const missing = fields.find((f, i) => !f.nullable && !columnOf!.includes(i));
        if (missing !== undefined) throw new RowProblem(recordIndex, missing.name, 'required column missing from the header');
        continue;
      }
      if (record.length !== columnOf.length) {
        throw new RowProblem(recordIndex, undefined, `expected ${columnOf.length} columns, found ${record.length}`);
      }
      row.fill(null);
      for (let c = 0; c < columnOf.length; c++) {
        const fi = columnOf[c]!;
        const field = fields[fi]!;
        const result = convertCell(field, record[c]);
        if ('error' in result) throw new RowProblem(recordIndex, field.name, result.error);
        row[fi] = result.value;
      }
      for (let fi = 0; fi < fields.length; fi++) {
        if (row[fi] === null && !fields[fi]!.nullable && !columnOf.includes(fi)) {
          throw new RowProblem(recordIndex, fields[fi]!.name, 'a value is required');
        }
      }
      table.append(row);
    }
  } catch (err) {
    stream.destroy();
    if (err instanceof RowProblem) {
      const line = (await lineOfRecordStart(blobs, bucket, key, err.recordIndex).catch(() => undefined)) ?? 0;
      throw new ImportValidationError(file, line, err.field, err.rule);
    }
    if (err instanceof EngineJobError) throw err;
    const e = err as { message: string; lines?: number; records?: number; code?: string };
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
      const line = (await lineOfUnclosedQuote(blobs, bucket, key).catch(() => undefined)) ?? e.lines ?? 0;
      throw new ImportValidationError(file, line, undefined, 'malformed CSV: a quote opened on this line is never closed');
    }
    const start = e.records === undefined ? undefined : await lineOfRecordStart(blobs, bucket, key, e.records).catch(() => undefined);
    if (start !== undefined) {
      // csv-parse's message names its own (drifting) line count; the record's first line replaces it.
      const reason = e.message.replace(/ at line \d+/, '');
      throw new ImportValidationError(file, start, undefined, `malformed CSV in the record starting on this line: ${shown(reason)}`);
    }
    throw new ImportValidationError(file, e.lines ?? 0, undefined, `malformed CSV: ${shown(e.message)}`);
  }
  if (columnOf === undefined) throw new ImportValidationError(file, 1, undefined, 'the file is empty (a header row is required)');
}

/** Reads and validates all input objects into a new table of the group (not yet applied). */
export async function readDatasetImport(
  blobs: BlobStore,
  group: DatasetGroup,
  datasetType: DatasetType,
  fields: readonly FieldSpec[],
  dataLocation: string,
): Promise<Table> {
  const { bucket, keys } = await listInputObjects(blobs, dataLocation, /\.csv$/i);
  const table = group.newTable(datasetType, fields);
  for (const key of keys) await importObject(blobs, bucket, key, fields, table);
  if (datasetType === 'INTERACTIONS' && table.length < MIN_INTERACTIONS_PER_IMPORT) {
    throw new EngineJobError(
      `Input data must contain at least ${MIN_INTERACTIONS_PER_IMPORT} interactions; found ${table.length} in ${dataLocation}.`,
    );
  }
  return table;
}
