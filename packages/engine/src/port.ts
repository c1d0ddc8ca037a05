/**
 * The narrow interface between the local Personalize service (HTTP surface, resource store,
 * status lifecycles: packages/local) and the recommender engine (packages/engine).
 *
 * The Personalize layer owns names, ARNs, statuses and errors; the engine owns data and models.
 * Job methods are awaited by the Personalize layer while the resource is CREATE IN_PROGRESS:
 * resolve → ACTIVE, reject with `EngineJobError` → CREATE FAILED with the error's message as
 * `failureReason`. Runtime methods reject with `EngineInputError` for what the service answers
 * with InvalidInputException.
 */
import type { Readable } from 'node:stream';

/** Object storage the engine reads imports and batch inputs from and writes batch outputs to. */
export interface BlobStore {
  /** Keys under a prefix, sorted, without folder markers. */
  list(bucket: string, prefix: string): Promise<string[]>;
  /** Streams an object; rejects with an error whose `code` is `NoSuchKey` when missing. */
  read(bucket: string, key: string): Promise<Readable>;
  /** Writes an object atomically and fires bucket notifications like a PutObject would. */
  write(bucket: string, key: string, body: Buffer | string | Readable): Promise<void>;
}

export type DatasetType = 'INTERACTIONS' | 'ITEMS' | 'USERS' | 'ACTIONS' | 'ACTION_INTERACTIONS';
export type ImportMode = 'FULL' | 'INCREMENTAL';
export type TrainingMode = 'FULL' | 'UPDATE';

export interface ImportDatasetInput {
  readonly datasetGroupArn: string;
  readonly datasetArn: string;
  readonly datasetType: DatasetType;
  /** The Avro schema as the JSON string CreateSchema received. */
  readonly schema: string;
  /** `s3://bucket/key.csv` for one file, or `s3://bucket/prefix/` for every CSV under it. */
  readonly dataLocation: string;
  readonly importMode: ImportMode;
}

export interface TrainInput {
  readonly datasetGroupArn: string;
  readonly solutionVersionArn: string;
  /** e.g. `arn:aws:personalize:::recipe/aws-user-personalization`, or a domain recipe for recommenders. */
  readonly recipeArn: string;
  readonly trainingMode: TrainingMode;
  readonly eventType?: string;
  /** CreateSolution's `solutionConfig` as received (eventValueThreshold, hpoConfig, algorithmHyperParameters, …). */
  readonly solutionConfig?: Record<string, unknown>;
  readonly performHPO: boolean;
  /** For UPDATE: the version it builds on (latest ACTIVE FULL/UPDATE version of the solution). */
  readonly baseSolutionVersionArn?: string;
}

export interface TrainResult {
  /** GetSolutionMetrics keys, e.g. `normalized_discounted_cumulative_gain_at_10`. */
  readonly metrics: Record<string, number>;
  /** With performHPO: the chosen hyperparameters, as DescribeSolutionVersion's tunedHPOParams reports them. */
  readonly tunedHyperParameters?: Record<string, string>;
  /** Settings the job accepted but did not carry out, each with the reason (e.g. an HPO range the model cannot search). */
  readonly warnings?: readonly string[];
}

export interface ScoredItem {
  readonly itemId: string;
  readonly score: number;
}

export interface FilterRef {
  readonly filterArn: string;
  readonly filterExpression: string;
  /** As received from the runtime request: values are comma-separated quoted strings. */
  readonly filterValues?: Record<string, string>;
}

export interface RecommendInput {
  /** The solution version a campaign or recommender serves. */
  readonly solutionVersionArn: string;
  readonly userId?: string;
  readonly itemId?: string;
  readonly numResults: number;
  readonly filter?: FilterRef;
  readonly context?: Record<string, string>;
}

export interface RankInput {
  readonly solutionVersionArn: string;
  readonly userId: string;
  readonly inputList: readonly string[];
  readonly filter?: FilterRef;
  readonly context?: Record<string, string>;
}

export interface InteractionEvent {
  readonly userId?: string;
  readonly sessionId: string;
  readonly itemId?: string;
  readonly eventType: string;
  readonly eventValue?: number;
  /** Epoch seconds. */
  readonly sentAt: number;
  readonly properties?: Record<string, unknown>;
  readonly impression?: readonly string[];
  readonly recommendationId?: string;
}

export interface BatchJobInput {
  readonly jobArn: string;
  readonly solutionVersionArn: string;
  /** `s3://bucket/key` or `s3://bucket/prefix/` (JSON Lines). */
  readonly inputPath: string;
  /** `s3://bucket/prefix/`; outputs are `<inputFileName>.out` under it. */
  readonly outputPath: string;
  readonly numResults?: number;
  readonly filter?: FilterRef;
}

/** What CreateFilter knows about the dataset group a filter is created in. */
export interface FilterValidationContext {
  /** The Avro schema (JSON as CreateSchema received) of each dataset the group has, by type. */
  readonly schemas: Partial<Record<DatasetType, string>>;
  /** Expressions of the group's other filters: distinct fields are limited across all of them too. */
  readonly otherFilterExpressions?: readonly string[];
}

export interface PersonalizeEngine {
  importDataset(input: ImportDatasetInput): Promise<{ readonly rowsImported: number }>;
  trainSolutionVersion(input: TrainInput): Promise<TrainResult>;
  /**
   * Rejects (EngineInputError) with a message pointing at the offending token. With a context it
   * also checks the fields against the group's schemas (exists, not boolean, not textual) and the
   * group-wide distinct field limit.
   */
  validateFilterExpression(expression: string, context?: FilterValidationContext): void;
  getRecommendations(input: RecommendInput): Promise<readonly ScoredItem[]>;
  getPersonalizedRanking(input: RankInput): Promise<readonly ScoredItem[]>;
  putEvents(datasetGroupArn: string, events: readonly InteractionEvent[]): Promise<void>;
  putItems(datasetArn: string, items: readonly { itemId: string; properties?: Record<string, unknown> }[]): Promise<void>;
  putUsers(datasetArn: string, users: readonly { userId: string; properties?: Record<string, unknown> }[]): Promise<void>;
  runBatchInference(input: BatchJobInput): Promise<void>;
  runBatchSegment(input: BatchJobInput): Promise<void>;
  /** Forget everything the engine holds for a deleted dataset group / solution version. */
  deleteDatasetGroup(datasetGroupArn: string): Promise<void>;
  close(): Promise<void>;
}

/** A job failed: the resource goes to CREATE FAILED with `message` as its failureReason. */
export class EngineJobError extends Error {
  override readonly name = 'EngineJobError';
}

/** A runtime or validation request is invalid: the service answers InvalidInputException. */
export class EngineInputError extends Error {
  override readonly name = 'EngineInputError';
}
