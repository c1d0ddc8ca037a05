/**
 * Small deterministic datasets matching the schemas of the seed example
 * (`mpe-sample-full.json`): users (USER_ID, AGE, GENDER) and interactions (ITEM_ID, USER_ID,
 * TIMESTAMP, EVENT_TYPE, EVENT_VALUE). Big enough for Personalize's minimums (1,000 interactions;
 * 25 users with at least 2 interactions each), small enough to train in well under a second.
 */
import { readFile } from 'node:fs/promises';

const SEED_EXAMPLE = `${import.meta.dirname}/../../core/fixtures/seed-examples/mpe-sample-full.json`;

export async function seedExampleText(): Promise<string> {
  return readFile(SEED_EXAMPLE, 'utf8');
}

/** Park–Miller generator: the same data on every run. */
function random(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  return () => {
    state = (state * 16807) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

export interface GeneratedData {
  readonly usersCsv: string;
  readonly interactionsCsv: string;
}

export function generateSeedData(
  options: { users?: number; items?: number; interactionsPerUser?: number; seed?: number } = {},
): GeneratedData {
  const users = options.users ?? 60;
  const items = options.items ?? 40;
  const perUser = options.interactionsPerUser ?? 20;
  const next = random(options.seed ?? 42);
  const start = 1_700_000_000;
  const userRows = ['USER_ID,AGE,GENDER'];
  const interactionRows = ['ITEM_ID,USER_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE'];
  for (let u = 0; u < users; u++) {
    userRows.push(`u${u},${18 + Math.floor(next() * 60)},${next() < 0.5 ? 'F' : 'M'}`);
    // Users prefer a band of items, so similar-items and personalization have a signal to find.
    const band = Math.floor((u / users) * items);
    for (let i = 0; i < perUser; i++) {
      const item = next() < 0.7 ? (band + Math.floor(next() * 6)) % items : Math.floor(next() * items);
      const type = next() < 0.6 ? 'click' : 'stream';
      interactionRows.push(`i${item},u${u},${start + u * 1000 + i * 60},${type},${(1 + next() * 4).toFixed(1)}`);
    }
  }
  return { usersCsv: `${userRows.join('\n')}\n`, interactionsCsv: `${interactionRows.join('\n')}\n` };
}

/** Where the seed example's batch inference job reads its input (the documented default location). */
export function seedBatchInputKey(datasetGroupName = 'dataset-group-name-1'): string {
  return `batch/${datasetGroupName}/user-personalization-solution/job_config.json`;
}

/** A small batch inference input: one JSON line per user. */
export function seedBatchInput(): string {
  return ['u1', 'u7', 'u33'].map((userId) => JSON.stringify({ userId })).join('\n');
}
