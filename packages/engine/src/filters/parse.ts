/**
 * Recursive-descent parser for Personalize filter expressions:
 *
 *   expression := statement ( '|' statement )*
 *   statement  := (INCLUDE|EXCLUDE) (ItemID|UserID|ActionID) WHERE where [ IF when ]   (IF: last statement only)
 *   where      := condition ( (AND|OR) condition )*          AND binds tighter than OR
 *   when       := CurrentUser.FIELD op operand ( AND CurrentUser.FIELD op operand )*
 *   condition  := Dataset.FIELD op operand
 *   op         := IN | NOT IN | = | != | < | <= | > | >=
 *   operand    := '(' value (',' value)* ')' | '(' $NAME ')' | $NAME | CurrentItem.FIELD | value
 *
 * Keywords, target and dataset names are case-insensitive (the service accepts `in` and `itemId`).
 * Rules beyond the grammar follow the Personalize developer guide (creating-filter-expressions,
 * filter-expression-guidelines-requirements, item-recommendation-filter-examples).
 * Where the guide shows placeholders with range operators (`Items.PRICE <= $PRICE`,
 * `Users.AGE < $AGE`) they are accepted, although shorter summaries say "IN or = only".
 */
import {
  FilterDataset,
  FilterOperator,
  FilterTarget,
  type FilterCondition,
  type FilterExpression,
  type FilterOperand,
  type FilterStatement,
} from './ast';
import { FilterSyntaxError, syntaxErrorAt } from './errors';
import { TokenKind, tokenize, type Token } from './lexer';

const FILTER_EXPRESSION_MAX_LENGTH = 2500;
/** Distinct dataset fields one filter may use (Personalize quota). */
const FILTER_MAX_DISTINCT_FIELDS = 10;

const TARGETS: Record<string, FilterTarget> = {
  itemid: FilterTarget.item,
  userid: FilterTarget.user,
  actionid: FilterTarget.action,
};
const DATASETS: Record<string, FilterDataset> = {
  items: FilterDataset.items,
  users: FilterDataset.users,
  interactions: FilterDataset.interactions,
  actions: FilterDataset.actions,
};
/** Which datasets a WHERE clause may use for each target. */
const DATASETS_BY_TARGET: Record<FilterTarget, readonly FilterDataset[]> = {
  ItemID: [FilterDataset.items, FilterDataset.interactions],
  UserID: [FilterDataset.users, FilterDataset.interactions],
  ActionID: [FilterDataset.actions, FilterDataset.interactions],
};
const PLACEHOLDER_OPERATORS: readonly FilterOperator[] = [
  FilterOperator.in,
  FilterOperator.eq,
  FilterOperator.lt,
  FilterOperator.le,
  FilterOperator.gt,
  FilterOperator.ge,
];
const NUMERIC_OPERATORS: readonly FilterOperator[] = [
  FilterOperator.ne,
  FilterOperator.lt,
  FilterOperator.le,
  FilterOperator.gt,
  FilterOperator.ge,
];

export function parseFilterExpression(expression: string): FilterExpression {
  if (typeof expression !== 'string' || expression.trim().length === 0) {
    throw new FilterSyntaxError('Invalid filter expression: it must not be empty (1 to 2,500 characters)');
  }
  if (expression.length > FILTER_EXPRESSION_MAX_LENGTH) {
    throw new FilterSyntaxError(`Invalid filter expression: it has ${expression.length} characters; the maximum is 2,500`);
  }
  return new Parser(expression, tokenize(expression)).parse();
}

class Parser {
  private index = 0;
  private readonly placeholders: string[] = [];
  private readonly fields = new Map<string, Token>();

  constructor(
    private readonly expression: string,
    private readonly tokens: readonly Token[],
  ) {}

  parse(): FilterExpression {
    const statements: FilterStatement[] = [this.statement()];
    while (this.acceptSymbol('|')) {
      const previous = statements[statements.length - 1] as FilterStatement;
      if (previous.when !== undefined) {
        throw this.errorAt(this.tokens[this.index - 1] as Token, 'IF may appear only once, at the end of the expression');
      }
      const targetToken = this.tokens[this.index + 1] as Token;
      const statement = this.statement();
      const first = statements[0] as FilterStatement;
      if (statement.target !== first.target) {
        throw this.errorAt(targetToken, `every expression joined with | must filter the same element (${first.target})`);
      }
      statements.push(statement);
    }
    const end = this.peek();
    if (end.kind !== TokenKind.end) {
      throw this.errorAt(end, 'expected AND, OR, IF, | or the end of the expression');
    }
    return {
      expression: this.expression,
      target: (statements[0] as FilterStatement).target,
      statements,
      placeholders: this.placeholders,
    };
  }

  private statement(): FilterStatement {
    const actionToken = this.peek();
    const action = this.keyword(['INCLUDE', 'EXCLUDE'], 'expected INCLUDE or EXCLUDE');
    const targetToken = this.next();
    const target = targetToken.kind === TokenKind.word ? TARGETS[targetToken.value.toLowerCase()] : undefined;
    if (target === undefined) {
      throw this.errorAt(targetToken, `expected ItemID, UserID or ActionID after ${actionToken.value.toUpperCase()}`);
    }
    this.keyword(['WHERE'], 'expected WHERE');
    const firstCondition = this.condition(target, undefined);
    const dataset = firstCondition.dataset as FilterDataset;
    const where: FilterCondition[][] = [[firstCondition]];
    for (;;) {
      const joiner = this.peek();
      const word = joiner.kind === TokenKind.word ? joiner.value.toUpperCase() : '';
      if (word !== 'AND' && word !== 'OR') break;
      this.index += 1;
      const condition = this.condition(target, dataset);
      if (word === 'AND') (where[where.length - 1] as FilterCondition[]).push(condition);
      else where.push([condition]);
    }
    let when: FilterCondition[] | undefined;
    if (this.peekKeyword('IF')) {
      this.index += 1;
      when = [this.currentUserCondition()];
      for (;;) {
        const joiner = this.peek();
        const word = joiner.kind === TokenKind.word ? joiner.value.toUpperCase() : '';
        if (word === 'OR') throw this.errorAt(joiner, 'IF conditions can be joined with AND only');
        if (word !== 'AND') break;
        this.index += 1;
        when.push(this.currentUserCondition());
      }
    }
    return when === undefined
      ? { action: action as 'INCLUDE' | 'EXCLUDE', target, dataset, where }
      : { action: action as 'INCLUDE' | 'EXCLUDE', target, dataset, where, when };
  }

  /** `Dataset.FIELD op operand` in a WHERE clause. */
  private condition(target: FilterTarget, requiredDataset: FilterDataset | undefined): FilterCondition {
    const datasetToken = this.next();
    if (datasetToken.kind !== TokenKind.word) {
      throw this.errorAt(datasetToken, 'expected a dataset field such as Items.GENRE or Interactions.EVENT_TYPE');
    }
    const lowered = datasetToken.value.toLowerCase();
    if (lowered === 'currentuser') {
      throw this.errorAt(datasetToken, 'CurrentUser may appear only in the IF condition at the end of the expression');
    }
    if (lowered === 'currentitem') {
      throw this.errorAt(datasetToken, 'CurrentItem may appear only on the right of an operator, e.g. Items.PRICE < CurrentItem.PRICE');
    }
    const dataset = DATASETS[lowered];
    if (dataset === undefined) {
      throw this.errorAt(datasetToken, 'expected a dataset: Items, Users, Interactions or Actions');
    }
    if (!DATASETS_BY_TARGET[target].includes(dataset)) {
      throw this.errorAt(datasetToken, `${target} filters can use ${DATASETS_BY_TARGET[target].join(' or ')}, not ${dataset}`);
    }
    if (requiredDataset !== undefined && dataset !== requiredDataset) {
      throw this.errorAt(
        datasetToken,
        `conditions joined with AND/OR must use the first condition's dataset (${requiredDataset}); join other datasets with |`,
      );
    }
    const fieldToken = this.field();
    let field = fieldToken.value;
    if (dataset === FilterDataset.interactions) {
      if (field.toUpperCase() !== 'EVENT_TYPE') {
        throw this.errorAt(fieldToken, 'Interactions can be filtered on EVENT_TYPE only');
      }
      field = 'EVENT_TYPE';
    }
    this.countField(`${dataset}.${field}`, fieldToken);
    const operatorToken = this.peek();
    const operator = this.operator();
    const operand = this.operand(operator, target === FilterTarget.item && dataset === FilterDataset.items);
    if (dataset === FilterDataset.interactions) {
      if (operator !== FilterOperator.in) {
        throw this.errorAt(operatorToken, 'Interactions.EVENT_TYPE supports IN only');
      }
    } else if (operand.kind === 'list' && operand.values.includes('*')) {
      throw this.errorAt(operatorToken, '* may be used only with Interactions.EVENT_TYPE');
    }
    return { dataset, field, operator, operand, position: datasetToken.offset + 1 };
  }

  private currentUserCondition(): FilterCondition {
    const token = this.next();
    if (token.kind !== TokenKind.word || token.value.toLowerCase() !== 'currentuser') {
      throw this.errorAt(token, 'expected CurrentUser.FIELD after IF');
    }
    const fieldToken = this.field();
    this.countField(`Users.${fieldToken.value}`, fieldToken);
    const operatorToken = this.peek();
    const operator = this.operator();
    const operand = this.operand(operator, false);
    if (operand.kind === 'list' && operand.values.includes('*')) {
      throw this.errorAt(operatorToken, '* may be used only with Interactions.EVENT_TYPE');
    }
    return { dataset: 'CurrentUser', field: fieldToken.value, operator, operand, position: token.offset + 1 };
  }

  /** `.FIELD` after a dataset name. */
  private field(): Token {
    const dot = this.next();
    if (dot.kind !== TokenKind.symbol || dot.value !== '.') {
      throw this.errorAt(dot, 'expected . and a field name after the dataset');
    }
    const field = this.next();
    if (field.kind !== TokenKind.word) throw this.errorAt(field, 'expected a field name');
    return field;
  }

  private operator(): FilterOperator {
    const token = this.next();
    if (token.kind === TokenKind.symbol) {
      const symbol = Object.values(FilterOperator).find((op) => op === token.value);
      if (symbol !== undefined) return symbol;
    }
    if (token.kind === TokenKind.word) {
      const word = token.value.toUpperCase();
      if (word === 'IN') return FilterOperator.in;
      if (word === 'NOT') {
        const next = this.next();
        if (next.kind === TokenKind.word && next.value.toUpperCase() === 'IN') return FilterOperator.notIn;
        throw this.errorAt(next, 'expected IN after NOT');
      }
    }
    throw this.errorAt(token, 'expected an operator: IN, NOT IN, =, !=, <, <=, > or >=');
  }

  private operand(operator: FilterOperator, currentItemAllowed: boolean): FilterOperand {
    const start = this.peek();
    const operand = this.rawOperand(operator);
    if (operand.kind === 'placeholder' && !PLACEHOLDER_OPERATORS.includes(operator)) {
      throw this.errorAt(start, `a placeholder can be used only with IN, =, <, <=, > or >=, not ${operator}`);
    }
    if (operand.kind === 'currentItem' && !currentItemAllowed) {
      throw this.errorAt(start, 'CurrentItem can be compared only with an Items field of an ItemID filter');
    }
    if (operand.kind === 'string' && NUMERIC_OPERATORS.includes(operator)) {
      throw this.errorAt(start, `${operator} compares numbers; expected a number`);
    }
    return operand;
  }

  private rawOperand(operator: FilterOperator): FilterOperand {
    const token = this.peek();
    if (token.kind === TokenKind.placeholder) {
      this.index += 1;
      return this.placeholder(token);
    }
    if (token.kind === TokenKind.word && token.value.toLowerCase() === 'currentitem') {
      this.index += 1;
      return { kind: 'currentItem', field: this.field().value };
    }
    const isList = operator === FilterOperator.in || operator === FilterOperator.notIn;
    if (isList) {
      if (!this.acceptSymbol('(')) {
        throw this.errorAt(token, `expected ( and a list of values, a $PLACEHOLDER or CurrentItem.FIELD after ${operator}`);
      }
      const first = this.peek();
      if (first.kind === TokenKind.placeholder) {
        this.index += 1;
        this.expectSymbol(')', 'a placeholder stands alone in its list: expected )');
        return this.placeholder(first);
      }
      const values = [this.listValue()];
      while (this.acceptSymbol(',')) values.push(this.listValue());
      this.expectSymbol(')', 'expected , or ) in the list of values');
      return { kind: 'list', values };
    }
    this.index += 1;
    if (token.kind === TokenKind.number) return { kind: 'number', value: Number(token.value) };
    if (token.kind === TokenKind.string) return { kind: 'string', value: token.value };
    throw this.errorAt(token, `expected a value after ${operator}`);
  }

  private listValue(): string {
    const token = this.next();
    if (token.kind === TokenKind.string || token.kind === TokenKind.number) return token.value;
    if (token.kind === TokenKind.symbol && token.value === '*') return '*';
    if (token.kind === TokenKind.placeholder) {
      throw this.errorAt(token, 'a placeholder stands alone in its list, e.g. IN ($GENRES)');
    }
    throw this.errorAt(token, 'expected a quoted value');
  }

  private placeholder(token: Token): FilterOperand {
    if (!this.placeholders.includes(token.value)) this.placeholders.push(token.value);
    return { kind: 'placeholder', name: token.value };
  }

  private countField(key: string, token: Token): void {
    const normalized = key.toUpperCase();
    if (this.fields.has(normalized)) return;
    this.fields.set(normalized, token);
    if (this.fields.size > FILTER_MAX_DISTINCT_FIELDS) {
      throw this.errorAt(token, `a filter can use at most ${FILTER_MAX_DISTINCT_FIELDS} distinct fields`);
    }
  }

  private keyword(words: readonly string[], rule: string): string {
    const token = this.next();
    const word = token.kind === TokenKind.word ? token.value.toUpperCase() : '';
    if (!words.includes(word)) throw this.errorAt(token, rule);
    return word;
  }

  private peekKeyword(word: string): boolean {
    const token = this.peek();
    return token.kind === TokenKind.word && token.value.toUpperCase() === word;
  }

  private acceptSymbol(symbol: string): boolean {
    const token = this.peek();
    if (token.kind === TokenKind.symbol && token.value === symbol) {
      this.index += 1;
      return true;
    }
    return false;
  }

  private expectSymbol(symbol: string, rule: string): void {
    const token = this.peek();
    if (!this.acceptSymbol(symbol)) throw this.errorAt(token, rule);
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== TokenKind.end) this.index += 1;
    return token;
  }

  private errorAt(token: Token, rule: string): FilterSyntaxError {
    return syntaxErrorAt(token.offset, token.text, rule);
  }
}
