import {
  CreateDatasetGroupCommand,
  CreateSchemaCommand,
  ListSchemasCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-personalize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorName, type Harness, SCHEMAS, startHarness } from './harness';

describe('Personalize control plane: List* pagination', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    for (let index = 0; index < 7; index += 1) {
      await h.personalize.send(new CreateSchemaCommand({ name: `schema-${index}`, schema: SCHEMAS.items }));
    }
  });
  afterEach(async () => {
    await h.close();
  });

  it('returns every resource once, newest first, across pages of maxResults', async () => {
    const names: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await h.personalize.send(new ListSchemasCommand({ maxResults: 3, ...(nextToken ? { nextToken } : {}) }));
      expect(page.schemas?.length).toBeLessThanOrEqual(3);
      names.push(...(page.schemas ?? []).map((schema) => schema.name as string));
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken !== undefined);
    expect(pages).toBe(3);
    expect(names).toEqual(['schema-6', 'schema-5', 'schema-4', 'schema-3', 'schema-2', 'schema-1', 'schema-0']);
  });

  it('rejects a forged nextToken and an out-of-range maxResults', async () => {
    expect(await errorName(h.personalize.send(new ListSchemasCommand({ nextToken: 'not-a-token' })))).toBe('InvalidNextTokenException');
    expect(await errorName(h.personalize.send(new ListSchemasCommand({ maxResults: 101 })))).toBe('InvalidInputException');
  });
});

describe('Personalize control plane: tags', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('keeps tags given on create, adds, overwrites and removes them', async () => {
    const { datasetGroupArn } = await h.personalize.send(
      new CreateDatasetGroupCommand({ name: 'tagged', tags: [{ tagKey: 'team', tagValue: 'recs' }] }),
    );
    await h.personalize.send(
      new TagResourceCommand({
        resourceArn: datasetGroupArn,
        tags: [
          { tagKey: 'stage', tagValue: 'dev' },
          { tagKey: 'team', tagValue: 'ml' },
        ],
      }),
    );
    const tagged = await h.personalize.send(new ListTagsForResourceCommand({ resourceArn: datasetGroupArn }));
    expect(tagged.tags).toEqual([
      { tagKey: 'team', tagValue: 'ml' },
      { tagKey: 'stage', tagValue: 'dev' },
    ]);
    await h.personalize.send(new UntagResourceCommand({ resourceArn: datasetGroupArn, tagKeys: ['team'] }));
    const left = await h.personalize.send(new ListTagsForResourceCommand({ resourceArn: datasetGroupArn }));
    expect(left.tags).toEqual([{ tagKey: 'stage', tagValue: 'dev' }]);
  });

  it('enforces 50 tag keys per resource and names unknown resources', async () => {
    const { datasetGroupArn } = await h.personalize.send(new CreateDatasetGroupCommand({ name: 'many' }));
    const fifty = Array.from({ length: 50 }, (_, index) => ({ tagKey: `k${index}`, tagValue: 'v' }));
    await h.personalize.send(new TagResourceCommand({ resourceArn: datasetGroupArn, tags: fifty }));
    expect(
      await errorName(
        h.personalize.send(new TagResourceCommand({ resourceArn: datasetGroupArn, tags: [{ tagKey: 'one-more', tagValue: 'v' }] })),
      ),
    ).toBe('TooManyTagsException');
    const tooManyKeys = Array.from({ length: 51 }, (_, index) => `k${index}`);
    expect(await errorName(h.personalize.send(new UntagResourceCommand({ resourceArn: datasetGroupArn, tagKeys: tooManyKeys })))).toBe(
      'TooManyTagKeysException',
    );
    expect(
      await errorName(
        h.personalize.send(new CreateDatasetGroupCommand({ name: 'over', tags: [...fifty, { tagKey: 'extra', tagValue: 'v' }] })),
      ),
    ).toBe('TooManyTagsException');
    expect(
      await errorName(
        h.personalize.send(new TagResourceCommand({ resourceArn: datasetGroupArn, tags: [{ tagKey: 'aws:x', tagValue: 'v' }] })),
      ),
    ).toBe('InvalidInputException');
    const missing = 'arn:aws:personalize:us-east-1:000000000000:dataset-group/none';
    expect(await errorName(h.personalize.send(new ListTagsForResourceCommand({ resourceArn: missing })))).toBe('ResourceNotFoundException');
  });
});
