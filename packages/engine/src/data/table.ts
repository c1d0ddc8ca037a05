/**
 * Columnar tables: numbers in Float64Array (NaN = null), booleans in Uint8Array (2 = null) and
 * strings as Int32Array codes into a Dictionary (-1 = null). USER_ID / ITEM_ID columns share the
 * dataset group's dictionaries, so codes line up across Interactions, Items and Users and with models.
 */
import { Dictionary } from './dictionary';
import type { FieldSpec } from './schema';

export type CellValue = string | number | boolean | null;

export type Column =
  | { readonly kind: 'num'; data: Float64Array }
  | { readonly kind: 'bool'; data: Uint8Array }
  | { readonly kind: 'code'; data: Int32Array; readonly dict: Dictionary };

function grow<T extends Float64Array | Uint8Array | Int32Array>(data: T, capacity: number): T {
  if (data.length >= capacity) return data;
  const next = new (data.constructor as new (n: number) => T)(Math.max(capacity, data.length * 2, 1024));
  next.set(data);
  return next;
}

export class Table {
  length = 0;
  readonly columns: Column[];

  constructor(
    readonly fields: readonly FieldSpec[],
    /** Shared dictionaries by field name (upper case), e.g. USER_ID → the group's user dictionary. */
    shared: Readonly<Record<string, Dictionary>> = {},
    capacity = 1024,
  ) {
    this.columns = fields.map((f): Column => {
      if (f.kind === 'string') {
        return { kind: 'code', data: new Int32Array(capacity), dict: shared[f.name.toUpperCase()] ?? new Dictionary() };
      }
      if (f.kind === 'boolean') return { kind: 'bool', data: new Uint8Array(capacity) };
      return { kind: 'num', data: new Float64Array(capacity) };
    });
  }

  fieldIndex(name: string): number {
    const upper = name.toUpperCase();
    return this.fields.findIndex((f) => f.name.toUpperCase() === upper);
  }

  column(name: string): Column | undefined {
    const i = this.fieldIndex(name);
    return i < 0 ? undefined : this.columns[i];
  }

  /** Typed view of a code column's first `length` entries. */
  codes(name: string): Int32Array {
    const c = this.column(name);
    if (c === undefined || c.kind !== 'code') throw new Error(`no string column ${name}`);
    return c.data.subarray(0, this.length);
  }

  numbers(name: string): Float64Array | undefined {
    const c = this.column(name);
    return c?.kind === 'num' ? c.data.subarray(0, this.length) : undefined;
  }

  ensureCapacity(rows: number): void {
    for (const c of this.columns) c.data = grow(c.data, rows);
  }

  /** Appends one row of already-validated values, in field order. */
  append(values: readonly CellValue[]): number {
    const row = this.length;
    this.ensureCapacity(row + 1);
    this.columns.forEach((c, i) => {
      const v = values[i] ?? null;
      if (c.kind === 'code') c.data[row] = v === null ? -1 : c.dict.encode(String(v));
      else if (c.kind === 'bool') c.data[row] = v === null ? 2 : v === true ? 1 : 0;
      else c.data[row] = v === null ? Number.NaN : Number(v);
    });
    this.length = row + 1;
    return row;
  }

  get(row: number, col: number): CellValue {
    const c = this.columns[col];
    if (c === undefined || row >= this.length) return null;
    if (c.kind === 'code') {
      const code = c.data[row] ?? -1;
      return code < 0 ? null : c.dict.decode(code);
    }
    if (c.kind === 'bool') {
      const b = c.data[row];
      return b === 2 ? null : b === 1;
    }
    const n = c.data[row] ?? Number.NaN;
    return Number.isNaN(n) ? null : n;
  }

  /** Appends every row of `other` (same fields, by name); shared-dictionary columns copy codes directly. */
  appendTable(other: Table): void {
    const start = this.length;
    const n = other.length;
    this.ensureCapacity(start + n);
    this.columns.forEach((c, ci) => {
      const j = other.fieldIndex(this.fields[ci]!.name);
      const src = j < 0 ? undefined : other.columns[j];
      if (src === undefined) {
        if (c.kind === 'code') c.data.fill(-1, start, start + n);
        else if (c.kind === 'bool') c.data.fill(2, start, start + n);
        else c.data.fill(Number.NaN, start, start + n);
      } else if (c.kind === 'code' && src.kind === 'code') {
        if (c.dict === src.dict) c.data.set(src.data.subarray(0, n), start);
        else for (let r = 0; r < n; r++) c.data[start + r] = src.data[r]! < 0 ? -1 : c.dict.encode(src.dict.decode(src.data[r]!));
      } else if (c.kind === src.kind) {
        (c.data as Float64Array | Uint8Array).set(src.data.subarray(0, n) as Float64Array & Uint8Array, start);
      } else {
        for (let r = 0; r < n; r++) {
          const v = other.get(r, j);
          if (c.kind === 'code') c.data[start + r] = v === null ? -1 : c.dict.encode(String(v));
          else if (c.kind === 'bool') c.data[start + r] = v === null ? 2 : v === true ? 1 : 0;
          else c.data[start + r] = v === null ? Number.NaN : Number(v);
        }
      }
    });
    this.length = start + n;
  }
}
