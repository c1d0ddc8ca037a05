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
import { Dictionary } from './dictionary';
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

export type PutRecord =
  | { readonly op: 'row'; readonly type: DatasetType; readonly values: (string | number | boolean | null)[] };

export function groupKey(datasetGroupArn: string): string {
  return createHash('sha256').update(datasetGroupArn).digest('hex').slice(0, 24);
}

export class GroupPersistence {
  /** Saves of one group run one after another: concurrent imports would race on the same temp files. */
  private readonly saving = new Map<string, Promise<void>>();

  constructor(private readonly dataDir: string) {}

  private dir(arn: string): string {
    return join(this.dataDir, 'groups', groupKey(arn));
  }

  save(group: DatasetGroup): Promise<void> {
    const dir = this.dir(group.datasetGroupArn);
    const next = (this.saving.get(dir) ?? Promise.resolve()).catch(() => undefined).then(() => this.write(group, dir));
    this.saving.set(dir, next);
    return next;
  }

  private async write(group: DatasetGroup, dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const headers: TableHeader[] = [];
    for (const [type, table] of group.tables) {
      const shared = group.sharedDictionaries(type);
      const dicts: Record<string, string[]> = {};
      const parts: Buffer[] = [];
      table.columns.forEach((c, i) => {
        const view = c.data.subarray(0, table.length);
        const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
        parts.push(bytes, Buffer.alloc((8 - (bytes.length % 8)) % 8));
        if (c.kind === 'code' && !Object.values(shared).includes(c.dict)) dicts[String(i)] = c.dict.values;
      });
      await writeFile(join(dir, `${type}.bin.tmp`), Buffer.concat(parts));
      await rename(join(dir, `${type}.bin.tmp`), join(dir, `${type}.bin`));
      headers.push({ type, fields: table.fields, length: table.length, dicts });
    }
    const file: GroupFile = {
      datasetGroupArn: group.datasetGroupArn,
      datasets: [...group.datasets],
      users: group.users.values,
      items: group.items.values,
      tables: headers,
    };
    await writeFile(join(dir, 'group.json.tmp'), JSON.stringify(file));
    await rename(join(dir, 'group.json.tmp'), join(dir, 'group.json'));
    await rm(join(dir, 'puts.jsonl'), { force: true });
  }

  async appendPuts(group: DatasetGroup, records: readonly PutRecord[]): Promise<void> {
    const dir = this.dir(group.datasetGroupArn);
    await mkdir(dir, { recursive: true });
    await appendFile(join(dir, 'puts.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
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
      group.tableForWrites(rec.type).append(rec.values);
    }
    group.touch();
    return group;
  }

  /** Remembers the ARN of a group that has only seen puts (no snapshot yet). */
  async markGroup(group: DatasetGroup): Promise<void> {
    const dir = this.dir(group.datasetGroupArn);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'arn'), group.datasetGroupArn);
  }

  async remove(datasetGroupArn: string): Promise<void> {
    await rm(this.dir(datasetGroupArn), { recursive: true, force: true });
  }
}

export { Dictionary };
