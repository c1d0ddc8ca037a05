/** The parsed form of a filter expression. Plain data, so it can be cached and compared. */

export const FilterTarget = { item: 'ItemID', user: 'UserID', action: 'ActionID' } as const;
export type FilterTarget = (typeof FilterTarget)[keyof typeof FilterTarget];

export const FilterDataset = {
  items: 'Items',
  users: 'Users',
  interactions: 'Interactions',
  actions: 'Actions',
} as const;
export type FilterDataset = (typeof FilterDataset)[keyof typeof FilterDataset];

export const FilterOperator = {
  in: 'IN',
  notIn: 'NOT IN',
  eq: '=',
  ne: '!=',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
} as const;
export type FilterOperator = (typeof FilterOperator)[keyof typeof FilterOperator];

export type FilterOperand =
  /** `("a", "b")`: strings as written (numbers keep their text). */
  | { readonly kind: 'list'; readonly values: readonly string[] }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  /** `$NAME` (case-sensitive name, without `$`); `(…)` around it is optional for IN. */
  | { readonly kind: 'placeholder'; readonly name: string }
  /** `CurrentItem.FIELD`: a field of the item a related-items request is about. */
  | { readonly kind: 'currentItem'; readonly field: string };

export interface FilterCondition {
  /** `CurrentUser` only in an IF clause. */
  readonly dataset: FilterDataset | 'CurrentUser';
  /** As written; `EVENT_TYPE` is upper-cased for Interactions. */
  readonly field: string;
  readonly operator: FilterOperator;
  readonly operand: FilterOperand;
  /** 1-based position of the condition in the expression. */
  readonly position: number;
}

export interface FilterStatement {
  readonly action: 'INCLUDE' | 'EXCLUDE';
  readonly target: FilterTarget;
  /** The dataset every WHERE condition uses (AND/OR stay within the first condition's dataset). */
  readonly dataset: FilterDataset;
  /** OR of AND-groups (AND binds tighter than OR). */
  readonly where: readonly (readonly FilterCondition[])[];
  /** Trailing `IF CurrentUser.X … [AND …]`: the statement applies only when all hold. */
  readonly when?: readonly FilterCondition[];
}

export interface FilterExpression {
  readonly expression: string;
  readonly target: FilterTarget;
  /** Joined with `|`: INCLUDEs union, EXCLUDEs union, result INCLUDE minus EXCLUDE. */
  readonly statements: readonly FilterStatement[];
  /** Placeholder names in order of first use. */
  readonly placeholders: readonly string[];
}
