/** JSON Schema export of the catalog, for downstream consumers (`npm run events:schemas`). */
import { z } from 'zod';
import { EVENT_CATALOG } from './catalog';
import type { EventDefinition } from './define';

const SCHEMA_ID_BASE = 'https://recops.dev/events/';

/** The JSON Schema of one event: the EventBridge envelope with its source, detail-type and detail. */
function eventJsonSchema(definition: EventDefinition): Record<string, unknown> {
  // `input` mode: optional-with-default fields stay optional and unknown keys are not forbidden,
  // so consumers validating with these files accept what a later minor publisher adds.
  const detail = z.toJSONSchema(definition.detailSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  delete detail.$schema;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${SCHEMA_ID_BASE}${definition.name}.v${definition.version}.json`,
    title: definition.detailType,
    description: definition.description,
    type: 'object',
    properties: {
      source: { const: definition.source },
      'detail-type': { const: definition.detailType },
      detail,
    },
    required: ['source', 'detail-type', 'detail'],
  };
}

/** File name → file content (pretty JSON with a trailing newline) for every event of the catalog. */
export function catalogJsonSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const definition of EVENT_CATALOG) files.set(`${definition.name}.json`, `${JSON.stringify(eventJsonSchema(definition), null, 2)}\n`);
  return files;
}
