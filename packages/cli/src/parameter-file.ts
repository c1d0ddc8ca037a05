/**
 * Pieces of the parameter files the CLI writes (`recops prepare`, `recops sample`, the demo): a
 * dataset entry with its Avro schema, named after the dataset group as the seed examples name them.
 */

const SCHEMA_NAMESPACE = 'com.amazonaws.personalize.schema';

/** A field of a Personalize schema (Avro). */
interface SchemaField {
  readonly name: string;
  readonly type: string | readonly string[];
  readonly categorical?: boolean;
}

/**
 * The `datasets.<kind>` entry: dataset `<dsg>-<kind>` with schema `<dsg>-<kind>-schema`, an Avro
 * record named `recordName` of `fields` (and `version`, when given).
 */
export function datasetEntry(
  datasetGroupName: string,
  kind: string,
  recordName: string,
  fields: readonly SchemaField[],
  version?: string,
): Record<string, unknown> {
  return {
    dataset: { serviceConfig: { name: `${datasetGroupName}-${kind}` } },
    schema: {
      serviceConfig: {
        name: `${datasetGroupName}-${kind}-schema`,
        schema: { type: 'record', name: recordName, namespace: SCHEMA_NAMESPACE, fields, ...(version !== undefined && { version }) },
      },
    },
  };
}

/** A Personalize recipe's ARN, e.g. `recipeArn('aws-sims')`. */
export function recipeArn(recipe: string): string {
  return `arn:aws:personalize:::recipe/${recipe}`;
}
