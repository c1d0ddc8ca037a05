import { createHash } from 'node:crypto';
import {
  CreateSchemaCommand,
  DescribeSchemaCommand,
  type DatasetSchemaSummary,
  type Domain,
  type PersonalizeClient,
  paginateListSchemas,
} from '@aws-sdk/client-personalize';
import { ResourceConflictError } from './errors';
import { canonicalSchema, compareSchemas } from './schema-compat';
import { call, findInPages, findOrCreate, requireArn } from './shared';

interface SchemaSpec {
  readonly name: string;
  /** The Avro record, as an object or its JSON text. */
  readonly schema: string | object;
  readonly domain?: Domain | string;
}

/**
 * What happened to a schema:
 * - `created`: new name, created now;
 * - `reused`: same name, same definition;
 * - `evolved`: same name, the file only adds optional columns. Schemas are immutable, so the new
 *   definition lives in a revision schema (`arn`, named `revisionName`), and the dataset using
 *   `previousArn` needs `UpdateDataset` with `arn` (`ensureDataset` does that).
 */
type SchemaResult =
  | { readonly outcome: 'created' | 'reused'; readonly arn: string; readonly name: string }
  | {
      readonly outcome: 'evolved';
      readonly arn: string;
      readonly name: string;
      readonly previousArn: string;
      readonly addedFields: readonly string[];
    };

const NAME_MAX = 63;

/** Deterministic name for a revision of `name` holding `definition`: `<name>-<8 hex of its hash>`. */
function schemaRevisionName(name: string, definition: string | object): string {
  const digest = createHash('sha256').update(canonicalSchema(definition)).digest('hex').slice(0, 8);
  return `${name.slice(0, NAME_MAX - 9)}-${digest}`;
}

function findSchema(client: PersonalizeClient, name: string): Promise<DatasetSchemaSummary | undefined> {
  return findInPages<DatasetSchemaSummary>(paginateListSchemas({ client }, {}), 'schemas', (s) => s.name === name);
}

async function describeSchemaText(client: PersonalizeClient, schemaArn: string): Promise<string> {
  const response = await call(`DescribeSchema ${schemaArn}`, () => client.send(new DescribeSchemaCommand({ schemaArn })));
  return response.schema?.schema ?? '';
}

/** Creates or reuses exactly the schema named `name` with `definition`; any difference is a conflict. */
async function ensureExactSchema(
  client: PersonalizeClient,
  spec: SchemaSpec,
): Promise<{ arn: string; created: boolean; existingText?: string }> {
  const definition = typeof spec.schema === 'string' ? spec.schema : JSON.stringify(spec.schema);
  let existingText: string | undefined;
  const result = await findOrCreate<DatasetSchemaSummary>({
    attempted: `CreateSchema ${spec.name}`,
    find: () => findSchema(client, spec.name),
    reuse: async (found) => {
      const arn = requireArn(found.schemaArn, 'ListSchemas');
      existingText = await describeSchemaText(client, arn);
      return { arn, created: false };
    },
    create: async () => {
      const response = await client.send(
        new CreateSchemaCommand({ name: spec.name, schema: definition, domain: spec.domain as Domain | undefined }),
      );
      return { arn: requireArn(response.schemaArn, 'CreateSchema'), created: true };
    },
  });
  return { arn: result.arn, created: result.created, ...(existingText !== undefined && { existingText }) };
}

/**
 * Same name and same definition → reuse; only added optional columns → a revision schema and
 * `evolved`; anything else → `ResourceConflictError` naming each changed field.
 */
async function ensureSchema(client: PersonalizeClient, spec: SchemaSpec): Promise<SchemaResult> {
  const base = await ensureExactSchema(client, spec);
  if (base.existingText === undefined) return { outcome: 'created', arn: base.arn, name: spec.name };

  const comparison = compareSchemas(base.existingText, spec.schema);
  if (comparison.kind === 'same') return { outcome: 'reused', arn: base.arn, name: spec.name };
  if (comparison.kind === 'incompatible') {
    throw new ResourceConflictError('schema', spec.name, comparison.differences);
  }
  const revisionName = schemaRevisionName(spec.name, spec.schema);
  const revision = await ensureExactSchema(client, { ...spec, name: revisionName });
  if (revision.existingText !== undefined) {
    const check = compareSchemas(revision.existingText, spec.schema);
    if (check.kind !== 'same') {
      throw new ResourceConflictError(
        'schema',
        revisionName,
        check.kind === 'incompatible' ? check.differences : [`revision lacks ${check.addedFields.join(', ')}`],
      );
    }
  }
  return {
    outcome: 'evolved',
    arn: revision.arn,
    name: revisionName,
    previousArn: base.arn,
    addedFields: comparison.addedFields,
  };
}

export { describeSchemaText, ensureSchema, schemaRevisionName };
export type { SchemaResult, SchemaSpec };
