import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EVENT_CATALOG,
  EventTooLargeError,
  EventValidationError,
  findDefinition,
  isStatusChanged,
  parseCatalogEvent,
  pipelineFailed,
  pipelineRequested,
  RESOURCE_KINDS,
  solutionVersionStatusChanged,
  statusChanged,
  statusChangedEntry,
  watchRequested,
} from '@recops/events';
import { catalogJsonSchemaFiles } from '../../events/json-schemas';
import { sqsRecord } from '../runtime/fixtures';

const ARN = 'arn:aws:personalize:us-east-1:000000000000:solution/sims-solution/1a2b3c4d';
const BUS = 'recops-bus';

/** An EventBridge event as the bus delivers it, built from a PutEvents entry. */
function delivered(entry: { Source?: string; DetailType?: string; Detail?: string }): Record<string, unknown> {
  return {
    version: '0',
    id: 'e0b6b7a8-0000-4000-8000-000000000001',
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: '000000000000',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: JSON.parse(entry.Detail ?? '{}'),
  };
}

const statusDetail = {
  runId: 'run-1',
  datasetGroupName: 'dataset-group-name-1',
  stage: 'local',
  resourceKind: 'solutionVersion' as const,
  resourceArn: ARN,
  status: 'ACTIVE' as const,
  requestedAt: '2026-01-01T00:00:00Z',
  observedAt: '2026-01-01T00:05:00.123Z',
};

describe('Catalog: event definitions', () => {
  it('has one definition per event of the flow, with unique names and detail-types', () => {
    // Arrange / Act
    const detailTypes = EVENT_CATALOG.map((d) => d.detailType);
    // Assess
    expect(new Set(detailTypes).size).toBe(EVENT_CATALOG.length);
    expect(new Set(EVENT_CATALOG.map((d) => d.name)).size).toBe(EVENT_CATALOG.length);
    for (const name of [
      'Pipeline Requested',
      'Pipeline Completed',
      'Pipeline Failed',
      'Schedule Fired',
      'Watch Requested',
      'Solution Metrics Published',
      'Solution Version Promoted',
      'Solution Version Rejected',
      'Campaign Deployed',
      'Batch Output Ready',
      'Dataset Import Job Status Changed',
      'Solution Version Status Changed',
      'Recommender Status Changed',
    ])
      expect(detailTypes).toContain(name);
    expect(RESOURCE_KINDS.map((k) => statusChanged[k].detailType)).toHaveLength(11);
  });

  it('requires runId, datasetGroupName and stage in every detail', () => {
    for (const definition of EVENT_CATALOG) {
      const result = definition.detailSchema.safeParse({ schemaVersion: definition.version });
      expect(result.success).toBe(false);
      const paths = result.error?.issues.map((i) => i.path.join('.')) ?? [];
      expect(paths, definition.detailType).toEqual(expect.arrayContaining(['runId', 'datasetGroupName', 'stage']));
    }
  });
});

describe('Method: entry', () => {
  it('returns a PutEvents entry with the source, detail-type, bus, versioned detail and resource', () => {
    const entry = solutionVersionStatusChanged.entry(statusDetail, BUS);
    expect(entry).toMatchObject({
      EventBusName: BUS,
      Source: 'recops.personalize',
      DetailType: 'Solution Version Status Changed',
      Resources: [ARN],
    });
    expect(JSON.parse(entry.Detail ?? '')).toEqual({ ...statusDetail, operation: 'create', schemaVersion: 1 });
  });

  it('throws naming every broken field when the detail is invalid', () => {
    const act = () =>
      solutionVersionStatusChanged.entry(
        { ...statusDetail, runId: 'bad run!', resourceArn: 'arn:aws:s3:::bucket', status: 'CREATE FAILED' },
        BUS,
      );
    expect(act).toThrow(EventValidationError);
    try {
      act();
    } catch (error) {
      const issues = (error as EventValidationError).issues.map((i) => i.path);
      expect(issues).toEqual(expect.arrayContaining(['detail.runId', 'detail.resourceArn', 'detail.failureReason']));
      expect((error as Error).message).toMatch(/^Invalid "Solution Version Status Changed" event: detail\.runId: /);
    }
  });

  it('throws EventTooLargeError over the 256 KB PutEvents limit', () => {
    const errors = Array.from({ length: 300 }, (_, i) => ({ path: `filters[${i}]`, message: 'x'.repeat(1024) }));
    const act = () =>
      pipelineFailed.entry(
        {
          runId: 'run-1',
          datasetGroupName: 'dsg',
          stage: 'local',
          step: 'intake',
          reason: 'invalid',
          errors,
          failedAt: '2026-01-01T00:00:00Z',
        },
        BUS,
      );
    expect(act).toThrow(EventTooLargeError);
  });
});

describe('Method: parse', () => {
  it('returns the detail of an EventBridge event built by entry', () => {
    const event = delivered(solutionVersionStatusChanged.entry(statusDetail, BUS));
    expect(solutionVersionStatusChanged.parse(event)).toEqual({ ...statusDetail, operation: 'create', schemaVersion: 1 });
  });

  it('returns the detail and envelope of an SQS record whose body is the event', () => {
    const event = delivered(solutionVersionStatusChanged.entry(statusDetail, BUS));
    const parsed = solutionVersionStatusChanged.parseEvent(sqsRecord(JSON.stringify(event)));
    expect(parsed.id).toBe(event.id);
    expect(parsed.time).toBe('2026-01-01T00:00:00Z');
    expect(parsed.detail.resourceArn).toBe(ARN);
  });

  it('throws "body: is not valid JSON" for an SQS record with a broken body', () => {
    expect(() => watchRequested.parse(sqsRecord('{not json'))).toThrow('body: is not valid JSON');
  });

  it('throws naming source and detail-type when the event is another one', () => {
    const event = delivered(solutionVersionStatusChanged.entry(statusDetail, BUS));
    expect(() => pipelineFailed.parse(event)).toThrow(
      'Invalid "Pipeline Failed" event: source: expected "recops.pipeline", received "recops.personalize"; detail-type: expected "Pipeline Failed", received "Solution Version Status Changed"',
    );
  });

  it('throws with the nested path of a broken detail field', () => {
    const event = delivered(
      pipelineFailed.entry(
        {
          runId: 'run-1',
          datasetGroupName: 'dsg',
          stage: 'local',
          step: 'intake',
          reason: 'The parameter file is invalid',
          errors: [{ path: 'solutions[0].serviceConfig.recipeArn', message: 'unknown recipe' }],
          failedAt: '2026-01-01T00:00:00Z',
        },
        BUS,
      ),
    );
    (event.detail as { errors: { message: string }[] }).errors[0]!.message = '';
    expect(() => pipelineFailed.parse(event)).toThrow(/detail\.errors\[0\]\.message: /);
  });

  it('rejects a detail of another schema version', () => {
    const event = delivered(solutionVersionStatusChanged.entry(statusDetail, BUS));
    (event.detail as { schemaVersion: number }).schemaVersion = 2;
    expect(() => solutionVersionStatusChanged.parse(event)).toThrow(/detail\.schemaVersion: /);
  });
});

describe('Function: findDefinition', () => {
  it('returns the definition matching an SQS-wrapped event, and undefined for unknown events', () => {
    const event = delivered(statusChanged.datasetImportJob.entry({ ...statusDetail, resourceKind: 'datasetImportJob' }, BUS));
    expect(findDefinition(sqsRecord(JSON.stringify(event)))).toBe(statusChanged.datasetImportJob);
    expect(findDefinition({ source: 'aws.s3', 'detail-type': 'Object Created', detail: {} })).toBeUndefined();
    expect(findDefinition('nonsense')).toBeUndefined();
  });
});

describe('Function: parseCatalogEvent', () => {
  it('parses an SQS-wrapped event once into its name, envelope id and time, and validated detail', () => {
    const event = delivered(statusChanged.datasetImportJob.entry({ ...statusDetail, resourceKind: 'datasetImportJob' }, BUS));
    const parsed = parseCatalogEvent(sqsRecord(JSON.stringify(event)));
    expect(parsed.name).toBe('dataset-import-job-status-changed');
    expect(parsed.id).toBe('e0b6b7a8-0000-4000-8000-000000000001');
    expect(parsed.time).toBe('2026-01-01T00:00:00Z');
    expect(isStatusChanged(parsed)).toBe(true);
    if (parsed.name !== 'dataset-import-job-status-changed') throw new Error('narrowing');
    expect(parsed.detail).toMatchObject({ resourceKind: 'datasetImportJob', resourceArn: ARN, operation: 'create', schemaVersion: 1 });
  });

  it('tags every catalog event with its own name', () => {
    const names = EVENT_CATALOG.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('names the broken field of a known event, and says when no catalog event has the source and detail-type', () => {
    const { runId, datasetGroupName, stage, resourceArn, requestedAt } = statusDetail;
    const event = delivered(
      watchRequested.entry({ runId, datasetGroupName, stage, resourceKind: 'solutionVersion', resourceArn, requestedAt }, BUS),
    );
    (event.detail as { resourceArn: string }).resourceArn = 'not-an-arn';
    expect(() => parseCatalogEvent(event)).toThrow(/Watch Requested.*detail\.resourceArn: /);
    expect(() => parseCatalogEvent({ source: 'aws.s3', 'detail-type': 'Object Created', detail: {} })).toThrow(
      'no event of the catalog has source "aws.s3" and detail-type "Object Created"',
    );
    expect(() => parseCatalogEvent(sqsRecord('{not json'))).toThrow(/body: is not valid JSON/);
  });
});

describe('Function: statusChangedEntry', () => {
  it("returns the entry of the Status Changed event of the detail's resource kind", () => {
    const arn = 'arn:aws:personalize:us-east-1:000000000000:campaign/c1';
    const entry = statusChangedEntry({ ...statusDetail, resourceKind: 'campaign', resourceArn: arn }, BUS);
    expect(entry.DetailType).toBe('Campaign Status Changed');
    expect(statusChanged.campaign.parse(delivered(entry)).resourceArn).toBe(arn);
  });
});

describe('Method: pattern', () => {
  it('returns the source and detail-type, narrowed by detail fields when given', () => {
    expect(pipelineRequested.pattern()).toEqual({ source: ['recops.pipeline'], 'detail-type': ['Pipeline Requested'] });
    expect(statusChanged.datasetImportJob.pattern({ status: ['ACTIVE'] })).toEqual({
      source: ['recops.personalize'],
      'detail-type': ['Dataset Import Job Status Changed'],
      detail: { status: ['ACTIVE'] },
    });
  });
});

describe('Script: events:schemas', () => {
  it('has committed JSON Schema files equal to what the catalog generates (run `npm run events:schemas`)', async () => {
    const dir = join(import.meta.dirname, '..', '..', 'events', 'schemas');
    const expected = catalogJsonSchemaFiles();
    const committed = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    expect(committed).toEqual([...expected.keys()].sort());
    for (const [name, content] of expected) expect(await readFile(join(dir, name), 'utf8'), name).toBe(content);
  });
});

describe('Docs: events/README.md', () => {
  it('names every detail-type of the catalog', async () => {
    const readme = await readFile(join(import.meta.dirname, '..', '..', 'events', 'README.md'), 'utf8');
    for (const definition of EVENT_CATALOG) {
      const documented =
        readme.includes(`\`${definition.detailType}\``) ||
        (definition.detailType.endsWith(' Status Changed') && readme.includes(definition.detailType.replace(' Status Changed', '')));
      expect(documented, definition.detailType).toBe(true);
    }
  });
});
