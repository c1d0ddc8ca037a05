export {
  CoreError,
  ParameterFileError,
  ParameterFileSyntaxError,
  PlanOptionsError,
  type ParameterFileIssue,
} from './errors';
export {
  NAME_PATTERN,
  MAX_NAME_LENGTH,
  SCHEDULE_NAME_PATTERN,
  MAX_SCHEDULE_NAME_LENGTH,
  nameProblem,
  runStampOf,
  isRunStamp,
  runScopedName,
  boundedName,
  boundedHeadName,
} from './names';
// The stage's Personalize names: one rule for services (through the plan), the CLI and the stacks' grants.
export { isProductionStage, personalizeNamePrefix, PRODUCTION_STAGES, stageScopedName } from '@recops/platform';
export {
  RECIPE_ARN_PREFIX,
  RECIPE_TYPES,
  RECIPES,
  SOLUTION_RECIPE_ARNS,
  RECOMMENDER_RECIPE_ARNS,
  findRecipe,
  type RecipeInfo,
  type RecipeType,
} from './recipes';
export {
  parseScheduleExpression,
  scheduleExpressionProblem,
  nextFireTime,
  type ScheduleExpression,
  type ScheduleParseResult,
  type RateUnit,
} from './schedule';
export {
  AVRO_PRIMITIVE_TYPES,
  MAX_SCHEMA_LENGTH,
  checkAvroSchema,
  requiredFieldsOf,
  type AvroCheck,
  type AvroIssue,
  type AvroField,
  type AvroFieldType,
  type AvroPrimitiveType,
} from './avro';
export {
  ParameterFileSchema,
  MAX_TAGS,
  MPE_DATASET_KEYS,
  cdkSchemaName,
  formatPath,
  type ParameterFile,
  type Solution,
  type CdkDataset,
  type MpeDatasets,
  type BatchInferenceJob,
  type BatchSegmentJob,
  type AvroRecordSchema,
  type TagInput,
} from './parameter-file/schema';
export {
  validateParameterFile,
  assertParameterFile,
  parseParameterFileText,
  loadParameterFile,
  type ValidationResult,
} from './parameter-file/validate';
export { resolvePlan, batchOutputPath, batchRunNames } from './plan/resolve';
export { renderParameterReference, withParameterReference, REFERENCE_START, REFERENCE_END } from './reference';
export * from './plan/types';
export { planSchema } from './plan/schema';
export {
  runStartOf,
  scheduledRunIdentity,
  uploadRunIdentity,
  type ParameterFileWrite,
  type RunIdentity,
  type ScheduleFiring,
} from './run/identity';
export { plannedRunSchema, PLANNED_RUN_VERSION, type PlannedRun } from './run/planned-run';
export {
  describeScope,
  EVERYTHING,
  RunScopeError,
  scopeImports,
  scopeOfSchedule,
  solutionsTrainedIn,
  type ScheduleRequest,
} from './run/scope';
export type { BatchJobKind, RunScope, RunScopeKind, RunTrigger } from '@recops/events';
