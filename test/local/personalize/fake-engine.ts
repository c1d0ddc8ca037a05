/**
 * A test double of the engine port: records every call, answers runtime calls from a fixed catalog,
 * and lets a test hold jobs in progress or make them fail.
 */
import {
  type BatchJobInput,
  EngineInputError,
  EngineJobError,
  type ImportDatasetInput,
  type InteractionEvent,
  type PersonalizeEngine,
  type RankInput,
  type RecommendInput,
  type ScoredItem,
  type TrainInput,
  type TrainResult,
} from '@recops/engine';

type JobMethod = 'importDataset' | 'trainSolutionVersion' | 'runBatchInference' | 'runBatchSegment';

export const FAKE_METRICS = { coverage: 0.5, normalized_discounted_cumulative_gain_at_10: 0.25, precision_at_10: 0.1 };

export class FakeEngine implements PersonalizeEngine {
  readonly calls: { method: string; input: unknown }[] = [];
  /** Failure message per job method: the job rejects with EngineJobError. */
  readonly failures: Partial<Record<JobMethod, string>> = {};
  private readonly held = new Map<JobMethod, { promise: Promise<void>; release: () => void }>();
  private readonly waiting = new Map<JobMethod, number>();

  /** Jobs of `method` wait until the returned function is called. */
  hold(method: JobMethod): () => void {
    let release = (): void => undefined;
    const promise = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.held.set(method, { promise, release });
    return () => {
      this.held.delete(method);
      release();
    };
  }

  /** How many jobs of `method` are currently waiting on a hold. */
  waitingCount(method: JobMethod): number {
    return this.waiting.get(method) ?? 0;
  }

  callsOf(method: string): unknown[] {
    return this.calls.filter((call) => call.method === method).map((call) => call.input);
  }

  private async job(method: JobMethod, input: unknown): Promise<void> {
    this.calls.push({ method, input });
    const hold = this.held.get(method);
    if (hold !== undefined) {
      this.waiting.set(method, this.waitingCount(method) + 1);
      await hold.promise;
      this.waiting.set(method, this.waitingCount(method) - 1);
    }
    const failure = this.failures[method];
    if (failure !== undefined) throw new EngineJobError(failure);
  }

  async importDataset(input: ImportDatasetInput): Promise<{ readonly rowsImported: number }> {
    await this.job('importDataset', input);
    return { rowsImported: 3 };
  }

  async trainSolutionVersion(input: TrainInput): Promise<TrainResult> {
    await this.job('trainSolutionVersion', input);
    return { metrics: FAKE_METRICS };
  }

  validateFilterExpression(expression: string): void {
    this.calls.push({ method: 'validateFilterExpression', input: expression });
    if (!/^(INCLUDE|EXCLUDE) (ItemID|UserID) WHERE /.test(expression)) {
      throw new EngineInputError('Invalid filter expression at position 0: expected INCLUDE or EXCLUDE');
    }
  }

  async getRecommendations(input: RecommendInput): Promise<readonly ScoredItem[]> {
    this.calls.push({ method: 'getRecommendations', input });
    if (input.userId === 'bad-user') throw new EngineInputError('userId bad-user is not valid here');
    return Array.from({ length: input.numResults }, (_, index) => ({ itemId: `i${index + 1}`, score: 1 / (index + 1) }));
  }

  async getPersonalizedRanking(input: RankInput): Promise<readonly ScoredItem[]> {
    this.calls.push({ method: 'getPersonalizedRanking', input });
    return [...input.inputList].reverse().map((itemId, index) => ({ itemId, score: 1 / (index + 1) }));
  }

  async putEvents(datasetGroupArn: string, events: readonly InteractionEvent[]): Promise<void> {
    this.calls.push({ method: 'putEvents', input: { datasetGroupArn, events } });
  }

  async putItems(datasetArn: string, items: readonly { itemId: string; properties?: Record<string, unknown> }[]): Promise<void> {
    this.calls.push({ method: 'putItems', input: { datasetArn, items } });
  }

  async putUsers(datasetArn: string, users: readonly { userId: string; properties?: Record<string, unknown> }[]): Promise<void> {
    this.calls.push({ method: 'putUsers', input: { datasetArn, users } });
  }

  async runBatchInference(input: BatchJobInput): Promise<void> {
    await this.job('runBatchInference', input);
  }

  async runBatchSegment(input: BatchJobInput): Promise<void> {
    await this.job('runBatchSegment', input);
  }

  async deleteDatasetGroup(datasetGroupArn: string): Promise<void> {
    this.calls.push({ method: 'deleteDatasetGroup', input: datasetGroupArn });
  }

  async close(): Promise<void> {
    this.calls.push({ method: 'close', input: undefined });
  }
}
