import { describe, expect, it } from 'vitest';
import {
  compileFilter,
  FilterSyntaxError,
  parseFilterExpression,
  parseFilterValues,
  type FilterDataView,
} from '../../../packages/engine/src/filters';

type Row = Record<string, string | number>;

/** A small catalogue: categorical strings are `|`-separated as in the CSV files. */
const ITEMS: Record<string, Row> = {
  i1: { GENRE: 'Comedy|Drama', PRICE: 10, STUDIO: 'north' },
  i2: { GENRE: 'Action', PRICE: 25, STUDIO: 'south' },
  i3: { GENRE: 'Comedy', PRICE: 40, STUDIO: 'north' },
  i4: { GENRE: 'Horror', PRICE: '5', STUDIO: 'east' },
  i5: { GENRE: 'Drama' },
};
const USERS: Record<string, Row> = {
  u1: { AGE: 15, PLAN: 'free' },
  u2: { AGE: 30, PLAN: 'premium' },
  u3: { AGE: 45, PLAN: 'free' },
};
const INTERACTIONS: { userId: string; itemId: string; eventType: string }[] = [
  { userId: 'u1', itemId: 'i1', eventType: 'click' },
  { userId: 'u1', itemId: 'i2', eventType: 'Purchase' },
  { userId: 'u2', itemId: 'i3', eventType: 'stream' },
];
const ALL_ITEMS = Object.keys(ITEMS);
const ALL_USERS = Object.keys(USERS);

function split(value: string | number | undefined): (string | number)[] | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' ? [value] : value.split('|');
}

const data: FilterDataView = {
  itemValues: (itemId, field) => split(ITEMS[itemId]?.[field]),
  userValues: (userId, field) => split(USERS[userId]?.[field]),
  interactedItems: (userId, eventTypes) => {
    const wanted = eventTypes === '*' ? undefined : new Set(eventTypes.map((t) => t.toLowerCase()));
    return new Set(
      INTERACTIONS.filter((e) => e.userId === userId && (wanted === undefined || wanted.has(e.eventType.toLowerCase()))).map(
        (e) => e.itemId,
      ),
    );
  },
};

function allowedItems(
  expression: string,
  context: { userId?: string; currentItemId?: string } = {},
  filterValues?: Record<string, string>,
): string[] {
  const filter = compileFilter(parseFilterExpression(expression), filterValues);
  return ALL_ITEMS.filter((id) => filter.allows(id, { ...context, data }));
}

describe('Function: compileFilter', () => {
  it('returns only items the user interacted with for INCLUDE Interactions, event types case-insensitive', () => {
    expect(allowedItems('INCLUDE ItemID WHERE Interactions.EVENT_TYPE in ("CLICK", "stream")', { userId: 'u1' })).toEqual(['i1']);
  });

  it('returns every interacted item for the * event type', () => {
    expect(allowedItems('INCLUDE ItemID WHERE Interactions.EVENT_TYPE in ("*")', { userId: 'u1' })).toEqual(['i1', 'i2']);
  });

  it('removes purchased items for EXCLUDE Interactions and keeps everything for an unknown user', () => {
    const expression = 'EXCLUDE itemId WHERE INTERACTIONS.event_type in ("purchase")';
    expect(allowedItems(expression, { userId: 'u1' })).toEqual(['i1', 'i3', 'i4', 'i5']);
    expect(allowedItems(expression, { userId: 'nobody' })).toEqual(ALL_ITEMS);
  });

  it('matches categorical values split on | with IN, and NOT IN keeps items without the field', () => {
    expect(allowedItems('INCLUDE ItemID WHERE Items.GENRE IN ("Drama")')).toEqual(['i1', 'i5']);
    expect(allowedItems('INCLUDE ItemID WHERE Items.GENRE NOT IN ("Comedy", "Action")')).toEqual(['i4', 'i5']);
  });

  it('compares numbers, including numeric strings, and never matches items without the field', () => {
    expect(allowedItems('INCLUDE ItemID WHERE Items.PRICE < 25')).toEqual(['i1', 'i4']);
    expect(allowedItems('INCLUDE ItemID WHERE Items.PRICE >= 25')).toEqual(['i2', 'i3']);
    expect(allowedItems('INCLUDE ItemID WHERE Items.PRICE = 5')).toEqual(['i4']);
    expect(allowedItems('INCLUDE ItemID WHERE Items.PRICE != 10')).toEqual(['i2', 'i3', 'i4']);
    expect(allowedItems('INCLUDE ItemID WHERE Items.PRICE <= 10 OR Items.GENRE = "Action"')).toEqual(['i1', 'i2', 'i4']);
  });

  it('applies AND before OR', () => {
    expect(allowedItems('INCLUDE ItemID WHERE Items.GENRE IN ("Horror") OR Items.GENRE IN ("Comedy") AND Items.PRICE > 20')).toEqual([
      'i3',
      'i4',
    ]);
  });

  it('returns INCLUDE union minus EXCLUDE union for | chained expressions, in any order', () => {
    const a =
      'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click") | INCLUDE ItemID WHERE Items.GENRE IN ("Comedy") | INCLUDE ItemID WHERE Items.PRICE < 6';
    expect(allowedItems(a, { userId: 'u1' })).toEqual(['i3', 'i4']);
  });

  it('substitutes placeholder values for IN, = and range operators', () => {
    expect(allowedItems('INCLUDE ItemID WHERE Items.GENRE IN ($G)', {}, { G: '"Action","Horror"' })).toEqual(['i2', 'i4']);
    expect(allowedItems('INCLUDE ItemID WHERE Items.STUDIO = $S', {}, { S: '"north"' })).toEqual(['i1', 'i3']);
    expect(allowedItems('INCLUDE ItemID WHERE Items.PRICE <= $P', {}, { P: '25' })).toEqual(['i1', 'i2', 'i4']);
    expect(allowedItems('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ($E)', { userId: 'u2' }, { E: '"STREAM"' })).toEqual([
      'i1',
      'i2',
      'i4',
      'i5',
    ]);
  });

  it('drops an EXCLUDE condition whose placeholder value is omitted', () => {
    expect(allowedItems('EXCLUDE ItemID WHERE Items.GENRE IN ($G)')).toEqual(ALL_ITEMS);
    expect(allowedItems('EXCLUDE ItemID WHERE Items.GENRE IN ($G) AND Items.PRICE > 20')).toEqual(['i1', 'i4', 'i5']);
  });

  it('throws when an INCLUDE placeholder value is omitted', () => {
    const parsed = parseFilterExpression('INCLUDE ItemID WHERE Items.CATEGORY_L1 IN ($CATEGORY)');
    expect(() => compileFilter(parsed, {})).toThrow(FilterSyntaxError);
    expect(() => compileFilter(parsed)).toThrow(
      'Missing filterValues entry for $CATEGORY: an INCLUDE filter needs a value for every placeholder',
    );
  });

  it('throws for a non-numeric value of a range placeholder and for several values with =', () => {
    expect(() => compileFilter(parseFilterExpression('INCLUDE ItemID WHERE Items.PRICE < $P'), { P: '"cheap"' })).toThrow(
      'Invalid filterValues.P: < compares numbers; "cheap" is not a number',
    );
    expect(() => compileFilter(parseFilterExpression('INCLUDE ItemID WHERE Items.PRICE = $P'), { P: '1,2' })).toThrow(
      'Invalid filterValues.P: = takes one value, got 2',
    );
  });

  it('compares with the current item of a related-items request', () => {
    const expression = 'INCLUDE ItemID WHERE Items.PRICE > CurrentItem.PRICE AND Items.STUDIO IN CurrentItem.STUDIO';
    expect(allowedItems(expression, { currentItemId: 'i1' })).toEqual(['i3']);
    expect(allowedItems(expression)).toEqual([]);
    expect(compileFilter(parseFilterExpression(expression)).usesCurrentItem).toBe(true);
  });

  it('applies a statement only when its IF CurrentUser condition holds', () => {
    const expression = 'EXCLUDE ItemID WHERE Items.GENRE IN ("Horror") IF CurrentUser.AGE < 18';
    expect(allowedItems(expression, { userId: 'u1' })).toEqual(['i1', 'i2', 'i3', 'i5']);
    expect(allowedItems(expression, { userId: 'u2' })).toEqual(ALL_ITEMS);
    expect(allowedItems(expression)).toEqual(ALL_ITEMS);
    const withValue = 'EXCLUDE ItemID WHERE Items.GENRE IN ($G) IF CurrentUser.PLAN = $PLAN';
    expect(allowedItems(withValue, { userId: 'u3' }, { G: '"Comedy"', PLAN: '"free"' })).toEqual(['i2', 'i4', 'i5']);
    expect(allowedItems(withValue, { userId: 'u2' }, { G: '"Comedy"', PLAN: '"free"' })).toEqual(ALL_ITEMS);
  });

  it('filters users of a segment by Users fields and by their interactions', () => {
    const users = (expression: string, values?: Record<string, string>): string[] => {
      const filter = compileFilter(parseFilterExpression(expression), values);
      return ALL_USERS.filter((id) => filter.allows(id, { data }));
    };
    expect(users('INCLUDE UserID WHERE Users.PLAN IN ($PLAN)', { PLAN: '"free"' })).toEqual(['u1', 'u3']);
    expect(users('EXCLUDE UserID WHERE Users.AGE < $AGE', { AGE: '18' })).toEqual(['u2', 'u3']);
    expect(users('INCLUDE UserID WHERE Interactions.EVENT_TYPE IN ("click", "stream")')).toEqual(['u1', 'u2']);
  });

  it('returns the same answers from a bound predicate, calling interactedItems once per request', () => {
    // Prepare
    let calls = 0;
    const counting: FilterDataView = { ...data, interactedItems: (u, t) => ((calls += 1), data.interactedItems(u, t)) };
    const filter = compileFilter(parseFilterExpression('EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("*")'));

    // Act
    const allows = filter.bind({ userId: 'u1', data: counting });
    const kept = ALL_ITEMS.filter(allows);

    // Assess
    expect(kept).toEqual(['i3', 'i4', 'i5']);
    expect(calls).toBe(1);
    expect(filter.target).toBe('ItemID');
  });
});

describe('Function: parseFilterValues', () => {
  it('returns quoted and bare values', () => {
    expect(parseFilterValues({ A: '"a","b, c"', B: ' 25 ', C: "'x'" })).toEqual(
      new Map([
        ['A', ['a', 'b, c']],
        ['B', ['25']],
        ['C', ['x']],
      ]),
    );
  });

  it.each([
    [{ A: '"a' }, 'Invalid filterValues.A at character 3: unterminated string (missing closing ")'],
    [{ A: '"a" "b"' }, 'Invalid filterValues.A at character 5: expected , between values'],
    [{ A: '"a",' }, 'Invalid filterValues.A at character 5: expected a value after ,'],
    [{ A: '' }, 'Invalid filterValues.A at character 1: expected at least one value'],
    [{ A: 'a,,b' }, 'Invalid filterValues.A at character 3: empty value'],
  ])('rejects malformed filterValues %j', (values, message) => {
    expect(() => parseFilterValues(values)).toThrow(message);
  });

  it('rejects more than 25 keys', () => {
    const values = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`K${i}`, '"v"']));
    expect(() => parseFilterValues(values)).toThrow('Invalid filterValues: 26 keys; the maximum is 25');
  });
});
