/**
 * `recops demo` (what `npm start` runs): the whole pipeline on the local cloud with the real
 * manifest, from a generated upload to Pipeline Completed, then metrics read back through the API.
 */
import { access, rm } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { validateParameterFile } from '../../../packages/core/src/parameter-file/validate';
import { parseDemoArgs, runDemo, type DemoResult } from '../../../packages/cli/src/demo';
import { generateDemoData } from '../../../packages/cli/src/demo/data';
import { demoParameterFile } from '../../../packages/cli/src/demo/parameter-file';
import { formatEvent, RunFollower, type ChainEvent } from '../../../packages/cli/src/demo/timeline';
import { UsageError } from '../../../packages/cli/src/errors';

/** Collects what the demo prints. */
function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { out, text: () => text };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function indexWhere(events: readonly ChainEvent[], predicate: (e: ChainEvent) => boolean): number {
  const i = events.findIndex(predicate);
  if (i < 0) throw new Error(`expected event not found in: ${events.map((e) => e.detailType).join(', ')}`);
  return i;
}

const isStatus = (e: ChainEvent, type: string, status = 'ACTIVE') => e.detailType === type && e.detail['status'] === status;
const isWatch = (e: ChainEvent, kind: string) => e.detailType === 'Watch Requested' && e.detail['resourceKind'] === kind;

/** A run waits at most 45 s for its outcome; starting and closing the cloud come on top. */
const RUN_TEST_TIMEOUT_MS = 75_000;

/** Small, still above Personalize's training minimums (1,000 interactions). */
const SMALL_DATA = { users: 60, items: 40, interactionsPerUser: 24 } as const;

describe('CLI: recops demo', () => {
  it(
    'returns a completed run with every chain event in causal order, one printed line each, and the metrics',
    async () => {
      // Prepare
      const printed = capture();
      // Act
      const result: DemoResult = await runDemo({ data: SMALL_DATA, personalizeStepDelayMs: 50, timeoutMs: 45_000, out: printed.out });
      // Assess: the run completed.
      const events = result.events;
      expect(result.outcome, printed.text()).toBe('completed');
      expect(result.exitCode).toBe(0);
      expect(events[0]?.detailType).toBe('Pipeline Requested');
      expect(events.filter((e) => e.detailType === 'Pipeline Completed')).toHaveLength(1);
      expect(new Set(events.map((e) => e.detail['runId']))).toEqual(new Set([result.runId]));
      expect(events.filter((e) => e.detailType === 'Pipeline Failed')).toEqual([]);

      // Each Status Changed follows the Watch Requested for its resource.
      for (const [i, event] of events.entries()) {
        if (!event.detailType.endsWith('Status Changed')) continue;
        const watch = events.findIndex(
          (e) => e.detailType === 'Watch Requested' && e.detail['resourceArn'] === event.detail['resourceArn'],
        );
        expect(watch, `${event.detailType} ${String(event.detail['resourceArn'])}`).toBeGreaterThanOrEqual(0);
        expect(watch).toBeLessThan(i);
      }
      // Group, then datasets, then the three imports (users, items, interactions), then training.
      // Training starts on an import's ACTIVE event once Personalize reports every import ACTIVE; the
      // watcher may report the other imports a re-check later, so only the first import is a bound.
      const groupActive = indexWhere(events, (e) => isStatus(e, 'Dataset Group Status Changed'));
      expect(groupActive).toBeLessThan(indexWhere(events, (e) => isWatch(e, 'dataset')));
      const importsActive = events.flatMap((e, i) => (isStatus(e, 'Dataset Import Job Status Changed') ? [i] : []));
      expect(importsActive).toHaveLength(3);
      expect(indexWhere(events, (e) => isWatch(e, 'solutionVersion'))).toBeGreaterThan(Math.min(...importsActive));
      expect(events.filter((e) => isStatus(e, 'Solution Version Status Changed'))).toHaveLength(3);

      // One printed line per event, in the same order, naming its detail-type.
      const lines = printed
        .text()
        .split('\n')
        .filter((line) => /^\s*\+\d+\.\ds {2}\d\d:\d\d:\d\d {2}/.test(line));
      expect(lines).toHaveLength(events.length);
      for (const [i, line] of lines.entries()) expect(line).toContain(events[i]?.detailType);
      expect(printed.text()).toContain('Pipeline completed in');

      // Metrics of the three versions; the planted genre preferences beat popularity.
      // Personalize names of the local cloud's stage (`local`).
      expect(result.metrics.map((m) => m.solutionName)).toEqual([
        'local-movies-demo-personalization',
        'local-movies-demo-popularity-count',
        'local-movies-demo-sims',
      ]);
      const ndcg = (name: string) =>
        result.metrics.find((m) => m.solutionName === name)?.metrics['normalized_discounted_cumulative_gain_at_10'] ?? Number.NaN;
      expect(ndcg('local-movies-demo-personalization')).toBeGreaterThan(ndcg('local-movies-demo-popularity-count'));
      expect(printed.text()).toMatch(/local-movies-demo-personalization\s+aws-user-personalization\s+\d\.\d{4}/);

      // The temporary data directory is gone.
      expect(result.kept).toBe(false);
      expect(await exists(result.dataDir)).toBe(false);
    },
    RUN_TEST_TIMEOUT_MS,
  );

  it(
    "prints the deployed campaign's top 10 for one user before and after a few PutEvents, and the batch output with its _CHECK",
    async () => {
      // Prepare
      const printed = capture();
      // Act
      const result = await runDemo({ data: SMALL_DATA, personalizeStepDelayMs: 50, timeoutMs: 45_000, out: printed.out });
      // Assess: ten movies for the first user, printed with their genres, before and after the events.
      expect(result.outcome, printed.text()).toBe('completed');
      const [before, after, filtered] = result.recommendations;
      expect(before?.campaignName).toBe('local-movies-demo-personalization');
      expect(before?.userId).toBe('u1');
      expect(before?.itemIds).toHaveLength(10);
      const movies = generateDemoData(SMALL_DATA).movies;
      for (const itemId of before?.itemIds ?? [])
        expect(printed.text()).toContain(`${itemId.padEnd(6)} ${movies.get(itemId)?.genres.join('|')}`);
      expect(printed.text()).toMatch(
        /Top 10 from campaign local-movies-demo-personalization for u1 \(planted favourite genres: [A-Za-z-]+/,
      );
      // Three clicks through the event tracker change the next answer without retraining.
      expect(result.eventsSent).toHaveLength(3);
      expect(printed.text()).toContain(`PutEvents through the event tracker: u1 clicked ${result.eventsSent.join(', ')}`);
      expect(after?.itemIds).toHaveLength(10);
      expect(after?.itemIds).not.toEqual(before?.itemIds);
      // Through the genre filter, only movies of the requested genre come back.
      const genre = JSON.parse(filtered?.filter?.values['GENRES'] ?? '""') as string;
      expect(filtered?.filter?.name).toBe('local-movies-demo-genre');
      expect(filtered?.itemIds.length).toBeGreaterThan(0);
      for (const itemId of filtered?.itemIds ?? []) expect(movies.get(itemId)?.genres).toContain(genre);
      // The batch output, complete: _CHECK and manifest.json beside the .out.
      expect(result.batchOutput?.url).toMatch(
        /^s3:\/\/[^/]+\/batch\/movies-demo\/movies-demo-personalization\/movies-demo-personalization_\d{4}(_\d{2}){5}\/$/,
      );
      expect(result.batchOutput?.keys).toEqual(['_CHECK', 'job_config.json.out', 'manifest.json']);
      expect(result.batchOutput?.lineCount).toBe(5);
      expect(printed.text()).toContain(`Batch inference output (5 users, 0 errors): ${result.batchOutput?.url}`);
    },
    RUN_TEST_TIMEOUT_MS,
  );

  it(
    'returns exit code 1 and prints the failing step when the data is below the training minimums',
    async () => {
      const printed = capture();
      const result = await runDemo({
        data: { users: 20, items: 20, interactionsPerUser: 4 },
        personalizeStepDelayMs: 50,
        timeoutMs: 45_000,
        out: printed.out,
      });
      expect(result.outcome, printed.text()).toBe('failed');
      expect(result.exitCode).toBe(1);
      expect(result.events.at(-1)?.detailType).toBe('Pipeline Failed');
      expect(printed.text()).toMatch(/Pipeline failed at step import: .*at least 1000 interactions/);
      expect(result.metrics).toEqual([]);
      expect(await exists(result.dataDir)).toBe(false);
    },
    RUN_TEST_TIMEOUT_MS,
  );

  it(
    'returns exit code 1 with the last event seen when the run does not end in time, and keeps the data with keep',
    async () => {
      const printed = capture();
      // Every Personalize step takes 5 s, so nothing can complete within 3 s.
      const result = await runDemo({ data: SMALL_DATA, personalizeStepDelayMs: 5_000, timeoutMs: 3_000, keep: true, out: printed.out });
      expect(result.outcome).toBe('timed-out');
      expect(result.exitCode).toBe(1);
      expect(printed.text()).toMatch(
        /the run did not end within 3 s; (the last event was [A-Z][\w ]+ \(\+\d+\.\ds\)|no event of the run arrived)\./,
      );
      expect(result.kept).toBe(true);
      expect(await exists(result.dataDir)).toBe(true);
      await rm(result.dataDir, { recursive: true, force: true });
    },
    RUN_TEST_TIMEOUT_MS,
  );

  it('uploads a parameter file that passes validation and CSVs whose columns match its schemas', () => {
    const file = demoParameterFile();
    const validation = validateParameterFile(file);
    expect(validation.ok, JSON.stringify(validation)).toBe(true);
    const data = generateDemoData({ users: 5, items: 10, interactionsPerUser: 4 });
    const datasets = file['datasets'] as Record<string, { schema: { serviceConfig: { schema: { fields: { name: string }[] } } } }>;
    const header = (csv: string) => csv.split('\n')[0]?.split(',');
    const fields = (key: string) => datasets[key]?.schema.serviceConfig.schema.fields.map((f) => f.name);
    expect(header(data.usersCsv)).toEqual(fields('users'));
    expect(header(data.itemsCsv)).toEqual(fields('items'));
    expect(header(data.interactionsCsv)).toEqual(fields('interactions'));
  });

  it("generates the same data for a seed, with most interactions in each user's planted favourite genres", () => {
    const data = generateDemoData({ users: 50, items: 60, interactionsPerUser: 20, seed: 7 });
    expect(generateDemoData({ users: 50, items: 60, interactionsPerUser: 20, seed: 7 }).interactionsCsv).toBe(data.interactionsCsv);
    const rows = data.interactionsCsv
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
    expect(rows).toHaveLength(data.interactionCount);
    const inFavourites = rows.filter(([item, user]) =>
      data.movies.get(item ?? '')?.genres.some((g) => data.favouriteGenres(user ?? '').includes(g)),
    );
    expect(inFavourites.length / rows.length).toBeGreaterThan(0.8);
    // Every user has at least two interactions, in time order.
    for (const userId of data.userIds) {
      const times = rows.filter(([, user]) => user === userId).map(([, , time]) => Number(time));
      expect(times.length).toBeGreaterThanOrEqual(2);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
  });

  it('follows only the run its upload started, one line per event, until the outcome', async () => {
    const printed: string[] = [];
    const follower = new RunFollower('train/movies-demo/config.json', (event) =>
      printed.push(formatEvent(event, Date.parse('2026-01-01T00:00:00Z'))),
    );
    let seq = 0;
    const bus = (detailType: string, detail: Record<string, unknown>) =>
      follower.onEntry({
        seq: ++seq,
        time: `2026-01-01T00:00:0${seq}.000Z`,
        kind: 'bus.event',
        data: { event: { source: 'recops.pipeline', 'detail-type': detailType, detail } },
      });
    const arn = 'arn:aws:personalize:us-east-1:000000000000:dataset-group/movies-demo';
    bus('Watch Requested', { runId: 'older-run', resourceArn: arn, resourceKind: 'datasetGroup' });
    bus('Pipeline Requested', { runId: 'other', config: { bucket: 'b', key: 'train/shop/config.json' } });
    bus('Pipeline Requested', { runId: 'mine', config: { bucket: 'b', key: 'train/movies-demo/config.json' } });
    follower.onEntry({ seq: ++seq, time: '2026-01-01T00:00:05.000Z', kind: 'delivery', data: { service: 'run-tracker' } });
    bus('Watch Requested', { runId: 'other', resourceArn: arn, resourceKind: 'datasetGroup' });
    bus('Dataset Group Status Changed', { runId: 'mine', resourceArn: arn, status: 'ACTIVE' });
    bus('Pipeline Completed', { runId: 'mine', resourceArn: arn, resources: [{ kind: 'datasetGroup', arn }] });

    const outcome = await follower.ended;
    expect(outcome.detailType).toBe('Pipeline Completed');
    expect(follower.runId).toBe('mine');
    expect(follower.events.map((e) => e.detailType)).toEqual(['Pipeline Requested', 'Dataset Group Status Changed', 'Pipeline Completed']);
    expect(printed[1]).toMatch(/^ {2}\+6\.0s {2}00:00:06 {2}Dataset Group Status Changed +dataset-group\/movies-demo ACTIVE$/);
    expect(printed[2]).toContain('dataset-group/movies-demo, 1 resource ACTIVE');
  });

  it('throws a usage error naming --timeout when it is not a whole number of seconds', () => {
    expect(() => parseDemoArgs(['--timeout', '1.5'])).toThrow(UsageError);
    expect(() => parseDemoArgs(['--timeout', 'soon'])).toThrow(/--timeout must be a whole number of seconds/);
    expect(parseDemoArgs(['--data-dir', 'x', '--keep'])).toEqual({ dataDir: 'x', keep: true, timeoutSeconds: 300, help: false });
  });
});
