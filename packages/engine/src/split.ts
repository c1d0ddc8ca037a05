/**
 * The service's evaluation split (PERSONALIZE.md §6): a random 10 % of users (among those with at
 * least 2 interactions) is held out; for each, the oldest 90 % of their interactions is the input
 * and the newest 10 % (at least one) the ground truth. Models train on everything except the
 * ground-truth rows, so a test user's input shapes their vector exactly as fold-in would.
 */
import { createRng } from './rng';
import type { InteractionLog } from './recipes/interactions';

export interface TestUser {
  readonly user: number;
  /** Input history: item code → count. */
  readonly input: Map<number, number>;
  /** Ground-truth item codes (newest interactions not already in the input). */
  readonly targets: Set<number>;
}

export interface HoldoutSplit {
  /** 1 for log entries that are held-out targets. */
  readonly isTarget: Uint8Array;
  readonly testUsers: readonly TestUser[];
}

export function holdoutSplit(log: InteractionLog, seed: number, fraction = 0.1): HoldoutSplit {
  const rng = createRng(seed ^ 0x5eed);
  const byUser = new Map<number, number[]>();
  for (let k = 0; k < log.length; k++) {
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
  const nTest = Math.max(1, Math.round(eligible.length * fraction));
  const isTarget = new Uint8Array(log.length);
  const testUsers: TestUser[] = [];
  for (const user of eligible.slice(0, nTest).sort((a, b) => a - b)) {
    const rows = byUser.get(user)!.sort((a, b) => log.timestamps[a]! - log.timestamps[b]! || a - b);
    const nTargets = Math.max(1, Math.round(rows.length * fraction));
    const input = new Map<number, number>();
    for (const k of rows.slice(0, rows.length - nTargets)) input.set(log.items[k]!, (input.get(log.items[k]!) ?? 0) + 1);
    const targets = new Set<number>();
    for (const k of rows.slice(rows.length - nTargets)) {
      isTarget[k] = 1;
      if (!input.has(log.items[k]!)) targets.add(log.items[k]!);
    }
    if (targets.size > 0) testUsers.push({ user, input, targets });
  }
  return { isTarget, testUsers };
}
