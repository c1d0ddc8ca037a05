/**
 * Engine benchmark (issue 5): import rows/s, training seconds per recipe, batch inference users/s,
 * held-out NDCG@10 / precision@10 and peak memory, on generated data with planted preferences.
 *
 *   npx tsx bench/engine/run.ts 100k
 *   npx tsx bench/engine/run.ts 1m
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '@recops/engine';
import { MemoryBlobStore } from '../../test/engine/helpers/memory-blobs';
import { generateSynthetic, INTERACTIONS_SCHEMA } from '../../test/engine/helpers/synthetic';

const SIZES = {
  '100k': { users: 1500, items: 1500, interactions: 100_000 },
  '1m': { users: 6000, items: 4000, interactions: 1_000_000 },
} as const;

const DG = 'arn:aws:personalize:us-east-1:000000000000:dataset-group/bench';
const RECIPES = ['aws-user-personalization', 'aws-popularity-count', 'aws-trending-now', 'aws-sims'] as const;

/** CPU seconds (user + system, every thread of the process) since `start`. */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

async function main(): Promise<void> {
  console.log(
    `load average at start: ${(await import('node:os'))
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const sizeName = (process.argv[2] ?? '100k') as keyof typeof SIZES;
  const size = SIZES[sizeName];
  if (size === undefined) throw new Error(`size must be one of ${Object.keys(SIZES).join(', ')}`);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const dataDir = await mkdtemp(join(tmpdir(), 'engine-bench-'));
  try {
    const data = generateSynthetic({ ...size, genres: 20, seed: 11 });
    const blobs = new MemoryBlobStore();
    blobs.put('bench', 'interactions.csv', data.interactionsCsv);
    // Every user five times over (plus 1000 cold-start users): enough lines to measure steady throughput.
    const lines = [];
    for (let r = 0; r < 5; r++) for (let u = 0; u < size.users; u++) lines.push(JSON.stringify({ userId: `u${u}` }));
    for (let u = 0; u < 1000; u++) lines.push(JSON.stringify({ userId: `new-user-${u}` }));
    blobs.put('bench', 'batch/users.json', `${lines.join('\n')}\n`);
    const engine = createEngine({ dataDir, blobs });

    let t = performance.now();
    const { rowsImported } = await engine.importDataset({
      datasetGroupArn: DG,
      datasetArn: `${DG.replace('dataset-group', 'dataset')}/INTERACTIONS`,
      datasetType: 'INTERACTIONS',
      schema: INTERACTIONS_SCHEMA,
      dataLocation: 's3://bench/interactions.csv',
      importMode: 'FULL',
    });
    const importSeconds = (performance.now() - t) / 1000;
    console.log(`size ${sizeName}: ${rowsImported} interactions, ${size.users} users, ${size.items} items`);
    console.log(`import: ${importSeconds.toFixed(2)} s, ${Math.round(rowsImported / importSeconds)} rows/s`);

    for (const recipe of RECIPES) {
      t = performance.now();
      let cpu = process.cpuUsage();
      const arn = `arn:aws:personalize:us-east-1:000000000000:solution/${recipe}/v1`;
      const { metrics } = await engine.trainSolutionVersion({
        datasetGroupArn: DG,
        solutionVersionArn: arn,
        recipeArn: `arn:aws:personalize:::recipe/${recipe}`,
        trainingMode: 'FULL',
        performHPO: false,
      });
      const seconds = (performance.now() - t) / 1000;
      const trainCpu = cpuSeconds(cpu);
      console.log(
        `train ${recipe}: ${seconds.toFixed(2)} s (cpu ${trainCpu.toFixed(2)} s), ndcg@10 ${metrics.normalized_discounted_cumulative_gain_at_10}, ` +
          `precision@10 ${metrics.precision_at_10}, mrr@25 ${metrics.mean_reciprocal_rank_at_25}, coverage ${metrics.coverage}`,
      );
      if (recipe === 'aws-user-personalization' || recipe === 'aws-popularity-count') {
        t = performance.now();
        cpu = process.cpuUsage();
        await engine.runBatchInference({
          jobArn: `job-${recipe}`,
          solutionVersionArn: arn,
          inputPath: 's3://bench/batch/users.json',
          outputPath: `s3://bench/out-${recipe}/`,
        });
        const batchSeconds = (performance.now() - t) / 1000;
        console.log(
          `batch ${recipe}: ${lines.length} users in ${batchSeconds.toFixed(2)} s, ${Math.round(lines.length / batchSeconds)} users/s ` +
            `(cpu ${cpuSeconds(cpu).toFixed(2)} s over all threads)`,
        );
      }
    }
    await engine.close();
  } finally {
    clearInterval(sampler);
    await rm(dataDir, { recursive: true, force: true });
  }
  const maxRss = process.resourceUsage().maxRSS * 1024;
  console.log(`peak memory (max RSS): ${(Math.max(peakRss, maxRss) / 2 ** 20).toFixed(0)} MiB`);
}

await main();
