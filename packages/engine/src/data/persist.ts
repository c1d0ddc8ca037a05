/**
 * Dataset groups on disk, under `<dataDir>/groups/<key>/`:
 * - `group.json`: ARN, dataset infos, the shared user/item dictionaries, and per table its fields,
 *   row count and the dictionaries of its own string columns;
 * - `<TYPE>.bin`: the table's columns back to back (each padded to 8 bytes);
 * - `puts.jsonl`: PutEvents/PutItems/PutUsers since the last snapshot, replayed on load, so a put
 *   costs an append instead of rewriting a million-row table.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetGroup } from './group';
import type { DatasetInfo } from './group';
import type { FieldSpec } from './schema';
import type { DatasetType } from '../port';

interface TableHeader {
  readonly type: DatasetType;
  readonly fields: readonly FieldSpec[];
  readonly length: number;
  /** Own dictionaries of string columns by column index (shared ones are omitted). */
  readonly dicts: Record<string, string[]>;
}

interface GroupFile {
  readonly datasetGroupArn: string;
  readonly datasets: [DatasetType, DatasetInfo][];
  readonly users: string[];
  readonly items: string[];
  readonly tables: TableHeader[];
}

/** A row added by a put; `row` is its index in the table, so replay skips rows a snapshot already holds. */
export interface PutRecord {
  readonly op: 'row';
  readonly type: DatasetType;
  readonly row: number;
  readonly values: (string | number | boolean | null)[];
}

function groupKey(datasetGroupArn: string): string {
  return createHash('sha256').update(datasetGroupArn).digest('hex').slice(0, 24);
}

export class GroupPersistence {
  /**
   * Per-group queue: snapshots, log appends and removal of one group run one after another, so
   * concurrent imports never race on the same temp files and a put's log line never lands before
   * the snapshot that would drop it.
   */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly dataDir: string) {}

  private dir(arn: string): string {
    return join(this.dataDir, 'groups', groupKey(arn));
  }

  private serial<T>(arn: string, task: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(arn) ?? Promise.resolve()).then(task, task);
    this.queues.set(
      arn,
      run.catch(() => undefined),
    );
    return run;
  }

  /** Snapshots the group as it is now (captured synchronously, then written) and drops the put log. */
  save(group: DatasetGroup): Promise<void> {
    const dir = this.dir(group.datasetGroupArn);
    const headers: TableHeader[] = [];
    const bins: [DatasetType, Buffer][] = [];
    for (const [type, table] of group.tables) {
      const shared = group.sharedDictionaries(type);
      const dicts: Record<string, string[]> = {};
      const parts: Buffer[] = [];
      table.columns.forEach((c, i) => {
        const view = c.data.subarray(0, table.length);
        // Copied: rows appended while the snapshot is written must not change it.
        parts.push(Buffer.from(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength)));
        parts.push(Buffer.alloc((8 - (view.byteLength % 8)) % 8));
        if (c.kind === 'code' && !Object.values(shared).includes(c.dict)) dicts[String(i)] = [...c.dict.values];
      });
      bins.push([type, Buffer.concat(parts)]);
      headers.push({ type, fields: table.fields, length: table.length, dicts });
    }
    const file: GroupFile = {
      datasetGroupArn: group.datasetGroupArn,
      datasets: [...group.datasets],
      users: [...group.users.values],
      items: [...group.items.values],
      tables: headers,
    };
    return this.serial(group.datasetGroupArn, async () => {
      await mkdir(dir, { recursive: true });
      for (const [type, bin] of bins) {
        await writeFile(join(dir, `${type}.bin.tmp`), bin);
        await rename(join(dir, `${type}.bin.tmp`), join(dir, `${type}.bin`));
      }
      await writeFile(join(dir, 'group.json.tmp'), JSON.stringify(file));
      await rename(join(dir, 'group.json.tmp'), join(dir, 'group.json'));
      await rm(join(dir, 'puts.jsonl'), { force: true });
    });
  }

  appendPuts(group: DatasetGroup, records: readonly PutRecord[]): Promise<void> {
    const dir = this.dir(group.datasetGroupArn);
    const text = records.map((r) => `${JSON.stringify(r)}\n`).join('');
    return this.serial(group.datasetGroupArn, async () => {
      await mkdir(dir, { recursive: true });
      await appendFile(join(dir, 'puts.jsonl'), text);
    });
  }

  async loadAll(): Promise<DatasetGroup[]> {
    const root = join(this.dataDir, 'groups');
    const keys = await readdir(root).catch(() => [] as string[]);
    const groups: DatasetGroup[] = [];
    for (const key of keys) {
      const group = await this.load(join(root, key));
      if (group !== undefined) groups.push(group);
    }
    return groups;
  }

  private async load(dir: string): Promise<DatasetGroup | undefined> {
    const text = await readFile(join(dir, 'group.json'), 'utf8').catch(() => undefined);
    let group: DatasetGroup;
    if (text === undefined) {
      // Only puts so far: the ARN is in the marker written with the first put.
      const arn = await readFile(join(dir, 'arn'), 'utf8').catch(() => undefined);
      if (arn === undefined) return undefined;
      group = new DatasetGroup(arn);
    } else {
      const file = JSON.parse(text) as GroupFile;
      group = new DatasetGroup(file.datasetGroupArn, file.users, file.items);
      for (const [type, info] of file.datasets) group.datasets.set(type, info);
      for (const h of file.tables) {
        const bin = await readFile(join(dir, `${h.type}.bin`));
        const table = group.newTable(h.type, h.fields, Math.max(h.length, 1024));
        let offset = 0;
        table.columns.forEach((c, i) => {
          const width = c.kind === 'num' ? 8 : c.kind === 'code' ? 4 : 1;
          const bytes = h.length * width;
          const src = bin.subarray(offset, offset + bytes);
          const copy = new Uint8Array(src.length);
          copy.set(src);
          if (c.kind === 'num') c.data.set(new Float64Array(copy.buffer));
          else if (c.kind === 'code') {
            c.data.set(new Int32Array(copy.buffer));
            const own = h.dicts[String(i)];
            if (own !== undefined) for (const v of own) c.dict.encode(v);
          } else c.data.set(copy);
          offset += bytes + ((8 - (bytes % 8)) % 8);
        });
        table.length = h.length;
        group.tables.set(h.type, table);
      }
    }
    const puts = await readFile(join(dir, 'puts.jsonl'), 'utf8').catch(() => '');
    for (const line of puts.split('\n')) {
      if (line.trim() === '') continue;
      const rec = JSON.parse(line) as PutRecord;
      const table = group.tableForWrites(rec.type);
      // A snapshot written after the put (before its log line was dropped) already holds the row.
      if (rec.row < table.length) continue;
      table.append(rec.values);
    }
    group.touch();
    return group;
  }

  /** Remembers the ARN of a group that has only seen puts (no snapshot yet). */
  markGroup(group: DatasetGroup): Promise<void> {
    const dir = this.dir(group.datasetGroupArn);
    return this.serial(group.datasetGroupArn, async () => {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'arn'), group.datasetGroupArn);
    });
  }

  remove(datasetGroupArn: string): Promise<void> {
    return this.serial(datasetGroupArn, () => rm(this.dir(datasetGroupArn), { recursive: true, force: true }));
  }
}
