/**
 * The resource store: every control-plane resource with its Describe fields, status, tags and
 * the state the service keeps without describing it (metrics, trackingId lookups, …).
 *
 * Mutations change memory at once and schedule a write of `<dataDir>/personalize/resources.json`
 * (temporary file, fsync, rename: ../persist). The service awaits `flush()` before it answers, so
 * an acknowledged change survives a crash. Writes are serialized; bursts coalesce into one write.
 */
import { join } from 'node:path';
import { readJson, removeStaleTempFiles, writeJsonAtomic } from '../persist';
import type { ResourceKind } from './arns';

export interface Resource {
  readonly kind: ResourceKind;
  readonly arn: string;
  readonly name: string;
  /** Creation order, for stable listing and pagination. */
  readonly seq: number;
  status?: string;
  failureReason?: string;
  creationDateTime: number;
  lastUpdatedDateTime: number;
  /** Describe members other than name, ARN, status, failureReason and the two times. */
  fields: Record<string, unknown>;
  tags: Record<string, string>;
  /** Kept but not described: metrics, the serving configuration of a campaign, … */
  hidden: Record<string, unknown>;
}

interface StoreFile {
  readonly version: 1;
  readonly seq: number;
  readonly resources: Resource[];
}

/** Epoch seconds with millisecond fraction, the service's timestamp form. */
export function nowSeconds(): number {
  return Date.now() / 1000;
}

export class ResourceStore {
  private readonly resources = new Map<string, Resource>();
  private seq = 0;
  private writing: Promise<void> = Promise.resolve();
  private writeQueued = false;
  private writeError: unknown;

  private constructor(private readonly file: string | undefined) {}

  /** Opens (or creates) the store under `dataDir`; without a dataDir it lives in memory only. */
  static async open(dataDir: string | undefined): Promise<ResourceStore> {
    if (dataDir === undefined) return new ResourceStore(undefined);
    const folder = join(dataDir, 'personalize');
    // Temporary files of a write a crash interrupted: the rename never happened, so they hold nothing acknowledged.
    await removeStaleTempFiles(folder);
    const store = new ResourceStore(join(folder, 'resources.json'));
    const saved = await readJson<StoreFile>(store.file as string);
    if (saved !== undefined) {
      store.seq = saved.seq;
      for (const resource of saved.resources) store.resources.set(resource.arn, resource);
    }
    return store;
  }

  /** Queues one write of the whole store; a write already queued (not started) covers this change too. */
  private save(): void {
    const file = this.file;
    if (file === undefined || this.writeQueued) return;
    this.writeQueued = true;
    this.writing = this.writing.then(async () => {
      this.writeQueued = false;
      const content: StoreFile = { version: 1, seq: this.seq, resources: [...this.resources.values()] };
      try {
        await writeJsonAtomic(file, content);
      } catch (error) {
        this.writeError = error;
      }
    });
  }

  /** Resolves once every change made so far is on disk; rejects if a write failed. */
  async flush(): Promise<void> {
    await this.writing;
    if (this.writeError !== undefined) {
      const error = this.writeError;
      this.writeError = undefined;
      throw error;
    }
  }

  get(arn: string): Resource | undefined {
    return this.resources.get(arn);
  }

  /** Resources of a kind in creation order, optionally narrowed. */
  list(kind: ResourceKind, where?: (resource: Resource) => boolean): Resource[] {
    const found: Resource[] = [];
    for (const resource of this.resources.values()) {
      if (resource.kind === kind && (where === undefined || where(resource))) found.push(resource);
    }
    return found.sort((a, b) => a.seq - b.seq);
  }

  all(): Resource[] {
    return [...this.resources.values()].sort((a, b) => a.seq - b.seq);
  }

  insert(
    init: Omit<Resource, 'seq' | 'creationDateTime' | 'lastUpdatedDateTime' | 'hidden' | 'tags'> &
      Partial<Pick<Resource, 'hidden' | 'tags'>>,
  ): Resource {
    const now = nowSeconds();
    this.seq += 1;
    const resource: Resource = {
      ...init,
      seq: this.seq,
      creationDateTime: now,
      lastUpdatedDateTime: now,
      hidden: init.hidden ?? {},
      tags: init.tags ?? {},
    };
    this.resources.set(resource.arn, resource);
    this.save();
    return resource;
  }

  /** Applies `change` and persists; returns undefined when the resource is gone. */
  update(arn: string, change: (resource: Resource) => void, options: { touch?: boolean } = {}): Resource | undefined {
    const resource = this.resources.get(arn);
    if (resource === undefined) return undefined;
    change(resource);
    if (options.touch !== false) resource.lastUpdatedDateTime = nowSeconds();
    this.save();
    return resource;
  }

  remove(arns: readonly string[]): void {
    for (const arn of arns) this.resources.delete(arn);
    this.save();
  }
}
