import { createHash } from 'node:crypto';

/** Personalize resource names: letters, digits, `-` and `_`, starting with a letter or digit. */
export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/;
export const MAX_NAME_LENGTH = 63;

/** EventBridge Scheduler schedule names. */
export const SCHEDULE_NAME_PATTERN = /^[0-9a-zA-Z\-_.]+$/;
export const MAX_SCHEDULE_NAME_LENGTH = 64;

const RUN_STAMP_PATTERN = /^\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}$/;

/** Why `name` is not a valid Personalize resource name, or undefined when it is. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_NAME_LENGTH) return `must be at most ${MAX_NAME_LENGTH} characters (has ${name.length})`;
  if (!NAME_PATTERN.test(name)) return `must match ${NAME_PATTERN.source}`;
  return undefined;
}

/** The UTC time as `YYYY_MM_DD_HH_MM_SS`, the stamp per-run names and batch output folders use. */
export function runStampOf(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return [
    date.getUTCFullYear(),
    pad(date.getUTCMonth() + 1),
    pad(date.getUTCDate()),
    pad(date.getUTCHours()),
    pad(date.getUTCMinutes()),
    pad(date.getUTCSeconds()),
  ].join('_');
}

export function isRunStamp(value: string): boolean {
  return RUN_STAMP_PATTERN.test(value);
}

/**
 * `<base>_<runStamp>`, kept within `maxLength` (63, Personalize's limit). A base too long to fit is
 * cut and given a short hash of the full base, so two long bases never share a name and the same
 * inputs always give the same name (creates stay idempotent).
 */
export function runScopedName(base: string, runStamp: string, maxLength = MAX_NAME_LENGTH): string {
  return fitName(`${base}_${runStamp}`, base, `_${runStamp}`, maxLength);
}

/** `name` when it fits in `maxLength`, else its head plus a hash of the whole name. */
export function boundedName(name: string, maxLength = MAX_NAME_LENGTH): string {
  return fitName(name, name, '', maxLength);
}

/**
 * `<head><tail>` when it fits in `maxLength`, else the head cut and given a hash of the whole name,
 * with the tail kept whole (a name derived from another one keeps saying what it is).
 */
export function boundedHeadName(head: string, tail: string, maxLength = MAX_NAME_LENGTH): string {
  return fitName(`${head}${tail}`, head, tail, maxLength);
}

function fitName(full: string, head: string, tail: string, maxLength: number): string {
  if (full.length <= maxLength) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  const room = maxLength - tail.length - hash.length - 1;
  return `${head.slice(0, Math.max(room, 1))}-${hash}${tail}`;
}
