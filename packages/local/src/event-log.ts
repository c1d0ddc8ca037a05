/**
 * The local cloud's observability trail: an append-only JSON Lines file in the data directory
 * (`events.jsonl`) holding every bus event, every delivery to a handler and every S3 notification,
 * so the CLI can show a run's timeline and tail events.
 *
 * One process writes (the local cloud); any number of readers may read or tail the file.
 * In-process listeners get each entry as soon as it is appended.
 *
 * The file is rotated so a long-lived data directory does not grow without bound: past `maxBytes`
 * (64 MiB) it becomes `events.1.jsonl` (older ones shift to `.2`, `.3`, …; beyond `keep`, 4, they
 * are deleted) and a new `events.jsonl` starts. Sequence numbers continue across files; readers
 * read the rotated files first.
 */
import { createWriteStream, existsSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir } from './persist';
import { PersistError } from './errors';

export const EVENT_LOG_FILE = 'events.jsonl';

/** Rotation defaults: at most (1 + keep) files of about maxBytes each. */
export const EVENT_LOG_ROTATION = { maxBytes: 64 * 1024 * 1024, keep: 4 } as const;

export interface EventLogOptions {
  /** Rotate once the current file passes this size. Default 64 MiB. */
  readonly maxBytes?: number;
  /** Rotated files kept (`events.1.jsonl` newest). Default 4. */
  readonly keep?: number;
}

/** `events.jsonl` for generation 0, `events.<n>.jsonl` for the n-th newest rotated file. */
export function eventLogFile(dataDir: string, generation = 0): string {
  return join(dataDir, generation === 0 ? EVENT_LOG_FILE : `events.${generation}.jsonl`);
}

/** The kinds of entries the local cloud writes. Owners of a service may add their own. */
export const EVENT_LOG_KIND = {
  /** An event accepted by PutEvents on a bus (data: the event as EventBridge delivers it). */
  busEvent: 'bus.event',
  /** A batch or event handed to a handler, and its outcome. */
  delivery: 'delivery',
  /** An S3 event a service still failed on after Lambda's retries, sent to its async DLQ (service, bucket, key, attempts, reason, deadLetterQueue, messageId). */
  asyncDeadLettered: 'lambda.dead-lettered',
  /** An S3 ObjectCreated notification record. */
  s3ObjectCreated: 's3.object-created',
  /** A service's call the local IAM denied (service, operation, action, resource, message). */
  accessDenied: 'iam.access-denied',
} as const;

export interface EventLogEntry {
  /** Increases by one per entry across restarts. */
  readonly seq: number;
  /** ISO-8601 time the entry was appended. */
  readonly time: string;
  readonly kind: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export type EventLogListener = (entry: EventLogEntry) => void;

/** Reads the sequence number of the last complete line, so numbering continues after a restart. */
async function lastSeq(file: string): Promise<number> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    return 0;
  }
  if (size === 0) return 0;
  const handle = await open(file, 'r');
  try {
    // Entries are small; scan backwards in growing windows until a complete line is found.
    for (let window = 64 * 1024; ; window *= 4) {
      const start = Math.max(0, size - window);
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      const lines = buffer.toString('utf8').split('\n');
      // The first piece may be a partial line unless we read from the start of the file.
      const candidates = start === 0 ? lines : lines.slice(1);
      for (let i = candidates.length - 1; i >= 0; i--) {
        const line = candidates[i]?.trim();
        if (!line) continue;
        try {
          const seq = (JSON.parse(line) as Partial<EventLogEntry>).seq;
          if (typeof seq === 'number') return seq;
        } catch {
          // A torn last line (crash mid-append): skip it.
        }
      }
      if (start === 0) return 0;
    }
  } finally {
    await handle.close();
  }
}

/** True when the file's last byte is not a newline (a crash cut the last append short). */
async function endsInsideLine(file: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return false;
  }
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}

/** The writer side, owned by the local cloud. */
export class EventLog {
  private readonly listeners = new Set<EventLogListener>();
  private closed = false;

  private constructor(
    readonly file: string,
    private stream: WriteStream,
    private seq: number,
    private bytes: number,
    private readonly dataDir: string,
    private readonly rotation: { readonly maxBytes: number; readonly keep: number },
  ) {}

  /** Opens (creating if needed) `<dataDir>/events.jsonl` for appending. */
  static async open(dataDir: string, options: EventLogOptions = {}): Promise<EventLog> {
    await ensureDir(dataDir);
    const file = join(dataDir, EVENT_LOG_FILE);
    // A fresh file after a rotation continues the numbering of the newest rotated one.
    const seq = (await lastSeq(file)) || (await lastSeq(eventLogFile(dataDir, 1)));
    const torn = await endsInsideLine(file);
    const stream = createWriteStream(file, { flags: 'a' });
    // A crash mid-append leaves a line without its newline: end it, so the next entry starts clean.
    if (torn) stream.write('\n');
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (error) => reject(new PersistError(`Could not open ${file}: ${error.message}`, file, { cause: error })));
    });
    const bytes = await stat(file).then(
      (info) => info.size,
      () => 0,
    );
    const rotation = { maxBytes: options.maxBytes ?? EVENT_LOG_ROTATION.maxBytes, keep: options.keep ?? EVENT_LOG_ROTATION.keep };
    return new EventLog(file, stream, seq, bytes, dataDir, rotation);
  }

  /**
   * Appends one entry. Resolves once the line reached the operating system. Listeners are called
   * synchronously, in order, before this returns.
   */
  append(kind: string, data: Readonly<Record<string, unknown>>): Promise<EventLogEntry> {
    if (this.closed) return Promise.reject(new PersistError(`Event log ${this.file} is closed`, this.file));
    const entry: EventLogEntry = { seq: ++this.seq, time: new Date().toISOString(), kind, data };
    const line = `${JSON.stringify(entry)}\n`;
    const stream = this.stream;
    const written = new Promise<EventLogEntry>((resolve, reject) => {
      stream.write(line, (error) => (error ? reject(error) : resolve(entry)));
    });
    this.bytes += Buffer.byteLength(line);
    if (this.bytes >= this.rotation.maxBytes) this.rotate();
    for (const listener of this.listeners) {
      try {
        listener(entry);
      } catch {
        // A failing observer must not break the service that appended.
      }
    }
    return written;
  }

  /**
   * Starts a new file. Renaming keeps the open descriptor on the same inode, so lines still
   * queued on the old stream land, in order, in the renamed file before it is closed.
   */
  private rotate(): void {
    const { keep } = this.rotation;
    try {
      rmSync(eventLogFile(this.dataDir, keep), { force: true });
      for (let generation = keep - 1; generation >= 1; generation--) {
        const from = eventLogFile(this.dataDir, generation);
        if (existsSync(from)) renameSync(from, eventLogFile(this.dataDir, generation + 1));
      }
      if (keep >= 1) renameSync(this.file, eventLogFile(this.dataDir, 1));
      else rmSync(this.file, { force: true });
    } catch {
      // Rotation is housekeeping: on failure keep appending to the current file and retry later.
      this.bytes = 0;
      return;
    }
    const previous = this.stream;
    this.stream = createWriteStream(this.file, { flags: 'a' });
    this.bytes = 0;
    previous.end();
  }

  /** Calls `listener` for every entry appended from now on; returns the unsubscribe function. */
  subscribe(listener: EventLogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Flushes and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await new Promise<void>((resolve) => this.stream.end(resolve));
  }
}

/** Parses complete lines of a chunk; returns the entries and the unparsed tail. */
function parseLines(text: string): { entries: EventLogEntry[]; rest: string } {
  const lines = text.split('\n');
  const rest = lines.pop() ?? '';
  const entries: EventLogEntry[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as EventLogEntry);
    } catch {
      // Only a crash mid-append produces an invalid line; it carries nothing acknowledged.
    }
  }
  return { entries, rest };
}

async function readEntries(file: string): Promise<EventLogEntry[]> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    const text = (await handle.readFile()).toString('utf8');
    // A final line without newline is either complete (parseable) or torn; try it.
    const { entries, rest } = parseLines(text);
    return rest.trim() === '' ? entries : [...entries, ...parseLines(`${rest}\n`).entries];
  } finally {
    await handle.close();
  }
}

/** The rotated files present, oldest first. */
async function rotatedFiles(dataDir: string): Promise<string[]> {
  const names = await readdir(dataDir).catch(() => [] as string[]);
  return names
    .map((name) => /^events\.(\d+)\.jsonl$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => b - a)
    .map((generation) => eventLogFile(dataDir, generation));
}

/** Reads every entry of the data directory's event log, rotated files first (empty when there is none yet). */
export async function readEventLog(dataDir: string): Promise<EventLogEntry[]> {
  const entries: EventLogEntry[] = [];
  for (const file of [...(await rotatedFiles(dataDir)), eventLogFile(dataDir)]) entries.push(...(await readEntries(file)));
  return entries;
}

export interface TailOptions {
  /** Start from the first entry instead of the end of the file. Default false. */
  readonly fromStart?: boolean;
  /** How often to look for new lines. Default 200 ms. */
  readonly pollIntervalMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Follows the event log of a data directory (possibly written by another process), calling
 * `onEntry` for each new entry. Resolves when `signal` aborts.
 */
export async function tailEventLog(dataDir: string, onEntry: (entry: EventLogEntry) => void, options: TailOptions = {}): Promise<void> {
  const file = join(dataDir, EVENT_LOG_FILE);
  const interval = options.pollIntervalMs ?? 200;
  let offset = 0;
  if (!options.fromStart) {
    try {
      offset = (await stat(file)).size;
    } catch {
      offset = 0;
    }
  }
  let rest = '';
  const poll = async (): Promise<void> => {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      return;
    }
    if (size < offset) {
      // Rotated (or the data directory was wiped): finish the renamed file, then start over.
      const rotated = eventLogFile(dataDir, 1);
      const rotatedSize = await stat(rotated).then(
        (info) => info.size,
        () => 0,
      );
      if (rotatedSize > offset) {
        const handle = await open(rotated, 'r');
        try {
          const buffer = Buffer.alloc(rotatedSize - offset);
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
          const parsed = parseLines(`${rest}${buffer.subarray(0, bytesRead).toString('utf8')}\n`);
          for (const entry of parsed.entries) onEntry(entry);
        } finally {
          await handle.close();
        }
      }
      offset = 0;
      rest = '';
    }
    if (size === offset) return;
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(size - offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      offset += bytesRead;
      const parsed = parseLines(rest + buffer.subarray(0, bytesRead).toString('utf8'));
      rest = parsed.rest;
      for (const entry of parsed.entries) onEntry(entry);
    } finally {
      await handle.close();
    }
  };
  while (!options.signal?.aborted) {
    await poll();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, interval);
      options.signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}
