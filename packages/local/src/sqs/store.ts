/**
 * Every queue of the local cloud, persisted under `<dataDir>/sqs/` as a snapshot plus a journal
 * (see `journal.ts`).
 *
 * Each mutation (send, receive, delete, visibility change, DLQ move) resolves only after its
 * journal line is on disk, so anything SQS acknowledged — including in-flight messages and their
 * receive counts — survives a crash. Writes are grouped: all mutations that arrive while a write
 * is in progress share the next one.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { SqsError, queueDoesNotExist } from './errors';
import { QueueJournal, type JournalOp, type QueueMeta } from './journal';
import { readJson, writeJsonAtomic } from '../persist';
import { QUEUE_DEFAULTS, SqsQueue, queueArn, queueNameFromArn, type QueueState, type SendInput, type StoredMessage } from './queue';
import { clip, quote } from '../errors';

export interface SqsStoreOptions {
  readonly dataDir: string;
  /** Called for DLQ moves and redrives (the cloud appends them to its event log). */
  readonly onEvent?: (kind: string, data: Record<string, unknown>) => void;
  readonly now?: () => number;
}

export interface ReceiveOptions {
  readonly maxMessages: number;
  readonly visibilityTimeoutSeconds?: number;
  /** Long polling: wait up to this long for a message (0 = short poll). */
  readonly waitTimeSeconds?: number;
  readonly signal?: AbortSignal;
  /** A consumer inside this process (see `StoredMessage.heldBy`); external clients leave it unset. */
  readonly holder?: string;
}

export const MOVE_TASK_STATUS = {
  running: 'RUNNING',
  completed: 'COMPLETED',
  cancelled: 'CANCELLED',
  failed: 'FAILED',
} as const;
type MoveTaskStatus = (typeof MOVE_TASK_STATUS)[keyof typeof MOVE_TASK_STATUS];

export interface MoveTask {
  readonly taskHandle: string;
  readonly sourceArn: string;
  readonly destinationArn?: string;
  readonly maxNumberOfMessagesPerSecond?: number;
  readonly startedTimestamp: number;
  status: MoveTaskStatus;
  approximateNumberOfMessagesMoved: number;
  approximateNumberOfMessagesToMove: number;
  failureReason?: string;
}

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** Event-log kinds SQS reports through `onEvent`. */
export const SQS_LOG_KIND = {
  /** A message passed maxReceiveCount and moved to the dead-letter queue. */
  deadLettered: 'sqs.dead-lettered',
  /** A message moved back by StartMessageMoveTask. */
  redriven: 'sqs.redriven',
} as const;

export class SqsStore {
  private readonly queues = new Map<string, SqsQueue>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private journal!: QueueJournal;
  private readonly moveTasks: MoveTask[] = [];
  private taskWrites: Promise<void> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();
  private isClosed = false;
  readonly now: () => number;

  private constructor(private readonly options: SqsStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Loads every persisted queue. Messages in flight with an external consumer stay in flight until
   * their timeout ends; those the runner of the previous process held are visible at once.
   */
  static async open(options: SqsStoreOptions): Promise<SqsStore> {
    const store = new SqsStore(options);
    store.journal = await QueueJournal.open(
      join(options.dataDir, 'sqs'),
      () => [...store.queues.values()].map((queue) => queue.state),
      (states) => {
        for (const state of states) store.queues.set(state.name, new SqsQueue(state));
      },
    );
    // Messages the previous process's runner held died with it: visible now, not after their timeout.
    const now = store.now();
    const released: JournalOp[] = [];
    for (const queue of store.queues.values()) {
      for (const message of queue.releaseHeld(now)) released.push({ t: 'msg', q: queue.name, m: message });
    }
    if (released.length > 0) await store.record(released);
    // Move tasks survive a restart; one that was running carries on where it stopped.
    store.moveTasks.push(...((await readJson<MoveTask[]>(store.moveTasksFile)) ?? []));
    for (const task of store.moveTasks) if (task.status === MOVE_TASK_STATUS.running) void store.runMoveTask(task);
    return store;
  }

  private get moveTasksFile(): string {
    return join(this.options.dataDir, 'sqs', 'move-tasks.json');
  }

  private saveMoveTasks(): Promise<void> {
    const write = this.taskWrites.then(() => writeJsonAtomic(this.moveTasksFile, this.moveTasks.slice(-100)));
    this.taskWrites = write.catch(() => undefined);
    return write;
  }

  /** True once `close` was called: receives return at once and pollers should stop. */
  get closed(): boolean {
    return this.isClosed;
  }

  // ---- queues ----

  createQueue(
    name: string,
    attributes: Record<string, string>,
    tags: Record<string, string> = {},
  ): { queue: SqsQueue; written: Promise<void> } {
    if (!QUEUE_NAME.test(name)) {
      throw new SqsError(
        'InvalidParameterValue',
        `Queue name ${quote(name)} is invalid: use 1-80 characters from A-Z, a-z, 0-9, hyphen and underscore.`,
        'InvalidParameterValue',
        400,
        'com.amazon.coral.validate#ValidationException',
      );
    }
    const existing = this.queues.get(name);
    if (existing) {
      for (const [key, value] of Object.entries(attributes)) {
        const current = existing.state.attributes[key] ?? QUEUE_DEFAULTS[key as keyof typeof QUEUE_DEFAULTS];
        if (current !== value) {
          throw new SqsError(
            'QueueNameExists',
            `A queue already exists with the same name and a different value for attribute ${clip(key)}`,
            'QueueAlreadyExists',
          );
        }
      }
      return { queue: existing, written: Promise.resolve() };
    }
    const now = this.now();
    const queue = new SqsQueue({ name, createdAt: now, modifiedAt: now, attributes: { ...attributes }, tags: { ...tags }, messages: [] });
    this.queues.set(name, queue);
    return { queue, written: this.record([metaOp(queue.state)]) };
  }

  getQueue(name: string): SqsQueue {
    const queue = this.queues.get(name);
    if (!queue) throw queueDoesNotExist(name);
    return queue;
  }

  findQueue(name: string): SqsQueue | undefined {
    return this.queues.get(name);
  }

  queueByArn(arn: string): SqsQueue | undefined {
    const name = queueNameFromArn(arn);
    return name === undefined ? undefined : this.queues.get(name);
  }

  listQueues(prefix = ''): SqsQueue[] {
    return [...this.queues.values()].filter((queue) => queue.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Queues whose RedrivePolicy targets the given dead-letter queue. */
  deadLetterSources(dlqName: string): SqsQueue[] {
    const arn = queueArn(dlqName);
    return this.listQueues().filter((queue) => queue.redrivePolicy()?.deadLetterTargetArn === arn);
  }

  async deleteQueue(name: string): Promise<void> {
    this.getQueue(name);
    this.queues.delete(name);
    this.wake(name);
    await this.record([{ t: 'drop', q: name }]);
  }

  async setAttributes(name: string, attributes: Record<string, string>): Promise<void> {
    const queue = this.getQueue(name);
    for (const [key, value] of Object.entries(attributes)) {
      // An empty RedrivePolicy removes the dead-letter queue, as in SQS.
      if (value === '' && (key === 'RedrivePolicy' || key === 'RedriveAllowPolicy' || key === 'Policy')) delete queue.state.attributes[key];
      else queue.state.attributes[key] = value;
    }
    queue.state.modifiedAt = this.now();
    this.wake(name);
    await this.record([metaOp(queue.state)]);
  }

  async tag(name: string, tags: Record<string, string>): Promise<void> {
    const queue = this.getQueue(name);
    Object.assign(queue.state.tags, tags);
    await this.record([metaOp(queue.state)]);
  }

  async untag(name: string, keys: readonly string[]): Promise<void> {
    const queue = this.getQueue(name);
    for (const key of keys) delete queue.state.tags[key];
    await this.record([metaOp(queue.state)]);
  }

  // ---- messages ----

  async send(name: string, inputs: readonly SendInput[]): Promise<StoredMessage[]> {
    const queue = this.getQueue(name);
    const now = this.now();
    const sent = inputs.map((input) => queue.send(input, now));
    await this.record(sent.map((message) => ({ t: 'msg', q: name, m: message })));
    this.wake(name);
    return sent;
  }

  /** Receives like ReceiveMessage: moves exhausted messages to the DLQ, long-polls if asked. */
  async receive(name: string, options: ReceiveOptions): Promise<StoredMessage[]> {
    const waitMs = (options.waitTimeSeconds ?? Number(this.getQueue(name).state.attributes.ReceiveMessageWaitTimeSeconds ?? 0)) * 1000;
    const deadline = this.now() + waitMs;
    for (;;) {
      const queue = this.getQueue(name);
      const now = this.now();
      const visibility = options.visibilityTimeoutSeconds ?? queue.attribute('VisibilityTimeout');
      const policy = queue.redrivePolicy();
      const dlq = policy ? this.queueByArn(policy.deadLetterTargetArn) : undefined;
      const { received, exhausted } = queue.receive(
        now,
        options.maxMessages,
        visibility,
        dlq ? policy?.maxReceiveCount : undefined,
        options.holder,
      );
      const ops: JournalOp[] = received.map((message) => ({ t: 'msg', q: name, m: message }));
      if (dlq && exhausted.length > 0) {
        ops.push({ t: 'del', q: name, ids: exhausted.map((message) => message.id) });
        for (const message of exhausted) {
          ops.push({ t: 'msg', q: dlq.name, m: dlq.adopt(message, now, queue.arn) });
          this.options.onEvent?.(SQS_LOG_KIND.deadLettered, {
            queue: queue.name,
            deadLetterQueue: dlq.name,
            messageId: message.id,
            receiveCount: message.receiveCount,
          });
        }
      }
      if (ops.length > 0) await this.record(ops);
      if (dlq && exhausted.length > 0) this.wake(dlq.name);
      if (received.length > 0) return received;
      const remaining = deadline - this.now();
      if (remaining <= 0 || this.isClosed || options.signal?.aborted) return [];
      const nextAvailable = queue.nextAvailableAt(this.now());
      await this.waitForChange(
        name,
        Math.min(remaining, nextAvailable === undefined ? remaining : Math.max(1, nextAvailable - this.now())),
        options.signal,
      );
    }
  }

  /** Deletes by receipt handle; returns, per handle, the error that stopped it (undefined when deleted). */
  async deleteMessages(name: string, receiptHandles: readonly string[]): Promise<(SqsError | undefined)[]> {
    const queue = this.getQueue(name);
    const ids: string[] = [];
    const results = receiptHandles.map((handle) => {
      try {
        const id = queue.delete(handle);
        if (id !== undefined) ids.push(id);
        return undefined;
      } catch (error) {
        if (error instanceof SqsError) return error;
        throw error;
      }
    });
    if (ids.length > 0) await this.record([{ t: 'del', q: name, ids }]);
    return results;
  }

  async changeVisibility(name: string, receiptHandle: string, visibilityTimeoutSeconds: number): Promise<void> {
    const message = this.getQueue(name).changeVisibility(receiptHandle, visibilityTimeoutSeconds, this.now());
    await this.record([{ t: 'msg', q: name, m: message }]);
    if (visibilityTimeoutSeconds === 0) this.wake(name);
  }

  async purge(name: string): Promise<void> {
    const queue = this.getQueue(name);
    const now = this.now();
    if (queue.state.purgedAt !== undefined && now - queue.state.purgedAt < 60_000) {
      throw new SqsError(
        'PurgeQueueInProgress',
        `Only one PurgeQueue operation on ${clip(name)} is allowed every 60 seconds.`,
        'AWS.SimpleQueueService.PurgeQueueInProgress',
        403,
      );
    }
    queue.purge(now);
    await this.record([{ t: 'purge', q: name, at: now }]);
  }

  // ---- dead-letter redrive (StartMessageMoveTask) ----

  startMoveTask(sourceArn: string, destinationArn?: string, maxPerSecond?: number): MoveTask {
    const source = this.queueByArn(sourceArn);
    if (!source)
      throw new SqsError('ResourceNotFoundException', `The resource ${sourceArn} does not exist.`, 'ResourceNotFoundException', 404);
    if (this.deadLetterSources(source.name).length === 0) {
      throw new SqsError(
        'InvalidParameterValue',
        `Source queue ${sourceArn} must be configured as a dead-letter queue (no queue names it in its RedrivePolicy).`,
        'InvalidParameterValue',
        400,
        'com.amazon.coral.validate#ValidationException',
      );
    }
    if (destinationArn !== undefined && !this.queueByArn(destinationArn)) {
      throw new SqsError('ResourceNotFoundException', `The resource ${destinationArn} does not exist.`, 'ResourceNotFoundException', 404);
    }
    if (this.moveTasks.some((task) => task.sourceArn === sourceArn && task.status === MOVE_TASK_STATUS.running)) {
      throw new SqsError(
        'UnsupportedOperation',
        `A message move task is already running for ${sourceArn}.`,
        'AWS.SimpleQueueService.UnsupportedOperation',
      );
    }
    const now = this.now();
    const task: MoveTask = {
      taskHandle: Buffer.from(JSON.stringify({ id: randomUUID(), sourceArn }), 'utf8').toString('base64'),
      sourceArn,
      ...(destinationArn !== undefined ? { destinationArn } : {}),
      ...(maxPerSecond !== undefined ? { maxNumberOfMessagesPerSecond: maxPerSecond } : {}),
      startedTimestamp: now,
      status: MOVE_TASK_STATUS.running,
      approximateNumberOfMessagesMoved: 0,
      approximateNumberOfMessagesToMove: source.counts(now).visible,
    };
    this.moveTasks.push(task);
    void this.saveMoveTasks().catch(() => undefined);
    void this.runMoveTask(task);
    return task;
  }

  listMoveTasks(sourceArn: string, max = 1): MoveTask[] {
    if (!this.queueByArn(sourceArn))
      throw new SqsError('ResourceNotFoundException', `The resource ${sourceArn} does not exist.`, 'ResourceNotFoundException', 404);
    return this.moveTasks
      .filter((task) => task.sourceArn === sourceArn)
      .reverse()
      .slice(0, max);
  }

  cancelMoveTask(taskHandle: string): MoveTask {
    const task = this.moveTasks.find((candidate) => candidate.taskHandle === taskHandle);
    if (!task) throw new SqsError('ResourceNotFoundException', `Task ${taskHandle} does not exist.`, 'ResourceNotFoundException', 404);
    if (task.status !== MOVE_TASK_STATUS.running) {
      throw new SqsError(
        'UnsupportedOperation',
        `Task ${taskHandle} is ${task.status} and cannot be cancelled.`,
        'AWS.SimpleQueueService.UnsupportedOperation',
      );
    }
    task.status = MOVE_TASK_STATUS.cancelled;
    void this.saveMoveTasks().catch(() => undefined);
    return task;
  }

  /** Moves the messages visible when the task started, at most `maxPerSecond` each second. */
  private async runMoveTask(task: MoveTask): Promise<void> {
    try {
      while (task.status === MOVE_TASK_STATUS.running && !this.isClosed) {
        const source = this.queueByArn(task.sourceArn);
        const left = task.approximateNumberOfMessagesToMove - task.approximateNumberOfMessagesMoved;
        if (!source || left <= 0) break;
        const now = this.now();
        const batch = source.takeAvailable(
          now,
          Math.min(left, task.maxNumberOfMessagesPerSecond ?? left),
          (message) =>
            task.destinationArn !== undefined ||
            (message.deadLetterSourceArn !== undefined && this.queueByArn(message.deadLetterSourceArn) !== undefined),
        );
        if (batch.length === 0) break;
        const touched = new Set<string>();
        const ops: JournalOp[] = [{ t: 'del', q: source.name, ids: batch.map((message) => message.id) }];
        for (const message of batch) {
          const target = this.queueByArn(task.destinationArn ?? message.deadLetterSourceArn ?? '');
          if (!target) continue;
          ops.push({ t: 'msg', q: target.name, m: target.adopt(message, now) });
          touched.add(target.name);
          this.options.onEvent?.(SQS_LOG_KIND.redriven, { from: source.name, to: target.name, messageId: message.id });
        }
        task.approximateNumberOfMessagesMoved += batch.length;
        await this.record(ops);
        for (const name of touched) this.wake(name);
        if (
          task.maxNumberOfMessagesPerSecond !== undefined &&
          task.approximateNumberOfMessagesMoved < task.approximateNumberOfMessagesToMove
        ) {
          await this.sleep(1000);
        }
      }
      if (task.status === MOVE_TASK_STATUS.running && !this.isClosed) task.status = MOVE_TASK_STATUS.completed;
    } catch (error) {
      task.status = MOVE_TASK_STATUS.failed;
      task.failureReason = (error as Error).message;
    }
    if (!this.isClosed) await this.saveMoveTasks().catch(() => undefined);
  }

  // ---- waiting ----

  /** Resolves when something may have become receivable on `name`, after `ms`, or on abort/close. */
  private waitForChange(name: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.waiters.get(name) ?? new Set<() => void>();
      this.waiters.set(name, waiters);
      const done = (): void => {
        clearTimeout(timer);
        this.timers.delete(timer);
        waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.timers.add(timer);
      waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private wake(name: string): void {
    const waiters = this.waiters.get(name);
    if (!waiters) return;
    for (const waiter of [...waiters]) waiter();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  // ---- persistence ----

  /** Journals operations (resolving once durable) and folds a large journal into a snapshot. */
  private record(ops: readonly JournalOp[]): Promise<void> {
    const written = this.journal.record(ops);
    if (this.journal.needsCompaction)
      void this.journal.compact(() => [...this.queues.values()].map((queue) => queue.state)).catch(() => undefined);
    return written;
  }

  /** Ends long polls and move tasks, then waits for pending writes. */
  async close(): Promise<void> {
    this.isClosed = true;
    for (const name of this.waiters.keys()) this.wake(name);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.journal.close();
    await this.taskWrites;
  }
}

function metaOp(state: QueueState): JournalOp {
  const { messages: _messages, ...meta } = state;
  return { t: 'queue', q: meta satisfies QueueMeta };
}
