/**
 * Durable SQS state as a snapshot plus an append-only journal, so a message operation costs one
 * appended line (and one fsync shared by every operation in the same flush) instead of rewriting
 * a whole queue.
 *
 * Files under `<dataDir>/sqs/`:
 * - `snapshot.json` — `{ generation: g, queues }`, written atomically (temp file + rename);
 * - `journal-<g>.jsonl` — operations applied after snapshot g, in order.
 *
 * Compaction serialises the state synchronously and starts journal g+1 in the same tick, then
 * finishes journal g, writes snapshot g+1 and removes journal g. Recovery loads the snapshot and
 * replays journal g then journal g+1, so a crash at any point in between loses nothing that was
 * acknowledged (an operation is acknowledged only after the flush that wrote it). A torn last
 * line — a crash in the middle of an append — was never acknowledged and is skipped.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir, listDir, readJson, removeFile, removeStaleTempFiles, writeFileAtomic } from '../persist';
import type { QueueState, StoredMessage } from './queue';

export type QueueMeta = Omit<QueueState, 'messages'>;

export type JournalOp =
  | { readonly t: 'queue'; readonly q: QueueMeta }
  | { readonly t: 'drop'; readonly q: string }
  | { readonly t: 'msg'; readonly q: string; readonly m: StoredMessage }
  | { readonly t: 'del'; readonly q: string; readonly ids: readonly string[] }
  | { readonly t: 'purge'; readonly q: string; readonly at: number };

interface Snapshot {
  readonly generation: number;
  readonly queues: QueueState[];
}

/** Compact once a generation's journal is this large. */
const COMPACT_BYTES = 8 * 1024 * 1024;

function apply(queues: Map<string, QueueState>, op: JournalOp): void {
  switch (op.t) {
    case 'queue': {
      const existing = queues.get(op.q.name);
      queues.set(op.q.name, { ...op.q, messages: existing?.messages ?? [] });
      return;
    }
    case 'drop':
      queues.delete(op.q);
      return;
    case 'msg': {
      const queue = queues.get(op.q);
      if (!queue) return;
      const index = queue.messages.findIndex((message) => message.id === op.m.id);
      if (index >= 0) queue.messages[index] = op.m;
      else queue.messages.push(op.m);
      return;
    }
    case 'del': {
      const queue = queues.get(op.q);
      if (!queue) return;
      const ids = new Set(op.ids);
      queue.messages = queue.messages.filter((message) => !ids.has(message.id));
      return;
    }
    case 'purge': {
      const queue = queues.get(op.q);
      if (!queue) return;
      queue.messages = [];
      queue.purgedAt = op.at;
    }
  }
}

async function replay(file: string, queues: Map<string, QueueState>): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let op: JournalOp;
    try {
      op = JSON.parse(line) as JournalOp;
    } catch {
      continue; // torn final append: never acknowledged
    }
    apply(queues, op);
  }
}

interface Batch {
  readonly generation: number;
  readonly lines: string[];
  readonly done: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function newBatch(generation: number): Batch {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { generation, lines: [], done, resolve, reject };
}

export class QueueJournal {
  /** Operations not yet handed to a write; they all share the next flush (group commit). */
  private open: Batch | undefined;
  private readonly handles = new Map<number, FileHandle>();
  /** Writes, compactions and closes run one after another, in this chain. */
  private last: Promise<void> = Promise.resolve();
  private bytes = 0;
  private compacting = false;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private generation: number,
  ) {}

  private journalFile(generation: number): string {
    return join(this.dir, `journal-${generation}.jsonl`);
  }

  /** Recovers the queues (handing them to `load`) and starts a fresh generation. */
  static async open(dir: string, stateOf: () => QueueState[], load: (queues: QueueState[]) => void): Promise<QueueJournal> {
    await ensureDir(dir);
    await removeStaleTempFiles(dir);
    const snapshot = await readJson<Snapshot>(join(dir, 'snapshot.json'));
    const generation = snapshot?.generation ?? 0;
    const queues = new Map((snapshot?.queues ?? []).map((queue) => [queue.name, queue]));
    await replay(join(dir, `journal-${generation}.jsonl`), queues);
    await replay(join(dir, `journal-${generation + 1}.jsonl`), queues);
    load([...queues.values()]);
    const journal = new QueueJournal(dir, generation);
    await journal.compact(stateOf);
    return journal;
  }

  /** Queues operations; the returned promise resolves once they are on disk. */
  record(ops: readonly JournalOp[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`The SQS journal in ${this.dir} is closed`));
    if (!this.open) {
      const batch = newBatch(this.generation);
      this.open = batch;
      this.last = this.last.then(() => this.write(batch));
    }
    for (const op of ops) this.open.lines.push(JSON.stringify(op));
    return this.open.done;
  }

  private async write(batch: Batch): Promise<void> {
    if (this.open === batch) this.open = undefined;
    try {
      let handle = this.handles.get(batch.generation);
      if (!handle) {
        handle = await open(this.journalFile(batch.generation), 'a');
        this.handles.set(batch.generation, handle);
      }
      const text = `${batch.lines.join('\n')}\n`;
      await handle.write(text);
      await handle.datasync();
      this.bytes += text.length;
      batch.resolve();
    } catch (error) {
      batch.reject(error);
    }
  }

  /** True when the journal has grown enough to be folded into a snapshot. */
  get needsCompaction(): boolean {
    return this.bytes > COMPACT_BYTES && !this.compacting;
  }

  /** Writes the current state as snapshot g+1 and drops journal g (see the module comment). */
  compact(stateOf: () => QueueState[]): Promise<void> {
    // In one tick: close the open batch (it stays in journal g), serialise, switch generations.
    this.open = undefined;
    const previous = this.generation;
    const next = previous + 1;
    const text = JSON.stringify({ generation: next, queues: stateOf() } satisfies Snapshot);
    this.generation = next;
    this.bytes = 0;
    this.compacting = true;
    const done = this.last.then(async () => {
      try {
        await this.handles.get(previous)?.close();
        this.handles.delete(previous);
        await writeFileAtomic(join(this.dir, 'snapshot.json'), text);
        for (const name of await listDir(this.dir)) {
          const match = /^journal-(\d+)\.jsonl$/.exec(name);
          if (match && Number(match[1]) <= previous) await removeFile(join(this.dir, name));
        }
      } finally {
        this.compacting = false;
      }
    });
    this.last = done.catch(() => undefined);
    return done;
  }

  /** Waits for every queued write and closes the journal file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.last;
    for (const handle of this.handles.values()) await handle.close();
    this.handles.clear();
  }
}
