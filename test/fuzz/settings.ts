/**
 * Fuzz counts: small in `npm test` (seconds), full with `npm run fuzz` (RECOPS_FUZZ=full).
 * RECOPS_FUZZ_SEED repeats a run; every full run prints its seed and case count.
 */
import fc from 'fast-check';

const FULL = process.env.RECOPS_FUZZ === 'full';
/** Per-target time limit: a full count takes minutes on a shared 2-core machine. */
export const FUZZ_TIMEOUT_MS = FULL ? 3_600_000 : 60_000;
const SEED = process.env.RECOPS_FUZZ_SEED === undefined ? undefined : Number(process.env.RECOPS_FUZZ_SEED);

/** fast-check parameters for a target: `full` cases under `npm run fuzz`, `quick` otherwise. */
export function fuzzParameters(target: string, full: number, quick: number): fc.Parameters<unknown> {
  const numRuns = FULL ? full : quick;
  // npm test repeats one fixed seed (a CI run must not depend on the clock); full runs draw a new one.
  const seed = SEED ?? (FULL ? Date.now() % 2_147_483_647 : 20_261_204);
  if (FULL) console.log(`fuzz ${target}: ${numRuns} cases, seed ${seed}`);
  return { numRuns, seed, endOnFailure: true };
}

/** Printed by a full run once a target passed all its cases. */
export function reportPassed(target: string, cases: number, extra = ''): void {
  if (FULL) console.log(`fuzz ${target}: ${cases} cases passed${extra ? `, ${extra}` : ''}`);
}

/** A string that is sometimes huge, to probe length limits without slowing every case. */
export const sometimesHuge = fc.oneof(
  { weight: 8, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'x'.repeat(n)) },
);
