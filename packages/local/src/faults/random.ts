/** mulberry32: a small seeded generator; every fault decision draws from one sequence. */
export interface FaultRandom {
  readonly seed: number;
  /** A number in [0, 1). */
  next(): number;
  /** True with probability `rate`; draws nothing when the rate is 0 or absent. */
  chance(rate: number | undefined): boolean;
  /** An integer in [0, max]. */
  upTo(max: number): number;
}

export function faultRandom(seed: number): FaultRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    seed,
    next,
    chance: (rate) => rate !== undefined && rate > 0 && next() < rate,
    upTo: (max) => Math.floor(next() * (max + 1)),
  };
}
