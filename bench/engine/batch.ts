/**
 * Batch inference throughput (issue 15) for aws-user-personalization on the longtail shape
 * (1M interactions, 6k users, 4k items: neighbourhood EASE): every user five times over plus 1,000
 * unknown users, like the issue-5 bench. Reports users/s (wall) and CPU seconds over all threads.
 *
 *   nice npx tsx bench/engine/batch.ts                 # train, then one batch job
 *   nice npx tsx bench/engine/batch.ts --keep DIR      # keep/reuse the trained model in DIR
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '@recops/engine';
import { trainingCsv } from '../../test/engine/helpers/heldout';
import { MemoryBlobStore } from '../../test/engine/helpers/memory-blobs';
import { generateShape, temporalSplit } from '../../test/engine/helpers/shapes';
import { INTERACTIONS_SCHEMA } from '../../test/engine/helpers/synthetic';

const DG = 'arn:aws:personalize:us-east-1:000000000000:dataset-group/batch';
const VERSION = 'arn:aws:personalize:us-east-1:000000000000:solution/up/1';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const keepAt = args.indexOf('--keep');
  const keep = keepAt >= 0 ? args[keepAt + 1] : undefined;
  const dir = keep ?? (await mkdtemp(join(tmpdir(), 'engine-batch-')));
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const shape = { users: 6000, items: 4000, interactions: 1_000_000, seed: 1 };
  const blobs = new MemoryBlobStore();
  const input: string[] = [];
  for (let r = 0; r < 5; r++) for (let u = 0; u < shape.users; u++) input.push(JSON.stringify({ userId: `u${u}` }));
  for (let u = 0; u < 1000; u++) input.push(JSON.stringify({ userId: `new-user-${u}` }));
  blobs.put('bench', 'batch/users.json', `${input.join('\n')}\n`);
  const trained =
    keep !== undefined &&
    (await stat(join(dir, 'engine')).then(
      () => true,
      () => false,
    ));
  const engine = createEngine({ dataDir: join(dir, 'engine'), blobs });
  try {
    if (!trained) {
      const log = generateShape('longtail', shape);
      blobs.put('bench', 'train.csv', trainingCsv(log, temporalSplit(log, 0.2, 2)));
      await engine.importDataset({
        datasetGroupArn: DG,
        datasetArn: `${DG.replace('dataset-group', 'dataset')}/INTERACTIONS`,
        datasetType: 'INTERACTIONS',
        schema: INTERACTIONS_SCHEMA,
        dataLocation: 's3://bench/train.csv',
        importMode: 'FULL',
      });
      const t = performance.now();
      await engine.trainSolutionVersion({
        datasetGroupArn: DG,
        solutionVersionArn: VERSION,
        recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization',
        trainingMode: 'FULL',
        performHPO: false,
      });
      console.log(`train aws-user-personalization: ${((performance.now() - t) / 1000).toFixed(2)} s`);
    }
    // Loads the dataset group and model (a reused directory) outside the measured job.
    await engine.getRecommendations({ solutionVersionArn: VERSION, userId: 'u0', numResults: 1 });
    const t = performance.now();
    const c = process.cpuUsage();
    await engine.runBatchInference({
      jobArn: 'job',
      solutionVersionArn: VERSION,
      inputPath: 's3://bench/batch/users.json',
      outputPath: 's3://bench/out/',
    });
    const seconds = (performance.now() - t) / 1000;
    const d = process.cpuUsage(c);
    console.log(
      `batch inference, user-personalization: ${input.length} users in ${seconds.toFixed(2)} s = ${Math.round(input.length / seconds)} users/s ` +
        `(cpu ${((d.user + d.system) / 1e6).toFixed(2)} s over all threads)`,
    );
    const out = blobs.text('bench', 'out/users.json.out');
    console.log(`first output line: ${out.slice(0, out.indexOf('\n')).slice(0, 300)}`);
  } finally {
    await engine.close();
    if (keep === undefined) await rm(dir, { recursive: true, force: true });
  }
  console.log(
    `load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

await main();
