import { describe, expect, it } from 'vitest';
import { compareSchemas } from '@recops/core/ops';

const base = {
  type: 'record',
  name: 'Users',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'AGE', type: 'int' },
    { name: 'GENDER', type: 'string', categorical: true },
  ],
  version: '1.0',
};

describe('Function: compareSchemas', () => {
  it('returns same for an identical definition in another key and field order', () => {
    // Prepare
    const reordered = { version: '1.0', fields: [...base.fields].reverse(), namespace: base.namespace, name: 'Users', type: 'record' };

    // Act & Assess
    expect(compareSchemas(JSON.stringify(base), reordered)).toEqual({ kind: 'same' });
  });

  it('treats union members as a set', () => {
    const a = { ...base, fields: [...base.fields, { name: 'CITY', type: ['null', 'string'] }] };
    const b = { ...base, fields: [...base.fields, { name: 'CITY', type: ['string', 'null'] }] };
    expect(compareSchemas(a, b)).toEqual({ kind: 'same' });
  });

  it('returns added-optional when only nullable fields are added', () => {
    const desired = { ...base, fields: [...base.fields, { name: 'CITY', type: ['null', 'string'], categorical: true }] };
    expect(compareSchemas(base, desired)).toEqual({ kind: 'added-optional', addedFields: ['CITY'] });
  });

  it('names every changed field when the change is incompatible', () => {
    // Prepare
    const desired = {
      ...base,
      fields: [
        { name: 'USER_ID', type: 'string' },
        { name: 'AGE', type: 'string' },
        { name: 'INCOME', type: 'float' },
      ],
    };

    // Act
    const result = compareSchemas(base, desired);

    // Assess
    expect(result.kind).toBe('incompatible');
    expect(result.kind === 'incompatible' && result.differences).toEqual([
      'field AGE: type "int" changed to "string"',
      'field GENDER was removed',
      'field INCOME was added as required (type "float"); only optional fields (a union with "null") can be added',
    ]);
  });

  it('reports a changed field attribute such as categorical', () => {
    const desired = { ...base, fields: base.fields.map((f) => (f.name === 'GENDER' ? { name: 'GENDER', type: 'string' } : f)) };
    const result = compareSchemas(base, desired);
    expect(result).toEqual({ kind: 'incompatible', differences: ['field GENDER: categorical true changed to null'] });
  });

  it('throws a clear error for a definition that is not an Avro record', () => {
    expect(() => compareSchemas('{"type":"record"}', base)).toThrow(/must be an Avro record with a "fields" array/);
  });
});
