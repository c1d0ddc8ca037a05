export { parseFilterExpression, FILTER_EXPRESSION_MAX_LENGTH, FILTER_MAX_DISTINCT_FIELDS } from './parse';
export { compileFilter } from './compile';
export type { CompiledFilter, FilterContext, FilterDataView, FilterValue } from './compile';
export { parseFilterValues, FILTER_VALUES_MAX_KEYS } from './values';
export { FilterSyntaxError } from './errors';
export { FilterDataset, FilterOperator, FilterTarget } from './ast';
export type { FilterCondition, FilterExpression, FilterOperand, FilterStatement } from './ast';
