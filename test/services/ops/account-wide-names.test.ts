/**
 * Personalize names solutions account-wide: a second dataset group asking for a solution name the
 * first group already uses must fail at once with the reason, not retry as "not listed yet".
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListSolutionsCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import {
  ensureDatasetGroup,
  ensureEventTracker,
  ensureFilter,
  ensureRecommender,
  ensureSolution,
  PermanentOpsError,
  ResourceKind,
  describeStatus,
} from '@recops/core/ops';
import { activeDatasetGroup } from '../../local/personalize/setup';

let cloud: LocalCloud;
let dataDir: string;
let personalize: PersonalizeClient;

// A fresh cloud per test: the local Personalize keeps the account quota of 5 dataset groups.
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'recops-names-'));
  cloud = await createLocalCloud({ dataDir, personalizeStepDelayMs: 10 });
  personalize = new PersonalizeClient({
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
});

afterEach(async () => {
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

  it('fails permanently, naming the other dataset group, when an event tracker name is taken there', async () => {
    const first = await activeDatasetGroup(personalize, 'trackers-first');
    const second = await activeDatasetGroup(personalize, 'trackers-second');
    await ensureEventTracker(personalize, { datasetGroupArn: first, name: 'shared-tracker' });
    await expect(ensureEventTracker(personalize, { datasetGroupArn: second, name: 'shared-tracker' })).rejects.toThrow(
      /CreateEventTracker shared-tracker: the name is already used in the dataset group .*trackers-first.*account-wide/,
    );
  });

  it('fails permanently, naming the other dataset group, when a recommender name is taken there', async () => {
    const first = await activeDatasetGroup(personalize, 'recommenders-first', 'VIDEO_ON_DEMAND');
    const second = await activeDatasetGroup(personalize, 'recommenders-second', 'VIDEO_ON_DEMAND');
    const recipeArn = 'arn:aws:personalize:::recipe/aws-vod-top-picks';
    await ensureRecommender(personalize, { datasetGroupArn: first, name: 'shared-recommender', recipeArn });
    await expect(ensureRecommender(personalize, { datasetGroupArn: second, name: 'shared-recommender', recipeArn })).rejects.toThrow(
      /CreateRecommender shared-recommender: the name is already used in the dataset group .*recommenders-first.*account-wide/,
    );
  });
});
