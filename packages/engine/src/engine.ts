/**
 * The engine behind the local Personalize: dataset groups (columnar, persisted), trained models
 * (persisted), runtime answers and batch jobs. See port.ts for the contract with the service layer.
 */
import { batchFiles, DEFAULT_BATCH_RESULTS, inferenceLine, pooledInferenceLines, ScorePool, segmentLine, transformLines } from './batch';
import { DatasetGroup } from './data/group';
import { convertCell, readDatasetImport } from './data/import';
import { GroupPersistence } from './data/persist';
import type { PutRecord } from './data/persist';
import { parseAvroSchema } from './data/schema';
import type { CellValue, Table } from './data/table';
import { EngineInputError, EngineJobError, UnknownResourceError } from './errors';
import { checkFilterFields } from './filter-fields';
import { FilterCache } from './filter-view';
import { parseFilterExpression } from './filters';
import type {
  BatchJobInput,
  BlobStore,
  DatasetType,
  FilterValidationContext,
  ImportDatasetInput,
  InteractionEvent,
  PersonalizeEngine,
  RankInput,
  RecommendInput,
  ScoredItem,
  TrainInput,
  TrainResult,
} from './port';
import { recipeFor } from './recipes/catalog';
import type { Model } from './recipes/model';
import { ModelStore } from './recipes/model-store';
import { rank, recommend, validateNumResults } from './runtime';
import { trainSolutionVersion } from './training';

export interface EngineOptions {
  readonly dataDir: string;
  readonly blobs: BlobStore;
}

/** Lines per chunk of a batch job: large enough to amortise, small enough to stream. */
const BATCH_CHUNK = 4000;
/** Chunks at least this long go to the worker threads (starting them costs tens of milliseconds). */
const POOL_MIN_LINES = 1000;

/** Keys PutEvents `properties` may not use (PERSONALIZE.md §9). */
const FORBIDDEN_EVENT_PROPERTIES = new Set(['userid', 'sessionid', 'eventtype', 'timestamp', 'recommendationid', 'impression']);

/** `properties` keys are camelCase forms of schema fields: compare ignoring case and `_`. */
const normalise = (name: string): string => name.replace(/[^A-Za-z0-9]/g, '').toUpperCase();

/**
 * Jobs must fail as EngineJobError (→ CREATE FAILED with the message); anything else that escapes
 * (an I/O error, a crashed worker thread) is wrapped so the job still fails cleanly.
 */
async function asJob<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof EngineJobError) throw err;
    throw new EngineJobError(`Create failed. ${(err as Error).message}`, { cause: err });
  }
}

export class LocalPersonalizeEngine implements PersonalizeEngine {
  private readonly groups = new Map<string, DatasetGroup>();
  private readonly persistence: GroupPersistence;
  private readonly models: ModelStore;
  private readonly filters = new FilterCache();
  private readonly loaded: Promise<void>;
  private readonly marked = new Set<string>();

  constructor(private readonly options: EngineOptions) {
    this.persistence = new GroupPersistence(options.dataDir);
    this.models = new ModelStore(options.dataDir);
    this.loaded = this.persistence.loadAll().then((groups) => {
      for (const g of groups) this.groups.set(g.datasetGroupArn, g);
    });
  }

  private async group(datasetGroupArn: string): Promise<DatasetGroup> {
    await this.loaded;
    let g = this.groups.get(datasetGroupArn);
    if (g === undefined) {
      g = new DatasetGroup(datasetGroupArn);
      this.groups.set(datasetGroupArn, g);
    }
    return g;
  }

  /** The group and dataset type of a dataset ARN (`…:dataset/<group>/<TYPE>`). */
  private async datasetOwner(datasetArn: string): Promise<{ group: DatasetGroup; type: DatasetType }> {
    await this.loaded;
    for (const g of this.groups.values()) {
      for (const [type, info] of g.datasets) if (info.datasetArn === datasetArn) return { group: g, type };
    }
    const m = /^(arn:[^:]+:personalize:[^:]*:[^:]*:)dataset\/([^/]+)\/([A-Za-z_]+)$/.exec(datasetArn);
    if (m === null) throw new UnknownResourceError(`Unknown dataset ${datasetArn}`);
    const type = m[3]!.toUpperCase() as DatasetType;
    return { group: await this.group(`${m[1]}dataset-group/${m[2]}`), type };
  }

  private async model(solutionVersionArn: string): Promise<{ model: Model; group: DatasetGroup }> {
    await this.loaded;
    const model = await this.models.load(solutionVersionArn);
    if (model === undefined) throw new UnknownResourceError(`No trained model for ${solutionVersionArn}`);
    return { model, group: await this.group(model.info.datasetGroupArn) };
  }

  async importDataset(input: ImportDatasetInput): Promise<{ readonly rowsImported: number }> {
    return asJob(() => this.importDatasetJob(input));
  }

  private async importDatasetJob(input: ImportDatasetInput): Promise<{ readonly rowsImported: number }> {
    const group = await this.group(input.datasetGroupArn);
    const fields = parseAvroSchema(input.schema, input.datasetType);
    const table = await readDatasetImport(this.options.blobs, group, input.datasetType, fields, input.dataLocation);
    group.datasets.set(input.datasetType, { datasetArn: input.datasetArn, schema: input.schema, fields });
    const current = group.table(input.datasetType);
    if (input.importMode === 'INCREMENTAL' && current !== undefined) {
      current.appendTable(table);
      group.rowsChanged();
    } else {
      group.replaceTable(input.datasetType, table);
    }
    await this.persistence.save(group);
    return { rowsImported: table.length };
  }

  async trainSolutionVersion(input: TrainInput): Promise<TrainResult> {
    return asJob(() => this.trainSolutionVersionJob(input));
  }

  private async trainSolutionVersionJob(input: TrainInput): Promise<TrainResult> {
    const group = await this.group(input.datasetGroupArn);
    let base: Model | undefined;
    if (input.trainingMode === 'UPDATE') {
      if (input.baseSolutionVersionArn === undefined) {
        throw new EngineJobError('Create failed. trainingMode UPDATE requires an ACTIVE solution version trained with trainingMode FULL.');
      }
      base = await this.models.load(input.baseSolutionVersionArn);
    }
    const { model, metrics, tunedHyperParameters, warnings } = await trainSolutionVersion(group, input, base);
    await this.models.save(input.solutionVersionArn, model);
    return {
      metrics,
      ...(tunedHyperParameters === undefined ? {} : { tunedHyperParameters }),
      ...(warnings === undefined ? {} : { warnings }),
    };
  }

  validateFilterExpression(expression: string, context?: FilterValidationContext): void {
    const parsed = parseFilterExpression(expression);
    if (context !== undefined) checkFilterFields(parsed, context);
  }

  async getRecommendations(input: RecommendInput): Promise<readonly ScoredItem[]> {
    const { model, group } = await this.model(input.solutionVersionArn);
    return recommend(group, model, this.filters, {
      numResults: input.numResults,
      ...(input.userId === undefined ? {} : { userId: input.userId }),
      ...(input.itemId === undefined ? {} : { itemId: input.itemId }),
      ...(input.filter === undefined ? {} : { filter: input.filter }),
    });
  }

  async getPersonalizedRanking(input: RankInput): Promise<readonly ScoredItem[]> {
    const { model, group } = await this.model(input.solutionVersionArn);
    return rank(group, model, this.filters, {
      userId: input.userId,
      inputList: input.inputList,
      ...(input.filter === undefined ? {} : { filter: input.filter }),
    });
  }

  /** A row for `table` from an id, fixed columns and `properties`; rejects values breaking the schema. */
  private rowFrom(table: Table, fixed: Record<string, CellValue>, properties: Record<string, unknown> | undefined): CellValue[] {
    const props = new Map<string, unknown>();
    for (const [k, v] of Object.entries(properties ?? {})) props.set(normalise(k), v);
    return table.fields.map((field) => {
      const upper = field.name.toUpperCase();
      if (upper in fixed) {
        const v = fixed[upper];
        if ((v === undefined || v === null) && !field.nullable) throw new EngineInputError(`${field.name} is required`);
        return v ?? null;
      }
      const raw = props.get(normalise(field.name));
      if (raw === undefined || raw === null) {
        if (field.nullable) return null;
        throw new EngineInputError(`properties is missing required field ${field.name}`);
      }
      const text = Array.isArray(raw) ? raw.join('|') : String(raw);
      const result = convertCell(field, text);
      if ('error' in result) throw new EngineInputError(`properties field ${field.name}: ${result.error}`);
      return result.value;
    });
  }

  private async appendRows(group: DatasetGroup, type: DatasetType, rows: CellValue[][]): Promise<void> {
    const table = group.tableForWrites(type);
    const records = rows.map((values): PutRecord => ({ op: 'row', type, row: table.append(values), values }));
    group.touch();
    if (!this.marked.has(group.datasetGroupArn)) {
      await this.persistence.markGroup(group);
      this.marked.add(group.datasetGroupArn);
    }
    await this.persistence.appendPuts(group, records);
  }

  async putEvents(datasetGroupArn: string, events: readonly InteractionEvent[]): Promise<void> {
    const group = await this.group(datasetGroupArn);
    const table = group.tableForWrites('INTERACTIONS');
    const rows: CellValue[][] = [];
    for (const e of events) {
      const reserved = Object.keys(e.properties ?? {}).find((k) => FORBIDDEN_EVENT_PROPERTIES.has(k.toLowerCase()));
      if (reserved !== undefined) throw new EngineInputError(`properties must not contain the key ${reserved}`);
      if (!Number.isFinite(e.sentAt)) throw new EngineInputError('sentAt must be epoch seconds');
      // Interactions need an item; events without one (e.g. session starts) are not stored.
      if (e.itemId === undefined) continue;
      rows.push(
        this.rowFrom(
          table,
          {
            USER_ID: e.userId ?? e.sessionId,
            ITEM_ID: e.itemId,
            TIMESTAMP: Math.floor(e.sentAt),
            EVENT_TYPE: e.eventType,
            EVENT_VALUE: e.eventValue ?? null,
            IMPRESSION: e.impression === undefined ? null : e.impression.join('|'),
            RECOMMENDATION_ID: e.recommendationId ?? null,
          },
          e.properties,
        ),
      );
    }
    if (rows.length > 0) await this.appendRows(group, 'INTERACTIONS', rows);
  }

  private async putRecords(
    datasetArn: string,
    idField: 'ITEM_ID' | 'USER_ID',
    records: readonly { id: string; properties?: Record<string, unknown> }[],
  ): Promise<void> {
    const { group, type } = await this.datasetOwner(datasetArn);
    const expected = idField === 'ITEM_ID' ? 'ITEMS' : 'USERS';
    if (type !== expected) throw new EngineInputError(`${datasetArn} is not a${expected === 'ITEMS' ? 'n Items' : ' Users'} dataset`);
    const table = group.tableForWrites(type);
    const rows = records.map((r) => this.rowFrom(table, { [idField]: r.id }, r.properties));
    if (rows.length > 0) await this.appendRows(group, type, rows);
  }

  async putItems(datasetArn: string, items: readonly { itemId: string; properties?: Record<string, unknown> }[]): Promise<void> {
    await this.putRecords(
      datasetArn,
      'ITEM_ID',
      items.map((i) => ({ id: i.itemId, ...(i.properties === undefined ? {} : { properties: i.properties }) })),
    );
  }

  async putUsers(datasetArn: string, users: readonly { userId: string; properties?: Record<string, unknown> }[]): Promise<void> {
    await this.putRecords(
      datasetArn,
      'USER_ID',
      users.map((u) => ({ id: u.userId, ...(u.properties === undefined ? {} : { properties: u.properties }) })),
    );
  }

  private async runBatch(input: BatchJobInput, perLine: typeof inferenceLine): Promise<void> {
    const { model, group } = await this.model(input.solutionVersionArn).catch((err: unknown) => {
      throw new EngineJobError((err as Error).message);
    });
    const numResults = input.numResults ?? DEFAULT_BATCH_RESULTS;
    try {
      validateNumResults(numResults);
      if (input.filter !== undefined) parseFilterExpression(input.filter.filterExpression);
    } catch (err) {
      throw new EngineJobError((err as Error).message);
    }
    const pooled = perLine === inferenceLine && recipeFor(model.info.recipe).recipeType === 'USER_PERSONALIZATION';
    let pool: ScorePool | undefined | null;
    try {
      for (const file of await batchFiles(this.options.blobs, input.inputPath, input.outputPath)) {
        await transformLines(this.options.blobs, file, BATCH_CHUNK, async (lines) => {
          if (pooled && lines.length >= POOL_MIN_LINES) {
            pool ??= ScorePool.forModel(group, model) ?? null; // null: a model the workers cannot score
            if (pool !== null) return pooledInferenceLines(group, model, this.filters, pool, lines, numResults, input.filter);
          }
          const out = lines.map((line) => perLine(group, model, this.filters, line, numResults, input.filter));
          await new Promise((resolve) => setImmediate(resolve));
          return out;
        });
      }
    } finally {
      await pool?.close();
    }
  }

  async runBatchInference(input: BatchJobInput): Promise<void> {
    return asJob(() => this.runBatchInferenceJob(input));
  }

  private async runBatchInferenceJob(input: BatchJobInput): Promise<void> {
    const { model } = await this.model(input.solutionVersionArn).catch((err: unknown) => {
      throw new EngineJobError((err as Error).message);
    });
    const type = recipeFor(model.info.recipe).recipeType;
    if (type === 'USER_SEGMENTATION') throw new EngineJobError(`Recipe ${model.info.recipe} supports batch segment jobs only.`);
    if (model.info.family === 'trending') throw new EngineJobError('Trending-Now does not support batch inference jobs.');
    await this.runBatch(input, inferenceLine);
  }

  async runBatchSegment(input: BatchJobInput): Promise<void> {
    return asJob(() => this.runBatchSegmentJob(input));
  }

  private async runBatchSegmentJob(input: BatchJobInput): Promise<void> {
    const { model } = await this.model(input.solutionVersionArn).catch((err: unknown) => {
      throw new EngineJobError((err as Error).message);
    });
    if (recipeFor(model.info.recipe).recipeType !== 'USER_SEGMENTATION') {
      throw new EngineJobError(`Batch segment jobs need a USER_SEGMENTATION recipe, not ${model.info.recipe}.`);
    }
    await this.runBatch(input, segmentLine);
  }

  async deleteDatasetGroup(datasetGroupArn: string): Promise<void> {
    await this.loaded;
    this.groups.delete(datasetGroupArn);
    await this.persistence.remove(datasetGroupArn);
    await this.models.removeGroup(datasetGroupArn);
  }

  async close(): Promise<void> {
    await this.loaded;
  }
}
