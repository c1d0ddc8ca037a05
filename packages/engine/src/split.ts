/**
 * The service's evaluation split (PERSONALIZE.md §6): a random 10 % of users (among those with at
 * least 2 interactions) is held out; for each, the oldest 90 % of their interactions is the input
 * and the newest 10 % (at least one) the ground truth. Models train on everything except the
 * ground-truth rows, so a test user's input shapes their vector exactly as fold-in would.
 */
import { createRng } from './rng';
import type { InteractionLog } from './recipes/interactions';

interface TestUser {
  readonly user: number;
  /** Input history: item code → count. */
  readonly input: Map<number, number>;
  /** Input item codes in time order, oldest first. */
  readonly sequence: readonly number[];
  /** Ground-truth item codes (newest interactions not already in the input). */
  readonly targets: Set<number>;
}

export interface HoldoutSplit {
  /** 1 for log entries that are held-out targets. */
  readonly isTarget: Uint8Array;
  readonly testUsers: readonly TestUser[];
}

export interface SplitOptions {
  /** Share of eligible users tested (default 10 %). */
  readonly userFraction?: number;
  /** At most this many test users. */
  readonly maxUsers?: number;
  /** Only these log entries take part (e.g. not the evaluation split's targets). */
  readonly include?: (k: number) => boolean;
}

export function holdoutSplit(log: InteractionLog, seed: number, fraction = 0.1, options: SplitOptions = {}): HoldoutSplit {
  const rng = createRng(seed ^ 0x5eed);
  const byUser = new Map<number, number[]>();
  for (let k = 0; k < log.length; k++) {
    if (options.include !== undefined && !options.include(k)) continue;
    const u = log.users[k]!;
    let list = byUser.get(u);
    if (list === undefined) byUser.set(u, (list = []));
    list.push(k);
  }
  const eligible = [...byUser.keys()].filter((u) => (byUser.get(u)?.length ?? 0) >= 2).sort((a, b) => a - b);
  // Seeded Fisher–Yates, then the first 10 %.
  for (let i = eligible.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [eligible[i], eligible[j]] = [eligible[j]!, eligible[i]!];
  }
  const nTest = Math.min(options.maxUsers ?? Infinity, Math.max(1, Math.round(eligible.length * (options.userFraction ?? fraction))));
  const isTarget = new Uint8Array(log.length);
  const testUsers: TestUser[] = [];
  for (const user of eligible.slice(0, nTest).sort((a, b) => a - b)) {
    const rows = byUser.get(user)!.sort((a, b) => log.timestamps[a]! - log.timestamps[b]! || a - b);
    const nTargets = Math.max(1, Math.round(rows.length * fraction));
    const input = new Map<number, number>();
    const sequence = rows.slice(0, rows.length - nTargets).map((k) => log.items[k]!);
    for (const item of sequence) input.set(item, (input.get(item) ?? 0) + 1);
    const targets = new Set<number>();
    for (const k of rows.slice(rows.length - nTargets)) {
      isTarget[k] = 1;
      if (!input.has(log.items[k]!)) targets.add(log.items[k]!);
    }
    if (targets.size > 0) testUsers.push({ user, input, sequence, targets });
  }
  return { isTarget, testUsers };
}

/**
 * The validation split HPO scores candidates on: the newest 10 % of the interactions of a sample of
 * users (at most 1,000), taken from the training part of the evaluation split only.
 */
export function validationSplit(log: InteractionLog, evaluation: HoldoutSplit, seed: number): HoldoutSplit {
  return holdoutSplit(log, seed ^ 0x7a11, 0.1, { userFraction: 0.2, maxUsers: 1000, include: (k) => evaluation.isTarget[k] === 0 });
}

/** USER_SEGMENTATION's split (PERSONALIZE.md §6): the newest 20 % of every user's interactions is held out. */
export interface SegmentSplit {
  /** 1 for held-out log entries. */
  readonly isTarget: Uint8Array;
  /** Held-out users per item (items with any), the ground truth of "who will interact with this item". */
  readonly usersByItem: ReadonlyMap<number, ReadonlySet<number>>;
}

export function segmentSplit(log: InteractionLog, share = 0.2): SegmentSplit {
  const byUser = new Map<number, number[]>();
  for (let k = 0; k < log.length; k++) {
    const u = log.users[k]!;
    let list = byUser.get(u);
    if (list === undefined) byUser.set(u, (list = []));
    list.push(k);
  }
  const isTarget = new Uint8Array(log.length);
  const usersByItem = new Map<number, Set<number>>();
  for (const [user, rows] of byUser) {
    if (rows.length < 2) continue;
    rows.sort((a, b) => log.timestamps[a]! - log.timestamps[b]! || a - b);
    const held = Math.max(1, Math.round(rows.length * share));
    for (const k of rows.slice(rows.length - held)) {
      isTarget[k] = 1;
      const item = log.items[k]!;
      let users = usersByItem.get(item);
      if (users === undefined) usersByItem.set(item, (users = new Set()));
      users.add(user);
    }
  }
  return { isTarget, usersByItem };
}
