/**
 * Engine errors. The two the Personalize layer maps onto the service's answers live in `port.ts`
 * (`EngineJobError` → CREATE FAILED, `EngineInputError` → InvalidInputException); the subclasses here
 * say which rule was broken and carry the location for tests and logs.
 */
import { EngineInputError, EngineJobError } from './port';

/** A CSV row or header broke the dataset's schema; the message names file, line and field. */
export class ImportValidationError extends EngineJobError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string | undefined,
    readonly rule: string,
  ) {
    super(`Invalid data in ${file} at line ${line}${field === undefined ? '' : `, field ${field}`}: ${rule}`);
  }
}

/** The Avro schema given with an import cannot be used for its dataset type. */
export class SchemaError extends EngineJobError {}

/** Training could not run (minimums not met, nothing to update, unknown recipe, …). */
export class TrainingError extends EngineJobError {}

/** A runtime request names something the engine has no model or data for. */
export class UnknownResourceError extends EngineInputError {}

export { EngineInputError, EngineJobError };

/** A filter names a field its dataset group's schemas lack or cannot filter on, or uses too many fields. */
export class FilterFieldError extends EngineInputError {}
