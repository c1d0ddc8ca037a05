/**
 * The stage's EventBridge schema registry: every event of the catalog as a JSON Schema, so teams
 * consuming recops' events (a batch-output loader, a dashboard) can discover them in the console
 * and generate code bindings. EventBridge takes JSON Schema as draft 4 (`JSONSchemaDraft4`); the
 * detail is the catalog's own schema, so what is registered is what publishers validate against.
 */
import { EVENT_CATALOG, type EventDefinition } from '@recops/events';
import { z } from 'zod';
import { pascalCase, stageName } from './naming';

/** Registry names: at most 64 characters of letters, digits, `.`, `-`, `_`. */
const REGISTRY_NAME_MAX = 64;
/** Schema and registry descriptions: at most 256 characters. */
const DESCRIPTION_MAX = 256;

export interface SchemaRegistryResources {
  readonly registry: aws.schemas.Registry;
  /** Schema name (`recops.pipeline@PipelineCompleted`) by event name (`pipeline-completed`). */
  readonly schemaNames: Readonly<Record<string, string>>;
}

/** `recops.pipeline@PipelineCompleted`: the `<source>@<DetailType>` form EventBridge's own schemas use. */
function registrySchemaName(definition: Pick<EventDefinition, 'source' | 'detailType'>): string {
  return `${definition.source}@${definition.detailType.replace(/[^A-Za-z0-9]/g, '')}`;
}

/** The event (envelope with its source, detail-type and the catalog's detail schema) as draft-4 JSON Schema. */
function registrySchemaContent(definition: EventDefinition): Record<string, unknown> {
  // `input` mode: fields with defaults stay optional, so a consumer's validator accepts every valid publish.
  const detail = z.toJSONSchema(definition.detailSchema, { io: 'input', target: 'draft-04' }) as Record<string, unknown>;
  delete detail.$schema;
  return {
    $schema: 'http://json-schema.org/draft-04/schema#',
    title: definition.detailType,
    description: definition.description,
    type: 'object',
    properties: {
      source: { type: 'string', enum: [definition.source] },
      'detail-type': { type: 'string', enum: [definition.detailType] },
      detail,
    },
    required: ['source', 'detail-type', 'detail'],
  };
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function createSchemaRegistry(catalog: readonly EventDefinition[] = EVENT_CATALOG): SchemaRegistryResources {
  const registry = new aws.schemas.Registry('EventSchemas', {
    name: stageName('events', REGISTRY_NAME_MAX),
    description: cut(`JSON Schemas of every event on the recops ${$app.stage} bus`, DESCRIPTION_MAX),
  });
  const schemaNames: Record<string, string> = {};
  for (const definition of catalog) {
    const name = registrySchemaName(definition);
    schemaNames[definition.name] = name;
    new aws.schemas.Schema(`EventSchema${pascalCase(definition.name)}`, {
      name,
      registryName: registry.name,
      type: 'JSONSchemaDraft4',
      description: cut(`${definition.description} (catalog version ${definition.version})`, DESCRIPTION_MAX),
      content: JSON.stringify(registrySchemaContent(definition)),
    });
  }
  return { registry, schemaNames };
}
