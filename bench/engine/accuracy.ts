/**
 * Engine accuracy bench (issue 15): each recipe's NDCG@10 on a temporal split next to EASE computed
 * by numpy (bench/engine/ease_reference.py) on the same split, on planted data of several shapes
 * (test/engine/helpers/shapes.ts), with training times side by side, batch inference throughput and
 * peak memory.
 *
 *   nice npx tsx bench/engine/accuracy.ts                 # every shape
 *   nice npx tsx bench/engine/accuracy.ts longtail drift  # some shapes
 *
 * The split: 20 % of the users (with ≥ 2 interactions) are test users; the newest 10 % of each test
 * user's interactions is held out. Everything else is imported into the engine as the Interactions
 * dataset and written for numpy. Both rank every item for a test user given their older 90 % and
 * drop the items already in it; personalized-ranking ranks a candidate list (the held-out items and
 * 100 other items not in the input, in item order) through GetPersonalizedRanking, and numpy's EASE
 * ranks the same lists.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '@recops/engine';
import type { PersonalizeEngine } from '@recops/engine';
import { createRng } from '@recops/engine';
import { engineNdcg, ndcgAt10, trainingCsv } from '../../test/engine/helpers/heldout';
import { MemoryBlobStore } from '../../test/engine/helpers/memory-blobs';
import { generateShape, SHAPES, temporalSplit } from '../../test/engine/helpers/shapes';
import type { Interactions, Shape, ShapeOptions, TestCase } from '../../test/engine/helpers/shapes';
import { INTERACTIONS_SCHEMA } from '../../test/engine/helpers/synthetic';

const SIZES: Record<Shape, Omit<ShapeOptions, 'seed'>> = {
  longtail: { users: 6000, items: 4000, interactions: 1_000_000 },
  drift: { users: 4000, items: 3000, interactions: 300_000 },
  sequential: { users: 4000, items: 3000, interactions: 300_000 },
  coldstart: { users: 5000, items: 3000, interactions: 300_000 },
};

const DG = 'arn:aws:personalize:us-east-1:000000000000:dataset-group/accuracy';
const version = (name: string): string => `arn:aws:personalize:us-east-1:000000000000:solution/${name}/1`;

interface Reference {
  readonly lambda: number;
  readonly ndcg10: number;
  readonly ranking_ndcg10: number;
  readonly fit_seconds: number;
  readonly fit_cpu_seconds: number;
  readonly tune_seconds: number;
  readonly test_by_lambda: Record<string, number>;
}

interface Row {
  readonly recipe: string;
  readonly ndcg: number;
  readonly ratio: number;
  readonly seconds: number;
  readonly cpu: number;
  readonly note: string;
}

function withCandidates(cases: readonly TestCase[], nItems: number, seed: number): (TestCase & { candidates: number[] })[] {
  const rng = createRng(seed);
  return cases.map((c) => {
    const input = new Set(c.input);
    const pool = new Set(c.targets);
    for (let tries = 0; pool.size < c.targets.length + 100 && tries < 10_000; tries++) {
      const i = Math.floor(rng.next() * nItems);
      if (!input.has(i)) pool.add(i);
    }
    return { ...c, candidates: [...pool].sort((a, b) => a - b) };
  });
}

async function rankingNdcg(
  engine: PersonalizeEngine,
  arn: string,
  cases: readonly (TestCase & { candidates: number[] })[],
): Promise<number> {
  let total = 0;
  for (const c of cases) {
    const ranked = await engine.getPersonalizedRanking({
      solutionVersionArn: arn,
      userId: `u${c.user}`,
      inputList: c.candidates.map((i) => `i${i}`),
    });
    total += ndcgAt10(
      ranked.map((r) => Number(r.itemId.slice(1))),
      c.targets,
    );
  }
  return total / cases.length;
}

/** Related items of each test user's newest input item (sims answers per item, not per user). */
async function simsNdcg(engine: PersonalizeEngine, arn: string, cases: readonly TestCase[]): Promise<number> {
  let total = 0;
  for (const c of cases) {
    const input = new Set(c.input);
    const recs = await engine.getRecommendations({
      solutionVersionArn: arn,
      itemId: `i${c.input.at(-1)}`,
      numResults: Math.min(500, 10 + input.size),
    });
    total += ndcgAt10(
      recs.map((r) => Number(r.itemId.slice(1))).filter((i) => !input.has(i)),
      c.targets,
    );
  }
  return total / cases.length;
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number; cpu: number }> {
  const t = performance.now();
  const c = process.cpuUsage();
  const value = await work();
  const d = process.cpuUsage(c);
  return { value, seconds: (performance.now() - t) / 1000, cpu: (d.user + d.system) / 1e6 };
}

async function benchShape(shape: Shape, log: Interactions, dir: string): Promise<{ reference: Reference; rows: Row[]; batch?: string }> {
  const split = temporalSplit(log, 0.2, 2);
  const cases = withCandidates(split.cases, log.nItems, 3);
  const lines: string[] = [];
  for (let k = 0; k < log.length; k++) if (split.train[k] === 1) lines.push(`${log.users[k]} ${log.items[k]} ${log.timestamps[k]}`);
  await writeFile(join(dir, 'train.txt'), `${lines.join('\n')}\n`);
  await writeFile(join(dir, 'test.json'), JSON.stringify({ nUsers: log.nUsers, nItems: log.nItems, cases }));
  console.log(`${shape}: ${log.length} interactions, ${log.nUsers} users, ${log.nItems} items, ${cases.length} test users; numpy EASE …`);
  const reference = JSON.parse(
    execFileSync('python3', [join(import.meta.dirname, 'ease_reference.py'), dir], { encoding: 'utf8', maxBuffer: 1 << 24 }),
  ) as Reference;
  console.log(
    `  numpy EASE λ=${reference.lambda}: ndcg@10 ${reference.ndcg10.toFixed(4)}, fit ${reference.fit_seconds.toFixed(2)} s (cpu ${reference.fit_cpu_seconds.toFixed(2)} s), by λ on test ${JSON.stringify(reference.test_by_lambda)}`,
  );

  const blobs = new MemoryBlobStore();
  blobs.put('bench', 'train.csv', trainingCsv(log, split));
  const engine = createEngine({ dataDir: join(dir, 'engine'), blobs });
  await engine.importDataset({
    datasetGroupArn: DG,
    datasetArn: `${DG.replace('dataset-group', 'dataset')}/INTERACTIONS`,
    datasetType: 'INTERACTIONS',
    schema: INTERACTIONS_SCHEMA,
    dataLocation: 's3://bench/train.csv',
    importMode: 'FULL',
  });
  const rows: Row[] = [];
  const trainRecipe = (recipe: string, name: string, performHPO = false) =>
    timed(() =>
      engine.trainSolutionVersion({
        datasetGroupArn: DG,
        solutionVersionArn: version(name),
        recipeArn: `arn:aws:personalize:::recipe/${recipe}`,
        trainingMode: 'FULL',
        performHPO,
      }),
    );
  const add = (recipe: string, ndcg: number, reference: number, t: { seconds: number; cpu: number }, note: string): void => {
    rows.push({ recipe, ndcg, ratio: ndcg / reference, seconds: t.seconds, cpu: t.cpu, note });
    console.log(
      `  ${recipe}: ndcg@10 ${ndcg.toFixed(4)} (${(ndcg / reference).toFixed(3)}× EASE), train ${t.seconds.toFixed(2)} s (cpu ${t.cpu.toFixed(2)} s) ${note}`,
    );
  };

  const up = await trainRecipe('aws-user-personalization', 'up');
  add('aws-user-personalization', await engineNdcg(engine, version('up'), cases), reference.ndcg10, up, '');
  const hpo = await trainRecipe('aws-user-personalization', 'up-hpo', true);
  add(
    'aws-user-personalization, performHPO',
    await engineNdcg(engine, version('up-hpo'), cases),
    reference.ndcg10,
    hpo,
    JSON.stringify(hpo.value.tunedHyperParameters ?? {}),
  );
  const pr = await trainRecipe('aws-personalized-ranking', 'pr');
  add('aws-personalized-ranking (candidate lists)', await rankingNdcg(engine, version('pr'), cases), reference.ranking_ndcg10, pr, '');
  const pop = await trainRecipe('aws-popularity-count', 'pop');
  add('aws-popularity-count', await engineNdcg(engine, version('pop'), cases), reference.ndcg10, pop, '');
  const sims = await trainRecipe('aws-sims', 'sims');
  add('aws-sims (newest input item)', await simsNdcg(engine, version('sims'), cases), reference.ndcg10, sims, '');

  let batch: string | undefined;
  if (shape === 'longtail') {
    // Every user five times over plus 1,000 unknown users, like the issue-5 bench.
    const input: string[] = [];
    for (let r = 0; r < 5; r++) for (let u = 0; u < log.nUsers; u++) input.push(JSON.stringify({ userId: `u${u}` }));
    for (let u = 0; u < 1000; u++) input.push(JSON.stringify({ userId: `new-user-${u}` }));
    blobs.put('bench', 'batch/users.json', `${input.join('\n')}\n`);
    const t = await timed(() =>
      engine.runBatchInference({
        jobArn: 'job-up',
        solutionVersionArn: version('up'),
        inputPath: 's3://bench/batch/users.json',
        outputPath: 's3://bench/out/',
      }),
    );
    batch = `batch inference, user-personalization: ${input.length} users in ${t.seconds.toFixed(2)} s = ${Math.round(input.length / t.seconds)} users/s (cpu ${t.cpu.toFixed(2)} s)`;
    console.log(`  ${batch}`);
  }
  await engine.close();
  return { reference, rows, ...(batch === undefined ? {} : { batch }) };
}

async function main(): Promise<void> {
  // --scale 0.1 shrinks every shape (a quick check of the bench itself, not a result).
  const args = process.argv.slice(2);
  const scaleAt = args.indexOf('--scale');
  const scale = scaleAt >= 0 ? Number(args.splice(scaleAt, 2)[1]) : 1;
  const shapes = (args.length > 0 ? args : [...SHAPES]) as Shape[];
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const table: string[] = [
    '| shape | recipe | NDCG@10 | × EASE | train wall (cpu) | numpy EASE fit wall (cpu) |',
    '|---|---|---|---|---|---|',
  ];
  const notes: string[] = [];
  for (const shape of shapes) {
    const dir = await mkdtemp(join(tmpdir(), `engine-accuracy-${shape}-`));
    try {
      const size = SIZES[shape];
      const log = generateShape(shape, {
        users: Math.round(size.users * scale),
        items: Math.round(size.items * Math.sqrt(scale)),
        interactions: Math.round(size.interactions * scale),
        seed: 1,
      });
      const { reference, rows, batch } = await benchShape(shape, log, dir);
      table.push(
        `| ${shape} | EASE (numpy, λ=${reference.lambda} chosen on validation) | ${reference.ndcg10.toFixed(4)} | 1.000 | — | ${reference.fit_seconds.toFixed(2)} s (${reference.fit_cpu_seconds.toFixed(2)} s) |`,
      );
      for (const r of rows)
        table.push(
          `| ${shape} | ${r.recipe} | ${r.ndcg.toFixed(4)} | ${r.ratio.toFixed(3)} | ${r.seconds.toFixed(2)} s (${r.cpu.toFixed(2)} s) | |`,
        );
      const bestOnTest = Math.max(...Object.values(reference.test_by_lambda));
      notes.push(
        `${shape}: EASE with the best λ on the test cases themselves ${bestOnTest.toFixed(4)}; ranking-list EASE ${reference.ranking_ndcg10.toFixed(4)}`,
      );
      if (batch !== undefined) notes.push(batch);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const maxRss = process.resourceUsage().maxRSS * 1024;
  notes.push(`peak memory (max RSS of the engine process): ${(maxRss / 2 ** 20).toFixed(0)} MiB`);
  notes.push(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`\n${table.join('\n')}\n\n${notes.map((n) => `- ${n}`).join('\n')}`);
}

await main();
