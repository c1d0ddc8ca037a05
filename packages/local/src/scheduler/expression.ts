/**
 * Schedule expressions shared by EventBridge Scheduler and scheduled EventBridge rules:
 * `cron(min hour day-of-month month day-of-week year)`, `rate(value unit)` and (Scheduler only)
 * `at(yyyy-mm-ddThh:mm:ss)`. Next fire times of cron expressions come from `aws-cron-parser`,
 * which computes in UTC and assumes a valid expression, so expressions are validated here first
 * and other time zones are handled by converting wall-clock time.
 */
import awsCronParser from 'aws-cron-parser';
import { ScheduleExpressionError } from './errors';

export type ScheduleExpression =
  | { readonly kind: 'cron'; readonly text: string; readonly timezone: string; readonly parsed: ReturnType<typeof awsCronParser.parse> }
  | { readonly kind: 'rate'; readonly text: string; readonly periodMs: number }
  | { readonly kind: 'at'; readonly text: string; readonly timezone: string; readonly at: number };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldRule {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Extra tokens allowed in this field: `?`, `L`, `W`, `#`. */
  readonly extras: string;
}

const FIELDS: readonly FieldRule[] = [
  { name: 'Minutes', min: 0, max: 59, extras: '' },
  { name: 'Hours', min: 0, max: 23, extras: '' },
  { name: 'Day-of-month', min: 1, max: 31, extras: '?LW' },
  { name: 'Month', min: 1, max: 12, names: MONTHS, extras: '' },
  { name: 'Day-of-week', min: 1, max: 7, names: DAYS, extras: '?L#' },
  { name: 'Year', min: 1970, max: 2199, extras: '' },
];

function fieldValue(token: string, rule: FieldRule): number | undefined {
  const named = rule.names?.indexOf(token.toUpperCase()) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d+$/.test(token)) return undefined;
  const value = Number(token);
  return value >= rule.min && value <= rule.max ? value : undefined;
}

function validateField(text: string, rule: FieldRule, expression: string): void {
  const fail = (why: string): never => {
    throw new ScheduleExpressionError(`Invalid Schedule Expression ${expression}: ${rule.name} field "${text}" ${why}.`);
  };
  for (const item of text.split(',')) {
    if (item === '*') continue;
    if (item === '?') {
      if (!rule.extras.includes('?')) fail('may not be ?');
      continue;
    }
    if (rule.extras.includes('L') && (item === 'L' || (rule.name === 'Day-of-month' && item === 'LW'))) continue;
    if (rule.extras.includes('L') && rule.name === 'Day-of-month' && /^L-\d+$/.test(item)) continue;
    if (rule.extras.includes('W') && /^\d+W$/.test(item)) {
      if (fieldValue(item.slice(0, -1), rule) === undefined) fail(`has an out-of-range day in ${item}`);
      continue;
    }
    if (rule.extras.includes('L') && rule.name === 'Day-of-week' && /^\w+L$/.test(item)) {
      if (fieldValue(item.slice(0, -1), rule) === undefined) fail(`has an invalid day in ${item}`);
      continue;
    }
    if (rule.extras.includes('#') && item.includes('#')) {
      const [day = '', nth = ''] = item.split('#');
      if (fieldValue(day, rule) === undefined || !/^[1-5]$/.test(nth)) fail(`needs <day>#<1-5>, got ${item}`);
      continue;
    }
    const [range = '', step, extra] = item.split('/');
    if (extra !== undefined || (step !== undefined && !/^\d+$/.test(step)) || step === '0') fail(`has an invalid step in ${item}`);
    if (range === '*') continue;
    const [from = '', to, more] = range.split('-');
    if (more !== undefined || fieldValue(from, rule) === undefined || (to !== undefined && fieldValue(to, rule) === undefined)) {
      fail(
        `must use values ${rule.min}-${rule.max}${rule.names ? ` or ${rule.names[0]}-${rule.names[rule.names.length - 1]}` : ''}, got ${item}`,
      );
    }
  }
}

/** Offset of `timezone` from UTC at `instant`, in ms (wall clock − UTC). */
function zoneOffset(instant: number, timezone: string): number {
  if (timezone === 'UTC') return 0;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string): number => Number(parts.find((part) => part.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** Instant of a wall-clock time (given as if it were UTC) in `timezone`. */
function wallClockToInstant(wall: number, timezone: string): number {
  const guess = wall - zoneOffset(wall, timezone);
  return wall - zoneOffset(guess, timezone);
}

function checkTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new ScheduleExpressionError(`Invalid ScheduleExpressionTimezone ${timezone}: use an IANA time zone such as UTC or Europe/Paris.`);
  }
}

/** Parses and validates; `allowAt` is false for EventBridge rules, which only take cron and rate. */
export function parseScheduleExpression(text: string, timezone = 'UTC', allowAt = true): ScheduleExpression {
  checkTimezone(timezone);
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(text);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2] as string;
    if (value < 1) throw new ScheduleExpressionError(`Invalid Schedule Expression ${text}: the rate value must be a positive integer.`);
    if ((value === 1) !== !unit.endsWith('s')) {
      throw new ScheduleExpressionError(
        `Invalid Schedule Expression ${text}: use the singular unit for 1 (rate(1 minute)) and the plural otherwise (rate(5 minutes)).`,
      );
    }
    const unitMs = unit.startsWith('minute') ? 60_000 : unit.startsWith('hour') ? 3_600_000 : 86_400_000;
    return { kind: 'rate', text, periodMs: value * unitMs };
  }
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(text);
  if (at) {
    if (!allowAt) throw new ScheduleExpressionError(`Invalid Schedule Expression ${text}: rules accept cron() and rate() only.`);
    const [year, month, day, hour, minute, second] = at.slice(1).map(Number) as [number, number, number, number, number, number];
    const wall = Date.UTC(year, month - 1, day, hour, minute, second);
    const check = new Date(wall);
    if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
      throw new ScheduleExpressionError(`Invalid Schedule Expression ${text}: not a valid date and time.`);
    }
    return { kind: 'at', text, timezone, at: wallClockToInstant(wall, timezone) };
  }
  const cron = /^cron\((.*)\)$/.exec(text);
  if (cron) {
    const fields = (cron[1] as string).trim().split(/\s+/);
    if (fields.length !== 6) {
      throw new ScheduleExpressionError(
        `Invalid Schedule Expression ${text}: cron() needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}.`,
      );
    }
    fields.forEach((field, index) => validateField(field, FIELDS[index] as FieldRule, text));
    const dayOfMonth = fields[2] as string;
    const dayOfWeek = fields[4] as string;
    if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
      throw new ScheduleExpressionError(`Invalid Schedule Expression ${text}: exactly one of day-of-month and day-of-week must be ?.`);
    }
    return { kind: 'cron', text, timezone, parsed: awsCronParser.parse(cron[1] as string) };
  }
  throw new ScheduleExpressionError(
    `Invalid Schedule Expression ${text}: use cron(...), rate(value unit)${allowAt ? ' or at(yyyy-mm-ddThh:mm:ss)' : ''}.`,
  );
}

/**
 * The first fire time strictly after `after` (epoch ms), or undefined when there is none.
 * `anchor` is when a rate schedule started (its creation or StartDate).
 */
export function nextFireTime(expression: ScheduleExpression, after: number, anchor: number): number | undefined {
  switch (expression.kind) {
    case 'rate': {
      if (after < anchor) return anchor + expression.periodMs;
      const periods = Math.floor((after - anchor) / expression.periodMs) + 1;
      return anchor + periods * expression.periodMs;
    }
    case 'at':
      return expression.at > after ? expression.at : undefined;
    case 'cron': {
      const wallAfter = after + zoneOffset(after, expression.timezone);
      const next = awsCronParser.next(expression.parsed, new Date(wallAfter));
      if (!next) return undefined;
      const instant = wallClockToInstant(next.getTime(), expression.timezone);
      // A wall time skipped by a DST change maps before `after`: look for the following one.
      return instant > after ? instant : nextFireTime(expression, after + 60_000, anchor);
    }
  }
}
