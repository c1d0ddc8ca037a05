/**
 * Personalize names solutions account-wide: a second dataset group asking for a solution name the
 * first group already uses must fail at once with the reason, not retry as "not listed yet".
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListSolutionsCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import { PermanentOpsError, ResourceKind, describeStatus, ensureDatasetGroup, ensureFilter, ensureSolution } from '@recops/core/ops';

let cloud: LocalCloud;
let dataDir: string;
let personalize: PersonalizeClient;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'recops-names-'));
  cloud = await createLocalCloud({ dataDir, personalizeStepDelayMs: 10 });
  personalize = new PersonalizeClient({
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});

afterAll(async () => {
  await cloud?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Test-side wait for a dataset group to leave CREATE PENDING/IN_PROGRESS (creates need it ACTIVE). */
async function active(arn: string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    if ((await describeStatus(personalize, ResourceKind.datasetGroup, arn)).status === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`dataset group ${arn} did not become ACTIVE`);
}

describe('Operations: account-wide names', () => {
  it('fails permanently, naming the other dataset group, when a solution name is taken there', async () => {
    const first = await ensureDatasetGroup(personalize, { name: 'names-first' });
    const second = await ensureDatasetGroup(personalize, { name: 'names-second' });
    await active(first.arn);
    await active(second.arn);
    const recipeArn = 'arn:aws:personalize:::recipe/aws-popularity-count';
    const mine = await ensureSolution(personalize, { datasetGroupArn: first.arn, name: 'shared-name', recipeArn });
    expect(mine.created).toBe(true);

    const attempt = ensureSolution(personalize, { datasetGroupArn: second.arn, name: 'shared-name', recipeArn });
    await expect(attempt).rejects.toBeInstanceOf(PermanentOpsError);
    await expect(ensureSolution(personalize, { datasetGroupArn: second.arn, name: 'shared-name', recipeArn })).rejects.toThrow(
      new RegExp(`already used in the dataset group ${first.arn.replace(/[/.:]/g, '.')}.*account-wide`),
    );
    const listed = await personalize.send(new ListSolutionsCommand({ datasetGroupArn: second.arn }));
    expect(listed.solutions ?? []).toHaveLength(0);

    const filterExpression = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")';
    await ensureFilter(personalize, { datasetGroupArn: first.arn, name: 'shared-filter', filterExpression });
    await expect(ensureFilter(personalize, { datasetGroupArn: second.arn, name: 'shared-filter', filterExpression })).rejects.toThrow(
      /already used in the dataset group .*names-first.*account-wide/,
    );
  });
});
