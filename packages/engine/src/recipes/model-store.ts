/**
 * Trained models on disk: `<dataDir>/models/<key>.json` (info, family, parameters, array layout)
 * and `<key>.bin` (the arrays back to back), so a new engine over the same data directory serves
 * every solution version it trained before.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AlsParams } from './als';
import type { EaseParams } from './ease';
import { EaseModel, FactorModel, type Model, SimsModel, VectorModel } from './model';
import type { ModelInfo } from './model';

interface ModelHeader {
  readonly solutionVersionArn: string;
  readonly info: ModelInfo;
  readonly k?: number;
  readonly alsParams?: AlsParams;
  readonly easeParams?: EaseParams;
  readonly arrays: { name: string; type: 'f32' | 'i32'; length: number }[];
}

function modelKey(solutionVersionArn: string): string {
  return createHash('sha256').update(solutionVersionArn).digest('hex').slice(0, 24);
}

export class ModelStore {
  private readonly cache = new Map<string, Model>();

  constructor(private readonly dataDir: string) {}

  private path(arn: string, ext: string): string {
    return join(this.dataDir, 'models', `${modelKey(arn)}.${ext}`);
  }

  async save(solutionVersionArn: string, model: Model): Promise<void> {
    await mkdir(join(this.dataDir, 'models'), { recursive: true });
    const arrays = { popularity: model.popularity, ...model.arrays() };
    const header: ModelHeader = {
      solutionVersionArn,
      info: model.info,
      ...(model instanceof FactorModel ? { k: model.k, alsParams: model.alsParams } : {}),
      ...(model instanceof EaseModel ? { easeParams: model.easeParams } : {}),
      arrays: Object.entries(arrays).map(([name, a]) => ({ name, type: a instanceof Int32Array ? 'i32' : 'f32', length: a.length })),
    };
    const bin = Buffer.concat(Object.values(arrays).map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));
    await writeFile(this.path(solutionVersionArn, 'bin.tmp'), bin);
    await rename(this.path(solutionVersionArn, 'bin.tmp'), this.path(solutionVersionArn, 'bin'));
    await writeFile(this.path(solutionVersionArn, 'json.tmp'), JSON.stringify(header));
    await rename(this.path(solutionVersionArn, 'json.tmp'), this.path(solutionVersionArn, 'json'));
    this.cache.set(solutionVersionArn, model);
  }

  /** The model of a solution version, from memory or disk; undefined when never trained here. */
  async load(solutionVersionArn: string): Promise<Model | undefined> {
    const cached = this.cache.get(solutionVersionArn);
    if (cached !== undefined) return cached;
    const text = await readFile(this.path(solutionVersionArn, 'json'), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    const header = JSON.parse(text) as ModelHeader;
    const bin = await readFile(this.path(solutionVersionArn, 'bin'));
    const arrays: Record<string, Float32Array | Int32Array> = {};
    let offset = 0;
    for (const a of header.arrays) {
      const bytes = a.length * 4;
      const copy = new Uint8Array(bytes);
      copy.set(bin.subarray(offset, offset + bytes));
      arrays[a.name] = a.type === 'i32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
      offset += bytes;
    }
    const f32 = (name: string): Float32Array => arrays[name] as Float32Array;
    const i32 = (name: string): Int32Array => arrays[name] as Int32Array;
    let model: Model;
    switch (header.info.family) {
      case 'factors':
        model = new FactorModel(header.info, f32('popularity'), header.k ?? 0, f32('userFactors'), f32('itemFactors'), header.alsParams!);
        break;
      case 'ease':
        model = new EaseModel(
          header.info,
          f32('popularity'),
          i32('ptr'),
          i32('targets'),
          f32('weights'),
          header.easeParams!,
          ...(arrays['prior'] === undefined ? [] : [f32('prior')]),
        );
        break;
      case 'sims':
        model = new SimsModel(header.info, f32('popularity'), i32('ptr'), i32('neighbours'), f32('similarity'));
        break;
      default:
        model = new VectorModel(header.info, f32('popularity'), f32('itemScores'));
    }
    this.cache.set(solutionVersionArn, model);
    return model;
  }

  /** Forgets every model trained on a dataset group (memory and disk). */
  async removeGroup(datasetGroupArn: string): Promise<void> {
    for (const [arn, m] of this.cache) if (m.info.datasetGroupArn === datasetGroupArn) this.cache.delete(arn);
    const dir = join(this.dataDir, 'models');
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!name.endsWith('.json')) continue;
      const header = JSON.parse(await readFile(join(dir, name), 'utf8')) as ModelHeader;
      if (header.info.datasetGroupArn !== datasetGroupArn) continue;
      await rm(join(dir, name), { force: true });
      await rm(join(dir, name.replace(/\.json$/, '.bin')), { force: true });
    }
  }

  cachedArns(): string[] {
    return [...this.cache.keys()];
  }
}
