import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareSchemas } from '@recops/core/ops';

const fieldName = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,11}$/);
const primitive = fc.constantFrom('string', 'int', 'long', 'float', 'double', 'boolean');
const field = fc.record({ name: fieldName, type: primitive, categorical: fc.option(fc.boolean(), { nil: undefined }) });
const fields = fc.uniqueArray(field, { minLength: 1, maxLength: 8, selector: (f) => f.name });

function record(list: readonly object[]) {
  return { type: 'record', name: 'Items', namespace: 'com.amazonaws.personalize.schema', fields: list };
}

describe('Function: compareSchemas (properties)', () => {
  it('returns same for any schema compared with a shuffled copy of itself', () => {
    fc.assert(
      fc.property(fields, fc.func(fc.integer()), (list, order) => {
        const shuffled = [...list].sort((a, b) => order(a.name) - order(b.name));
        expect(compareSchemas(record(list), record(shuffled))).toEqual({ kind: 'same' });
      }),
    );
  });

  it('reports exactly the added names when only nullable fields are added', () => {
    fc.assert(
      fc.property(fields, fc.uniqueArray(fieldName, { minLength: 1, maxLength: 4 }), (list, extra) => {
        const added = extra.filter((name) => !list.some((f) => f.name === name));
        fc.pre(added.length > 0);
        const desired = [...list, ...added.map((name) => ({ name, type: ['null', 'string'] }))];
        expect(compareSchemas(record(list), record(desired))).toEqual({ kind: 'added-optional', addedFields: added });
      }),
    );
  });

  it('names every removed field as incompatible', () => {
    fc.assert(
      fc.property(
        fields.filter((list) => list.length > 1),
        fc.nat(),
        (list, index) => {
          const removed = list[index % list.length];
          if (removed === undefined) return;
          const result = compareSchemas(record(list), record(list.filter((f) => f !== removed)));
          expect(result).toEqual({ kind: 'incompatible', differences: [`field ${removed.name} was removed`] });
        },
      ),
    );
  });
});
