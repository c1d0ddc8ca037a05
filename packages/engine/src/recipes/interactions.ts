/**
 * The training view of a dataset group's interactions: rows filtered by event type and event value
 * threshold, as parallel typed arrays, plus the sparse user×item matrix built from them.
 */
import type { DatasetGroup } from '../data/group';

export interface InteractionLog {
  readonly users: Int32Array;
  readonly items: Int32Array;
  readonly timestamps: Float64Array;
  readonly length: number;
  readonly nUsers: number;
  readonly nItems: number;
}

export interface EventSelection {
  /** Only these event types (case-insensitive); undefined = all. */
  readonly eventType?: string;
  /** Keep rows with EVENT_VALUE ≥ threshold (rows without a value are kept). */
  readonly eventValueThreshold?: number;
}

/** Row predicate for a selection over the group's interactions table. */
export function rowSelector(group: DatasetGroup, sel: EventSelection): (row: number) => boolean {
  const t = group.table('INTERACTIONS');
  if (t === undefined) return () => false;
  const typeCol = t.column('EVENT_TYPE');
  const values = t.numbers('EVENT_VALUE');
  let typeCodes: Set<number> | undefined;
  if (sel.eventType !== undefined && typeCol?.kind === 'code') {
    const wanted = sel.eventType.toLowerCase();
    typeCodes = new Set(typeCol.dict.values.flatMap((v, i) => (v.toLowerCase() === wanted ? [i] : [])));
  } else if (sel.eventType !== undefined) typeCodes = new Set();
  const threshold = sel.eventValueThreshold;
  return (row) => {
    if (typeCodes !== undefined && typeCol?.kind === 'code' && !typeCodes.has(typeCol.data[row] ?? -1)) return false;
    if (typeCodes !== undefined && typeCol === undefined) return false;
    if (threshold !== undefined && values !== undefined) {
      const v = values[row] ?? Number.NaN;
      if (!Number.isNaN(v) && v < threshold) return false;
    }
    return true;
  };
}

export function selectInteractions(group: DatasetGroup, sel: EventSelection): InteractionLog {
  const t = group.table('INTERACTIONS');
  if (t === undefined) {
    return {
      users: new Int32Array(0),
      items: new Int32Array(0),
      timestamps: new Float64Array(0),
      length: 0,
      nUsers: group.users.size,
      nItems: group.items.size,
    };
  }
  const keep = rowSelector(group, sel);
  const u = t.codes('USER_ID');
  const i = t.codes('ITEM_ID');
  const ts = t.numbers('TIMESTAMP') ?? new Float64Array(t.length);
  const users = new Int32Array(t.length);
  const items = new Int32Array(t.length);
  const timestamps = new Float64Array(t.length);
  let n = 0;
  for (let r = 0; r < t.length; r++) {
    if ((i[r] ?? -1) < 0 || !keep(r)) continue;
    users[n] = u[r]!;
    items[n] = i[r]!;
    timestamps[n] = ts[r]!;
    n++;
  }
  return {
    users: users.subarray(0, n),
    items: items.subarray(0, n),
    timestamps: timestamps.subarray(0, n),
    length: n,
    nUsers: group.users.size,
    nItems: group.items.size,
  };
}

/** Compressed sparse rows: row r's entries are idx/val[ptr[r] .. ptr[r+1]). */
export interface Csr {
  readonly ptr: Int32Array;
  readonly idx: Int32Array;
  readonly val: Float32Array;
  readonly nRows: number;
}

/**
 * User×item matrix of interaction counts (duplicates summed), then its transpose.
 * `include(k)` can drop log entries (e.g. held-out test targets).
 */
export function buildMatrix(log: InteractionLog, include?: (k: number) => boolean): { byUser: Csr; byItem: Csr } {
  const { nUsers, nItems } = log;
  const ptr = new Int32Array(nUsers + 1);
  for (let k = 0; k < log.length; k++) if (include === undefined || include(k)) ptr[log.users[k]! + 1]!++;
  for (let u = 0; u < nUsers; u++) ptr[u + 1]! += ptr[u]!;
  const fill = ptr.slice(0, nUsers);
  const raw = new Int32Array(ptr[nUsers]!);
  for (let k = 0; k < log.length; k++) if (include === undefined || include(k)) raw[fill[log.users[k]!]!++] = log.items[k]!;
  // Sort each user's items and merge duplicates into counts.
  const uptr = new Int32Array(nUsers + 1);
  const idx = new Int32Array(raw.length);
  const val = new Float32Array(raw.length);
  let w = 0;
  for (let u = 0; u < nUsers; u++) {
    const seg = raw.subarray(ptr[u]!, ptr[u + 1]!).sort();
    let prev = -1;
    for (let p = 0; p < seg.length; p++) {
      const it = seg[p]!;
      if (it === prev) val[w - 1]!++;
      else {
        idx[w] = it;
        val[w] = 1;
        w++;
        prev = it;
      }
    }
    uptr[u + 1] = w;
  }
  const byUser: Csr = { ptr: uptr, idx: idx.slice(0, w), val: val.slice(0, w), nRows: nUsers };
  return { byUser, byItem: transpose(byUser, nItems) };
}

function transpose(m: Csr, nCols: number): Csr {
  const ptr = new Int32Array(nCols + 1);
  for (let p = 0; p < m.idx.length; p++) ptr[m.idx[p]! + 1]!++;
  for (let c = 0; c < nCols; c++) ptr[c + 1]! += ptr[c]!;
  const fill = ptr.slice(0, nCols);
  const idx = new Int32Array(m.idx.length);
  const val = new Float32Array(m.idx.length);
  for (let r = 0; r < m.nRows; r++) {
    for (let p = m.ptr[r]!; p < m.ptr[r + 1]!; p++) {
      const c = m.idx[p]!;
      const q = fill[c]!++;
      idx[q] = r;
      val[q] = m.val[p]!;
    }
  }
  return { ptr, idx, val, nRows: nCols };
}

/** Interaction counts per item over a log. */
export function itemCounts(log: InteractionLog, include?: (k: number) => boolean): Float32Array {
  const counts = new Float32Array(log.nItems);
  for (let k = 0; k < log.length; k++) if (include === undefined || include(k)) counts[log.items[k]!]!++;
  return counts;
}
