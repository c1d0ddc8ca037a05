/**
 * Keyed one-shot timers for fire times that may lie weeks ahead (setTimeout caps at ~24.8 days,
 * so long waits are re-armed in steps). Shared by Scheduler schedules and scheduled rules.
 */
const MAX_DELAY_MS = 2_147_000_000;

export class FireTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly now: () => number = Date.now) {}

  /** Runs `fire` at `at` (epoch ms) unless cancelled or replaced by another `set` for the same key. */
  set(key: string, at: number, fire: () => void): void {
    this.cancel(key);
    if (this.closed) return;
    const arm = (): void => {
      const delay = at - this.now();
      if (delay > MAX_DELAY_MS) {
        this.timers.set(key, setTimeout(arm, MAX_DELAY_MS));
        return;
      }
      this.timers.set(
        key,
        setTimeout(
          () => {
            this.timers.delete(key);
            fire();
          },
          Math.max(0, delay),
        ),
      );
    };
    arm();
  }

  cancel(key: string): void {
    const timer = this.timers.get(key);
    if (timer) clearTimeout(timer);
    this.timers.delete(key);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
