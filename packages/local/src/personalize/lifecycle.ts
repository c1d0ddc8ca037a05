/**
 * Status lifecycles. A Create answers at once with the resource in CREATE PENDING; background
 * steps then move it through CREATE IN_PROGRESS (where an engine job runs, if the kind has one) to
 * ACTIVE or CREATE FAILED, exactly as a client polling Describe* sees it in AWS. Deletes, campaign
 * updates and recommender start/stop work the same way.
 *
 * Every step re-reads the resource and only moves it from the state it expects, so a concurrent
 * delete or stop wins cleanly, and a chain can be resumed from whatever state a restart finds.
 */
import type { Resource, ResourceStore } from './store';

export const Status = {
  createPending: 'CREATE PENDING',
  createInProgress: 'CREATE IN_PROGRESS',
  active: 'ACTIVE',
  createFailed: 'CREATE FAILED',
  createStopping: 'CREATE STOPPING',
  createStopped: 'CREATE STOPPED',
  deletePending: 'DELETE PENDING',
  deleteInProgress: 'DELETE IN_PROGRESS',
  stopPending: 'STOP PENDING',
  stopInProgress: 'STOP IN_PROGRESS',
  inactive: 'INACTIVE',
  startPending: 'START PENDING',
  startInProgress: 'START IN_PROGRESS',
} as const;

export const CREATE_CHAIN = [Status.createPending, Status.createInProgress, Status.active] as const;

/** Where a chain keeps its status: the resource's own, or a sub-record such as latestCampaignUpdate. */
export interface StatusSlot {
  read(resource: Resource): string | undefined;
  write(resource: Resource, status: string, failureReason?: string): void;
}

const OWN_STATUS: StatusSlot = {
  read: (resource) => resource.status,
  write: (resource, status, failureReason) => {
    resource.status = status;
    if (failureReason === undefined) delete resource.failureReason;
    else resource.failureReason = failureReason;
  },
};

/** The status inside `fields[member]` (latestCampaignUpdate, latestRecommenderUpdate, …). */
export function subStatus(member: string): StatusSlot {
  return {
    read: (resource) => (resource.fields[member] as { status?: string } | undefined)?.status,
    write: (resource, status, failureReason) => {
      const summary = { ...((resource.fields[member] as Record<string, unknown> | undefined) ?? {}) };
      summary['status'] = status;
      summary['lastUpdatedDateTime'] = Date.now() / 1000;
      if (failureReason === undefined) delete summary['failureReason'];
      else summary['failureReason'] = failureReason;
      resource.fields[member] = summary;
    },
  };
}

/** Runs while the chain's next-to-last state is current; its result is applied with the final state. */
// biome-ignore lint/suspicious/noConfusingVoidType: most work applies nothing and returns void
export type ChainWork = (resource: Resource) => Promise<((resource: Resource) => void) | void>;

export interface ChainSpec {
  /** Successive states; the chain resumes from the resource's current one. */
  readonly states: readonly string[];
  readonly slot?: StatusSlot;
  readonly work?: ChainWork;
  /** Set when the work rejects (default CREATE FAILED). */
  readonly failedState?: string;
  /** When the work ends and the resource was moved here meanwhile (e.g. CREATE STOPPING), go to `to`. */
  readonly interrupted?: { readonly from: string; readonly to: string };
  /** Called once the final state is reached (e.g. to sync campaigns to a new ACTIVE version). */
  readonly onDone?: (resource: Resource) => void;
}

export interface DeleteSpec {
  /** States shown before the resource disappears, e.g. DELETE PENDING, DELETE IN_PROGRESS. */
  readonly states: readonly string[];
  /** Removes the resource and what goes with it. */
  readonly finalize: (resource: Resource) => Promise<void> | void;
}

export class Lifecycle {
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly wakers = new Set<() => void>();

  constructor(
    private readonly store: ResourceStore,
    /** Delay before each status step; 0 in tests. */
    private readonly stepDelayMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Waits one step; false once the service is closing (the chain then stops where it is). */
  private step(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = (): void => {
        this.timers.delete(timer);
        this.wakers.delete(wake);
        resolve(!this.closed);
      };
      const timer = setTimeout(wake, this.stepDelayMs);
      this.timers.add(timer);
      this.wakers.add(wake);
    });
  }

  private background(task: () => Promise<void>): void {
    task().catch((error: unknown) => {
      if (!this.closed) this.onError(error);
    });
  }

  /** Moves `arn` from `from` to `to` if nothing else moved it meanwhile. */
  private move(
    arn: string,
    slot: StatusSlot,
    from: string,
    to: string,
    extra?: { failureReason?: string; apply?: (resource: Resource) => void },
  ): boolean {
    if (this.closed) return false;
    const resource = this.store.get(arn);
    if (resource === undefined || slot.read(resource) !== from) return false;
    this.store.update(arn, (target) => {
      slot.write(target, to, extra?.failureReason);
      extra?.apply?.(target);
    });
    return true;
  }

  /** Drives `arn` along `spec.states` in the background, starting from its current state. */
  chain(arn: string, spec: ChainSpec): void {
    const slot = spec.slot ?? OWN_STATUS;
    this.background(async () => {
      const { states } = spec;
      const start = this.store.get(arn);
      if (start === undefined) return;
      let index = states.indexOf(slot.read(start) ?? '');
      if (index < 0) return;
      while (index < states.length - 1) {
        const current = states[index] as string;
        const next = states[index + 1] as string;
        const isWorkStep = index === states.length - 2;
        // biome-ignore lint/suspicious/noConfusingVoidType: what ChainWork resolves to
        // biome-ignore lint/complexity/noUselessUndefinedInitialization: read after the loop even when no work ran
        let apply: ((resource: Resource) => void) | void = undefined;
        if (!(await this.step())) return;
        if (isWorkStep && spec.work !== undefined) {
          const resource = this.store.get(arn);
          if (resource === undefined || this.closed) return;
          try {
            apply = await spec.work(resource);
          } catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            if (!this.move(arn, slot, current, spec.failedState ?? Status.createFailed, { failureReason: reason })) {
              this.settleInterrupted(arn, slot, spec);
            }
            return;
          }
          if (this.closed) return;
        }
        const applied = apply;
        if (!this.move(arn, slot, current, next, applied ? { apply: applied } : {})) {
          this.settleInterrupted(arn, slot, spec);
          return;
        }
        index += 1;
      }
      const done = this.store.get(arn);
      if (done !== undefined && spec.onDone !== undefined && !this.closed) spec.onDone(done);
    });
  }

  private settleInterrupted(arn: string, slot: StatusSlot, spec: ChainSpec): void {
    if (spec.interrupted !== undefined) this.move(arn, slot, spec.interrupted.from, spec.interrupted.to);
  }

  /** Shows each delete state for one step, then finalizes (removes) the resource. */
  delete(arn: string, spec: DeleteSpec): void {
    this.background(async () => {
      const start = this.store.get(arn);
      if (start === undefined) return;
      let index = spec.states.indexOf(start.status ?? '');
      if (index < 0) return;
      for (;;) {
        if (!(await this.step())) return;
        const current = spec.states[index] as string;
        const next = spec.states[index + 1];
        if (next === undefined) break;
        if (!this.move(arn, OWN_STATUS, current, next)) return;
        index += 1;
      }
      const resource = this.store.get(arn);
      if (resource === undefined || resource.status !== spec.states[spec.states.length - 1]) return;
      await spec.finalize(resource);
    });
  }

  /** Stops every chain where it stands; a restart resumes them from the persisted states. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const wake of [...this.wakers]) wake();
    this.timers.clear();
    this.wakers.clear();
  }
}
