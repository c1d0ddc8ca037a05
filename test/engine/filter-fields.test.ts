/** CreateFilter's schema checks, through the engine's validateFilterExpression with a group context. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '@recops/engine';
import { EngineInputError, type FilterValidationContext, type PersonalizeEngine } from '@recops/engine';
import { MemoryBlobStore } from './helpers/memory-blobs';

const record = (name: string, fields: readonly Record<string, unknown>[]): string =>
  JSON.stringify({ type: 'record', name, namespace: 'com.amazonaws.personalize.schema', fields, version: '1.0' });

const ITEMS = record('Items', [
  { name: 'ITEM_ID', type: 'string' },
  { name: 'GENRE', type: ['null', 'string'], categorical: true },
  { name: 'PRICE', type: 'float' },
  { name: 'IN_STOCK', type: 'boolean' },
  { name: 'DESCRIPTION', type: ['null', 'string'], textual: true },
  ...Array.from({ length: 24 }, (_, n) => ({ name: `TAG_${n}`, type: 'string', categorical: true })),
]);
const CONTEXT: FilterValidationContext = { schemas: { ITEMS } };

describe('Engine: filter fields against the dataset group schemas', () => {
  let dir: string;
  let engine: PersonalizeEngine;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'engine-filter-fields-'));
    engine = createEngine({ dataDir: dir, blobs: new MemoryBlobStore() });
  });
  afterAll(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  const validate =
    (expression: string, context: FilterValidationContext = CONTEXT) =>
    () =>
      engine.validateFilterExpression(expression, context);

  it('accepts categorical and numeric fields of the schema, in any case', () => {
    expect(validate('INCLUDE ItemID WHERE Items.GENRE IN ("a") AND Items.price < CurrentItem.PRICE')).not.toThrow();
  });

  it('rejects a field the schema does not have, naming it and the schema fields', () => {
    expect(validate('INCLUDE ItemID WHERE Items.COLOR IN ("red")')).toThrow(EngineInputError);
    expect(validate('INCLUDE ItemID WHERE Items.COLOR IN ("red")')).toThrow(
      /Items\.COLOR is not a field of the Items schema \(fields: ITEM_ID, GENRE, PRICE/,
    );
    expect(validate('INCLUDE ItemID WHERE Items.PRICE < CurrentItem.WEIGHT')).toThrow(
      /CurrentItem\.WEIGHT is not a field of the Items schema/,
    );
  });

  it('rejects boolean and textual fields', () => {
    expect(validate('EXCLUDE ItemID WHERE Items.IN_STOCK IN ("false")')).toThrow(
      /Items\.IN_STOCK is a boolean field; boolean fields cannot be used in filters/,
    );
    expect(validate('INCLUDE ItemID WHERE Items.DESCRIPTION IN ("x")')).toThrow(
      /Items\.DESCRIPTION is a textual field; textual fields cannot be used in filters/,
    );
  });

  it('rejects a dataset the group does not have, including CurrentUser', () => {
    expect(validate('INCLUDE ItemID WHERE Items.GENRE IN ("a") IF CurrentUser.AGE > 18')).toThrow(
      /CurrentUser\.AGE refers to the Users dataset, which the dataset group does not have/,
    );
  });

  it('rejects more than 20 distinct fields across the dataset group filters', () => {
    const tags = (from: number, to: number) => Array.from({ length: to - from }, (_, n) => `Items.TAG_${from + n} IN ("x")`).join(' AND ');
    const others = [`INCLUDE ItemID WHERE ${tags(0, 10)}`, `INCLUDE ItemID WHERE ${tags(10, 19)}`];
    // 19 fields used by other filters: one new field fits, two do not.
    expect(
      validate(`INCLUDE ItemID WHERE ${tags(19, 20)} AND Items.TAG_0 IN ("y")`, { ...CONTEXT, otherFilterExpressions: others }),
    ).not.toThrow();
    expect(validate(`INCLUDE ItemID WHERE ${tags(19, 21)}`, { ...CONTEXT, otherFilterExpressions: others })).toThrow(
      /would use 21 distinct dataset fields; at most 20 are allowed across all filters of a dataset group/,
    );
  });

  it('checks syntax only without a context', () => {
    expect(() => engine.validateFilterExpression('INCLUDE ItemID WHERE Items.COLOR IN ("red")')).not.toThrow();
  });
});
