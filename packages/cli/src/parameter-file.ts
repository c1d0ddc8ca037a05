/**
 * Pieces of the parameter files the CLI writes (`recops prepare`, `recops sample`, the demo): a
 * dataset entry with its Avro schema, and the names of every resource, all derived from the dataset
 * group's name (`groupScopedName`).
 */
import { boundedHeadName, MAX_NAME_LENGTH } from '@recops/core';

const SCHEMA_NAMESPACE = 'com.amazonaws.personalize.schema';

/** A field of a Personalize schema (Avro). */
interface SchemaField {
  readonly name: string;
  readonly type: string | readonly string[];
  readonly categorical?: boolean;
}

/**
 * Room left in a generated name for a stage prefix (`<stage>-`, stageScopedName in @recops/platform):
 * stages of up to 15 characters. The files are written before anyone picks a stage.
 */
const STAGE_PREFIX_ROOM = 16;

/**
 * The name a generated file gives a resource of dataset group `datasetGroupName`: `<dsg>-<suffix>`.
 * Personalize names are account-wide (a second dataset group may not reuse a solution, campaign,
 * filter or schema name), so deriving every name from the group's lets two generated files run side
 * by side in one account. A name is kept within 47 characters (63 less a stage prefix of up to 16),
 * or the group name's own length when that is longer, so it fits wherever the group name fits after
 * the stage's prefix: a group name too long for that is cut and followed by a hash of the whole
 * name (deterministic; two groups never share a name), the suffix kept whole.
 */
export function groupScopedName(datasetGroupName: string, suffix: string): string {
  const maxLength = Math.max(MAX_NAME_LENGTH - STAGE_PREFIX_ROOM, datasetGroupName.length);
  return boundedHeadName(datasetGroupName, `-${suffix}`, maxLength);
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
    dataset: { serviceConfig: { name: groupScopedName(datasetGroupName, kind) } },
    schema: {
      serviceConfig: {
        name: groupScopedName(datasetGroupName, `${kind}-schema`),
        schema: { type: 'record', name: recordName, namespace: SCHEMA_NAMESPACE, fields, ...(version !== undefined && { version }) },
      },
    },
  };
}

/** A Personalize recipe's ARN, e.g. `recipeArn('aws-sims')`. */
export function recipeArn(recipe: string): string {
  return `arn:aws:personalize:::recipe/${recipe}`;
}
