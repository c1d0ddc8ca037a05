export { parseFilterExpression } from './parse';
export { compileFilter } from './compile';
export type { CompiledFilter, FilterDataView, FilterValue } from './compile';
export { parseFilterValues } from './values';
export { FilterSyntaxError } from './errors';
export { FilterDataset } from './ast';
export type { FilterCondition, FilterExpression } from './ast';
