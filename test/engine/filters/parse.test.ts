import { describe, expect, it } from 'vitest';
import { EngineInputError } from '@recops/engine';
import { FilterSyntaxError, parseFilterExpression } from '../../../packages/engine/src/filters';

/** Every filter expression in the parameter-file fixtures (copied verbatim, source in the comment). */
const FIXTURE_EXPRESSIONS = [
  // mpe/sample_config.json, mpe/sample_config_wtags.json, seed-examples/mpe-sample-full.json
  'INCLUDE ItemID WHERE Interactions.EVENT_TYPE in ("click", "stream")',
  'INCLUDE ItemID WHERE Interactions.EVENT_TYPE in ("*")',
  // mpe/sample_config_root_tags.json
  "INCLUDE ItemID WHERE Interactions.EVENT_TYPE in ('click', 'stream')",
  // cdk/input_retail.json
  'EXCLUDE itemId WHERE INTERACTIONS.event_type in ("Purchase")',
  'INCLUDE ItemID WHERE Items.CATEGORY_L1 IN ($CATEGORY)',
  // cdk/input_media.json, cdk/input_media_custom.json
  'INCLUDE ItemID WHERE Interactions.event_type IN ("Watch")',
  'EXCLUDE ItemID WHERE Interactions.event_type IN ("Watch")',
];

/** Examples from the Personalize developer guide (item, user-segment and action filter pages). */
const GUIDE_EXPRESSIONS = [
  'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ($EVENT_TYPE)',
  'INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE AND Items.GENRE IN CurrentItem.GENRE',
  'EXCLUDE ItemID WHERE Items.CATEGORY_L1 IN ("shoe") AND Items.CATEGORY_L2 NOT IN ("boot")',
  'INCLUDE ItemID WHERE Items.PRICE <= $PRICE',
  'INCLUDE ItemID WHERE Items.CREATION_TIMESTAMP < $DATE',
  'INCLUDE ItemID WHERE Items.PRICE < CurrentItem.PRICE AND Items.CREATION_TIMESTAMP > $DATE',
  'EXCLUDE ItemID WHERE Items.GENRE IN ($GENRE) IF CurrentUser.AGE = $AGE',
  'INCLUDE UserID WHERE Users.MEMBERSHIP_STATUS IN ($MEMBERSHIP)',
  'EXCLUDE UserID WHERE Users.AGE < $AGE',
  'INCLUDE UserID WHERE Interactions.EVENT_TYPE IN ("click", "rating")',
  'INCLUDE ItemID WHERE Items.GENRE IN ("Comedy") | EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("watch")',
  'INCLUDE ActionID WHERE Actions.VALUE > 10',
  'INCLUDE ItemID WHERE Items.PRICE != 0 OR Items.GENRE = "Free"',
];

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('Function: parseFilterExpression', () => {
  it.each(FIXTURE_EXPRESSIONS)('parses the fixture filter %s', (expression) => {
    // Act
    const parsed = parseFilterExpression(expression);

    // Assess
    expect(parsed.statements.length).toBe(1);
    expect(parsed.target).toBe('ItemID');
  });

  it.each(GUIDE_EXPRESSIONS)('parses the documented filter %s', (expression) => {
    expect(() => parseFilterExpression(expression)).not.toThrow();
  });

  it('returns keywords, targets and datasets normalised regardless of case', () => {
    // Act
    const parsed = parseFilterExpression('exclude itemId where INTERACTIONS.event_type in ("Purchase")');

    // Assess
    expect(parsed.statements).toEqual([
      {
        action: 'EXCLUDE',
        target: 'ItemID',
        dataset: 'Interactions',
        where: [
          [{ dataset: 'Interactions', field: 'EVENT_TYPE', operator: 'IN', operand: { kind: 'list', values: ['Purchase'] }, position: 22 }],
        ],
      },
    ]);
  });

  it('returns AND groups inside OR alternatives (AND binds tighter)', () => {
    // Act
    const parsed = parseFilterExpression('INCLUDE ItemID WHERE Items.A IN ("1") OR Items.B IN ("2") AND Items.C > 3');

    // Assess
    const where = parsed.statements[0]?.where ?? [];
    expect(where.map((group) => group.map((c) => c.field))).toEqual([['A'], ['B', 'C']]);
  });

  it('returns placeholders in order of first use and the trailing IF on the last statement', () => {
    // Act
    const parsed = parseFilterExpression(
      'INCLUDE ItemID WHERE Items.GENRE IN ($GENRE) | EXCLUDE ItemID WHERE Items.RATING IN ($RATING) AND Items.GENRE IN ($GENRE) IF CurrentUser.AGE < 18 AND CurrentUser.PLAN = $PLAN',
    );

    // Assess
    expect(parsed.placeholders).toEqual(['GENRE', 'RATING', 'PLAN']);
    expect(parsed.statements[0]?.when).toBeUndefined();
    expect(parsed.statements[1]?.when?.map((c) => `${c.dataset}.${c.field} ${c.operator}`)).toEqual([
      'CurrentUser.AGE <',
      'CurrentUser.PLAN =',
    ]);
  });

  it('throws a FilterSyntaxError that is an EngineInputError with position and token', () => {
    // Act
    let caught: unknown;
    try {
      parseFilterExpression('INCLUDE ItemID WHER Items.GENRE IN ("a")');
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(FilterSyntaxError);
    expect(caught).toBeInstanceOf(EngineInputError);
    expect(caught).toMatchObject({ name: 'FilterSyntaxError', position: 16, token: 'WHER' });
  });

  const invalid: [string, string][] = [
    ['', 'Invalid filter expression: it must not be empty (1 to 2,500 characters)'],
    ['INCLUDE ItemID WHER Items.GENRE IN ("a")', 'Invalid filter expression at position 16 near "WHER": expected WHERE'],
    ['SELECT ItemID WHERE Items.GENRE IN ("a")', 'Invalid filter expression at position 1 near "SELECT": expected INCLUDE or EXCLUDE'],
    [
      'INCLUDE Items WHERE Items.GENRE IN ("a")',
      'Invalid filter expression at position 9 near "Items": expected ItemID, UserID or ActionID after INCLUDE',
    ],
    [
      'INCLUDE ItemID WHERE Genres.X IN ("a")',
      'Invalid filter expression at position 22 near "Genres": expected a dataset: Items, Users, Interactions or Actions',
    ],
    [
      'INCLUDE ItemID WHERE Items GENRE IN ("a")',
      'Invalid filter expression at position 28 near "GENRE": expected . and a field name after the dataset',
    ],
    [
      'INCLUDE ItemID WHERE Items.GENRE LIKE ("a")',
      'Invalid filter expression at position 34 near "LIKE": expected an operator: IN, NOT IN, =, !=, <, <=, > or >=',
    ],
    ['INCLUDE ItemID WHERE Items.GENRE NOT ("a")', 'Invalid filter expression at position 38 near "(": expected IN after NOT'],
    [
      'INCLUDE ItemID WHERE Items.GENRE IN "a"',
      'Invalid filter expression at position 37 near ""a"": expected ( and a list of values, a $PLACEHOLDER or CurrentItem.FIELD after IN',
    ],
    [
      'INCLUDE ItemID WHERE Items.GENRE IN ("a" "b")',
      'Invalid filter expression at position 42 near ""b"": expected , or ) in the list of values',
    ],
    [
      'INCLUDE ItemID WHERE Items.GENRE IN ("a", $B)',
      'Invalid filter expression at position 43 near "$B": a placeholder stands alone in its list, e.g. IN ($GENRES)',
    ],
    [
      'INCLUDE ItemID WHERE Items.GENRE IN ("a)',
      'Invalid filter expression at position 38 near ""a)": unterminated string (missing closing ")',
    ],
    [
      'INCLUDE ItemID WHERE Items.GENRE IN ("a") AND',
      'Invalid filter expression at position 46 near the end of the expression: expected a dataset field such as Items.GENRE or Interactions.EVENT_TYPE',
    ],
    [
      'INCLUDE ItemID WHERE Items.GENRE IN ("a") ORDER BY x',
      'Invalid filter expression at position 43 near "ORDER": expected AND, OR, IF, | or the end of the expression',
    ],
    [
      'INCLUDE ItemID WHERE Items.GENRE IN ("a") AND Interactions.EVENT_TYPE IN ("click")',
      'Invalid filter expression at position 47 near "Interactions": conditions joined with AND/OR must use the first condition\'s dataset (Items); join other datasets with |',
    ],
    [
      'INCLUDE ItemID WHERE Users.AGE > 18',
      'Invalid filter expression at position 22 near "Users": ItemID filters can use Items or Interactions, not Users',
    ],
    [
      'INCLUDE UserID WHERE Items.GENRE IN ("a")',
      'Invalid filter expression at position 22 near "Items": UserID filters can use Users or Interactions, not Items',
    ],
    [
      'INCLUDE ItemID WHERE Interactions.EVENT_VALUE > 3',
      'Invalid filter expression at position 35 near "EVENT_VALUE": Interactions can be filtered on EVENT_TYPE only',
    ],
    [
      'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE NOT IN ("click")',
      'Invalid filter expression at position 46 near "NOT": Interactions.EVENT_TYPE supports IN only',
    ],
    [
      'INCLUDE ItemID WHERE Items.GENRE IN ("*")',
      'Invalid filter expression at position 34 near "IN": * may be used only with Interactions.EVENT_TYPE',
    ],
    [
      'INCLUDE ItemID WHERE Items.GENRE NOT IN ($G)',
      'Invalid filter expression at position 41 near "(": a placeholder can be used only with IN, =, <, <=, > or >=, not NOT IN',
    ],
    [
      'INCLUDE ItemID WHERE Items.PRICE != $P',
      'Invalid filter expression at position 37 near "$P": a placeholder can be used only with IN, =, <, <=, > or >=, not !=',
    ],
    [
      'INCLUDE ItemID WHERE Items.PRICE < "cheap"',
      'Invalid filter expression at position 36 near ""cheap"": < compares numbers; expected a number',
    ],
    [
      'INCLUDE ItemID WHERE Items.PRICE < CurrentUser.AGE',
      'Invalid filter expression at position 36 near "CurrentUser": expected a value after <',
    ],
    [
      'INCLUDE ItemID WHERE CurrentUser.AGE > 18',
      'Invalid filter expression at position 22 near "CurrentUser": CurrentUser may appear only in the IF condition at the end of the expression',
    ],
    [
      'INCLUDE ItemID WHERE CurrentItem.PRICE > 18',
      'Invalid filter expression at position 22 near "CurrentItem": CurrentItem may appear only on the right of an operator, e.g. Items.PRICE < CurrentItem.PRICE',
    ],
    [
      'INCLUDE UserID WHERE Users.AGE < CurrentItem.AGE',
      'Invalid filter expression at position 34 near "CurrentItem": CurrentItem can be compared only with an Items field of an ItemID filter',
    ],
    [
      'INCLUDE ItemID WHERE Items.A IN ("x") IF Items.B IN ("y")',
      'Invalid filter expression at position 42 near "Items": expected CurrentUser.FIELD after IF',
    ],
    [
      'INCLUDE ItemID WHERE Items.A IN ("x") IF CurrentUser.B IN ("y") OR CurrentUser.C > 1',
      'Invalid filter expression at position 65 near "OR": IF conditions can be joined with AND only',
    ],
    [
      'INCLUDE ItemID WHERE Items.A IN ("x") IF CurrentUser.B > 1 | EXCLUDE ItemID WHERE Items.C IN ("z")',
      'Invalid filter expression at position 60 near "|": IF may appear only once, at the end of the expression',
    ],
    [
      'INCLUDE ItemID WHERE Items.A IN ("x") | EXCLUDE UserID WHERE Users.C IN ("z")',
      'Invalid filter expression at position 49 near "UserID": every expression joined with | must filter the same element (ItemID)',
    ],
    ['INCLUDE ItemID WHERE Items.A IN ("x") ; DROP', 'Invalid filter expression at position 39 near ";": unexpected character'],
    [
      'INCLUDE ItemID WHERE Items.A IN ($)',
      'Invalid filter expression at position 34 near "$": a placeholder is $ followed by letters, digits or underscores',
    ],
  ];

  it.each(invalid)('rejects %j with the position and offending token', (expression, message) => {
    // Act
    const caught = captureError(() => parseFilterExpression(expression));

    // Assess
    expect(caught).toBeInstanceOf(FilterSyntaxError);
    expect((caught as Error).message).toBe(message);
  });

  it('rejects an expression longer than 2,500 characters and accepts exactly 2,500', () => {
    // Prepare
    const base = 'INCLUDE ItemID WHERE Items.GENRE IN ("';
    const fill = (length: number): string => `${base}${'a'.repeat(length - base.length - 2)}")`;

    // Act / Assess
    expect(parseFilterExpression(fill(2500)).expression.length).toBe(2500);
    expect(() => parseFilterExpression(fill(2501))).toThrow('Invalid filter expression: it has 2501 characters; the maximum is 2,500');
  });

  it('rejects a filter using more than 10 distinct fields', () => {
    // Prepare
    const conditions = Array.from({ length: 11 }, (_, i) => `Items.F${i} IN ("x")`).join(' AND ');

    // Act / Assess
    expect(() => parseFilterExpression(`INCLUDE ItemID WHERE ${conditions}`)).toThrow(
      /near "F10": a filter can use at most 10 distinct fields/,
    );
  });
});
