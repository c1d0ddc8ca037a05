/**
 * The filter language's view of a dataset group (FilterDataView): Items/Users field values by id
 * (categorical strings split on `|`) and the items a user interacted with per event type, keeping
 * only the latest 100 interactions per event type as the service does.
 */
import type { DatasetGroup } from './data/group';
import { compileFilter, parseFilterExpression } from './filters';
import type { CompiledFilter, FilterDataView, FilterValue } from './filters';
import type { FilterRef } from './port';

const LATEST_PER_EVENT_TYPE = 100;

export class GroupFilterView implements FilterDataView {
  private readonly interacted = new Map<string, ReadonlySet<string>>();
  private readonly revision: number;

  constructor(private readonly group: DatasetGroup) {
    this.revision = group.revision;
  }

  /** True while the group has not changed since this view was made (so its memo is valid). */
  get fresh(): boolean {
    return this.revision === this.group.revision;
  }

  private values(type: 'ITEMS' | 'USERS', id: string, field: string): readonly FilterValue[] | undefined {
    const dict = type === 'ITEMS' ? this.group.items : this.group.users;
    const code = dict.lookup(id);
    if (code < 0) return undefined;
    const upper = field.toUpperCase();
    if (upper === (type === 'ITEMS' ? 'ITEM_ID' : 'USER_ID')) return [id];
    const value = this.group.recordValue(type, code, field);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return [String(value)];
    if (typeof value === 'number') return [value];
    return value.split('|');
  }

  itemValues(itemId: string, field: string): readonly FilterValue[] | undefined {
    return this.values('ITEMS', itemId, field);
  }

  userValues(userId: string, field: string): readonly FilterValue[] | undefined {
    return this.values('USERS', userId, field);
  }

  interactedItems(userId: string, eventTypes: readonly string[] | '*'): ReadonlySet<string> {
    const key = `${userId}\u0000${eventTypes === '*' ? '*' : eventTypes.map((t) => t.toLowerCase()).join('\u0000')}`;
    const memo = this.interacted.get(key);
    if (memo !== undefined) return memo;
    const out = new Set<string>();
    const t = this.group.table('INTERACTIONS');
    const userCode = this.group.users.lookup(userId);
    if (t !== undefined && userCode >= 0) {
      const typeCol = t.column('EVENT_TYPE');
      const items = t.codes('ITEM_ID');
      const wanted = eventTypes === '*' ? undefined : new Set(eventTypes.map((e) => e.toLowerCase()));
      const perType = new Map<string, number>();
      const rows = this.group.userRows(userCode);
      for (let p = rows.length - 1; p >= 0; p--) {
        const row = rows[p]!;
        const type =
          typeCol?.kind === 'code' && (typeCol.data[row] ?? -1) >= 0 ? typeCol.dict.decode(typeCol.data[row]!).toLowerCase() : '';
        if (wanted !== undefined && !wanted.has(type)) continue;
        const n = perType.get(type) ?? 0;
        if (n >= LATEST_PER_EVENT_TYPE) continue;
        perType.set(type, n + 1);
        const item = items[row] ?? -1;
        if (item >= 0) out.add(this.group.items.decode(item));
      }
    }
    this.interacted.set(key, out);
    return out;
  }
}

/** Compiled filters by expression and values; parsing is the costly part on hot paths. */
export class FilterCache {
  private readonly compiled = new Map<string, CompiledFilter>();

  get(ref: FilterRef): CompiledFilter {
    const key = `${ref.filterExpression}\u0000${JSON.stringify(ref.filterValues ?? {})}`;
    let f = this.compiled.get(key);
    if (f === undefined) {
      f = compileFilter(parseFilterExpression(ref.filterExpression), ref.filterValues);
      if (this.compiled.size > 500) this.compiled.clear();
      this.compiled.set(key, f);
    }
    return f;
  }
}
