/** The stage's EventBridge schema registry: every event of the catalog, as draft-4 JSON Schema. */
import { EVENT_CATALOG } from '@recops/events';
import { describe, expect, it } from 'vitest';
import { runStage } from './stand-in/run-stage';

/** Keywords of later drafts that EventBridge's JSONSchemaDraft4 type does not know. */
const LATER_DRAFT_KEYWORDS = ['const', '$defs', 'prefixItems', 'unevaluatedProperties', 'dependentRequired', 'if', 'then'];

function keysDeep(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysDeep(item, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      into.add(key);
      // Property names are data, not keywords.
      if (key === 'properties' && item !== null && typeof item === 'object') for (const inner of Object.values(item)) keysDeep(inner, into);
      else keysDeep(item, into);
    }
  }
  return into;
}

describe('Infra: event schema registry', () => {
  it.each(['dev', 'prod'])("registers every catalog event in the %s stage's own registry", async (stage) => {
    // Act
    const { recording, outputs } = await runStage({ stage });
    // Assess
    const [registry, ...others] = recording.ofType('aws:schemas/registry:Registry');
    expect(others).toEqual([]);
    expect(registry?.inputs.name).toBe(`recops-${stage}-events`);
    expect(outputs.schemaRegistryName).toBe(`recops-${stage}-events`);
    const schemas = recording.ofType('aws:schemas/schema:Schema');
    expect(schemas).toHaveLength(EVENT_CATALOG.length);
    for (const definition of EVENT_CATALOG) {
      const schema = schemas.find((s) => s.inputs.name === `${definition.source}@${definition.detailType.replace(/[^A-Za-z0-9]/g, '')}`);
      expect(schema, definition.detailType).toBeDefined();
      expect(schema?.inputs.registryName).toBe(registry?.inputs.name);
      expect(schema?.inputs.type).toBe('JSONSchemaDraft4');
      expect(String(schema?.inputs.description).length).toBeLessThanOrEqual(256);
      const content = JSON.parse(String(schema?.inputs.content)) as {
        $schema: string;
        properties: {
          source: { enum: string[] };
          'detail-type': { enum: string[] };
          detail: { required: string[]; properties: Record<string, unknown> };
        };
      };
      expect(content.$schema).toBe('http://json-schema.org/draft-04/schema#');
      expect(content.properties.source.enum).toEqual([definition.source]);
      expect(content.properties['detail-type'].enum).toEqual([definition.detailType]);
      expect(content.properties.detail.required).toEqual(expect.arrayContaining(['runId', 'datasetGroupName', 'stage', 'schemaVersion']));
      const laterKeywords = [...keysDeep(content)].filter((key) => LATER_DRAFT_KEYWORDS.includes(key));
      expect(laterKeywords, definition.detailType).toEqual([]);
    }
  });
});
