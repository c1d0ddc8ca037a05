/**
 * Everything the engine holds for one dataset group: the shared id dictionaries, one Table per
 * dataset type, and indexes derived from them (latest row per item/user, rows per user).
 */
import { Dictionary } from './dictionary';
import type { FieldSpec } from './schema';
import { Table } from './table';
import type { CellValue } from './table';
import type { DatasetType } from '../port';

export interface DatasetInfo {
  readonly datasetArn: string;
  readonly schema: string;
  readonly fields: readonly FieldSpec[];
}

/** Interactions table fields used when events arrive before any import defined a schema. */
const DEFAULT_INTERACTION_FIELDS: readonly FieldSpec[] = [
  { name: 'USER_ID', kind: 'string', nullable: false, categorical: false, textual: false },
  { name: 'ITEM_ID', kind: 'string', nullable: false, categorical: false, textual: false },
  { name: 'TIMESTAMP', kind: 'long', nullable: false, categorical: false, textual: false },
  { name: 'EVENT_TYPE', kind: 'string', nullable: true, categorical: false, textual: false },
  { name: 'EVENT_VALUE', kind: 'float', nullable: true, categorical: false, textual: false },
];

export class DatasetGroup {
  readonly users: Dictionary;
  readonly items: Dictionary;
  readonly datasets = new Map<DatasetType, DatasetInfo>();
  readonly tables = new Map<DatasetType, Table>();
  /** Bumped on every change; models and caches compare it to know whether data moved. */
  revision = 0;
  private userRowsIndex: { builtAt: number; ptr: Int32Array; rows: Int32Array } | undefined;
  private latestRow = new Map<DatasetType, { builtAt: number; byCode: Map<number, number> }>();

  constructor(
    readonly datasetGroupArn: string,
    users: readonly string[] = [],
    items: readonly string[] = [],
  ) {
    this.users = new Dictionary(users);
    this.items = new Dictionary(items);
  }

  /** Shared dictionaries by field name, for building tables of this group. */
  sharedDictionaries(type: DatasetType): Record<string, Dictionary> {
    if (type === 'ITEMS') return { ITEM_ID: this.items };
    if (type === 'USERS') return { USER_ID: this.users };
    return { USER_ID: this.users, ITEM_ID: this.items };
  }

  newTable(type: DatasetType, fields: readonly FieldSpec[], capacity = 1024): Table {
    return new Table(fields, this.sharedDictionaries(type), capacity);
  }

  table(type: DatasetType): Table | undefined {
    return this.tables.get(type);
  }

  /** The table for `type`, created with the dataset's schema (or defaults for interactions). */
  tableForWrites(type: DatasetType): Table {
    let t = this.tables.get(type);
    if (t === undefined) {
      const fields =
        this.datasets.get(type)?.fields ??
        (type === 'INTERACTIONS'
          ? DEFAULT_INTERACTION_FIELDS
          : [{ name: type === 'USERS' ? 'USER_ID' : 'ITEM_ID', kind: 'string', nullable: false, categorical: false, textual: false }]);
      t = this.newTable(type, fields);
      this.tables.set(type, t);
    }
    return t;
  }

  replaceTable(type: DatasetType, table: Table): void {
    this.tables.set(type, table);
    this.rowsChanged();
  }

  /** Rows were replaced or bulk-appended: derived indexes must be rebuilt (puts only append, and are tracked). */
  rowsChanged(): void {
    this.userRowsIndex = undefined;
    this.latestRow.clear();
    this.touch();
  }

  touch(): void {
    this.revision++;
  }

  /** Row indexes of a user's interactions, oldest first by insertion (sorted by TIMESTAMP). */
  userRows(userCode: number): number[] {
    const t = this.tables.get('INTERACTIONS');
    if (t === undefined || userCode < 0) return [];
    let idx = this.userRowsIndex;
    // Rows appended after the index was built (PutEvents) are scanned; rebuild when that tail grows.
    if (idx === undefined || idx.builtAt > t.length || t.length - idx.builtAt > 20_000 || idx.ptr.length - 1 < this.users.size) {
      idx = this.buildUserRows(t);
    }
    const out: number[] = [];
    const start = idx.ptr[userCode] ?? 0;
    const end = idx.ptr[userCode + 1] ?? start;
    for (let p = start; p < end; p++) out.push(idx.rows[p] ?? 0);
    const users = t.codes('USER_ID');
    for (let r = idx.builtAt; r < t.length; r++) if (users[r] === userCode) out.push(r);
    const ts = t.numbers('TIMESTAMP');
    if (ts !== undefined) out.sort((a, b) => (ts[a] ?? 0) - (ts[b] ?? 0) || a - b);
    return out;
  }

  private buildUserRows(t: Table): { builtAt: number; ptr: Int32Array; rows: Int32Array } {
    const users = t.codes('USER_ID');
    const ptr = new Int32Array(this.users.size + 1);
    for (let r = 0; r < t.length; r++) ptr[(users[r] ?? 0) + 1]!++;
    for (let u = 0; u < this.users.size; u++) ptr[u + 1]! += ptr[u]!;
    const fill = ptr.slice(0, this.users.size);
    const rows = new Int32Array(t.length);
    for (let r = 0; r < t.length; r++) rows[fill[users[r] ?? 0]!++] = r;
    this.userRowsIndex = { builtAt: t.length, ptr, rows };
    return this.userRowsIndex;
  }

  /** Latest row of an item (ITEMS) or user (USERS) record, or -1. */
  latestRecordRow(type: 'ITEMS' | 'USERS', code: number): number {
    const t = this.tables.get(type);
    if (t === undefined) return -1;
    let cached = this.latestRow.get(type);
    if (cached === undefined || cached.builtAt !== t.length) {
      const ids = t.codes(type === 'ITEMS' ? 'ITEM_ID' : 'USER_ID');
      const byCode = new Map<number, number>();
      for (let r = 0; r < t.length; r++) byCode.set(ids[r] ?? -1, r);
      cached = { builtAt: t.length, byCode };
      this.latestRow.set(type, cached);
    }
    return cached.byCode.get(code) ?? -1;
  }

  /** A record's field value (ITEMS/USERS), or undefined when the record or field is unknown. */
  recordValue(type: 'ITEMS' | 'USERS', code: number, field: string): CellValue | undefined {
    const t = this.tables.get(type);
    const row = this.latestRecordRow(type, code);
    if (t === undefined || row < 0) return undefined;
    const col = t.fieldIndex(field);
    return col < 0 ? undefined : t.get(row, col);
  }

  /** Distinct item codes present in Interactions or Items rows (for the coverage metric). */
  catalogItemCodes(): Set<number> {
    const out = new Set<number>();
    for (const type of ['INTERACTIONS', 'ITEMS'] as const) {
      const t = this.tables.get(type);
      if (t === undefined) continue;
      const ids = t.codes('ITEM_ID');
      for (let r = 0; r < ids.length; r++) if ((ids[r] ?? -1) >= 0) out.add(ids[r]!);
    }
    return out;
  }
}
