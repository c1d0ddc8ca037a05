import awsCronParser from 'aws-cron-parser';

/**
 * EventBridge schedule expressions: `cron(min hour day-of-month month day-of-week year)` and
 * `rate(value unit)`.
 *
 * Parsing and next-fire computation are aws-cron-parser's. That library assumes "cron is validated
 * by AWS already" (its own words) and accepts what EventBridge refuses, so a light grammar check runs
 * first:
 * - exactly six space-separated fields (the library reads a missing field as `undefined` and crashes);
 * - each field built only from the characters and forms EventBridge allows there (the library reads
 *   `parseInt('x')` as NaN and accepts it, and `1a` as 1);
 * - day-of-month and day-of-week: exactly one of them is `?` (the library accepts `0 0 * * * *`,
 *   which EventBridge rejects with "Parameter ScheduleExpression is not valid");
 * - `?` only in those two fields, ranges not reversed, steps ≥ 1.
 * The library does not handle `rate(…)`; its grammar (a positive integer and a unit, singular for 1,
 * plural otherwise) is checked here.
 */

export type ScheduleExpression =
  | { readonly kind: 'cron'; readonly expression: string; readonly fields: readonly string[] }
  | { readonly kind: 'rate'; readonly expression: string; readonly value: number; readonly unit: RateUnit };

export type RateUnit = 'minute' | 'hour' | 'day';

export type ScheduleParseResult =
  | { readonly ok: true; readonly schedule: ScheduleExpression }
  | { readonly ok: false; readonly problem: string };

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { label: 'minutes', min: 0, max: 59 },
  { label: 'hours', min: 0, max: 23 },
  { label: 'day-of-month', min: 1, max: 31 },
  { label: 'month', min: 1, max: 12, names: MONTH_NAMES },
  { label: 'day-of-week', min: 1, max: 7, names: DAY_NAMES },
  { label: 'year', min: 1970, max: 2199 },
];

const DAY_OF_MONTH = 2;
const DAY_OF_WEEK = 4;

const RATE_PATTERN = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON_PATTERN = /^cron\((.*)\)$/;

/** Parses and checks an EventBridge schedule expression; never throws. */
export function parseScheduleExpression(expression: string): ScheduleParseResult {
  if (expression.startsWith('rate(')) return parseRate(expression);
  const cron = CRON_PATTERN.exec(expression);
  if (!cron) return { ok: false, problem: 'must be an EventBridge cron(…) or rate(…) expression' };
  const body = cron[1] ?? '';
  const fields = body.split(' ');
  if (fields.length !== 6 || fields.some((f) => f.length === 0)) {
    return {
      ok: false,
      problem: `cron(…) needs six fields separated by single spaces (minutes hours day-of-month month day-of-week year), got "${body}"`,
    };
  }
  for (let i = 0; i < FIELDS.length; i += 1) {
    const problem = fieldProblem(fields[i] ?? '', i);
    if (problem) return { ok: false, problem };
  }
  const dom = fields[DAY_OF_MONTH];
  const dow = fields[DAY_OF_WEEK];
  if ((dom === '?') === (dow === '?')) {
    return {
      ok: false,
      problem: 'exactly one of day-of-month and day-of-week must be "?" (EventBridge cannot combine both)',
    };
  }
  const normalized = normalizeNames(fields);
  try {
    const parsed = awsCronParser.parse(normalized.join(' '));
    // A fixed origin keeps validation independent of today's date; the library throws on forms it
    // cannot compute, which EventBridge would not run either.
    awsCronParser.next(parsed, new Date(Date.UTC(1970, 0, 1)));
  } catch (error) {
    return { ok: false, problem: `cron(…) cannot be evaluated: ${(error as Error).message}` };
  }
  return { ok: true, schedule: { kind: 'cron', expression, fields } };
}

/** Why the expression is invalid, or undefined if EventBridge accepts it. */
export function scheduleExpressionProblem(expression: string): string | undefined {
  const result = parseScheduleExpression(expression);
  return result.ok ? undefined : result.problem;
}

/**
 * The first time strictly after `from` at which the schedule fires (UTC), or null if it never fires
 * again. A rate fires every period counted from `from`, as a schedule created at `from` would.
 */
export function nextFireTime(expression: string, from: Date): Date | null {
  const result = parseScheduleExpression(expression);
  if (!result.ok) throw new RangeError(`invalid schedule expression "${expression}": ${result.problem}`);
  const schedule = result.schedule;
  if (schedule.kind === 'rate') {
    const unitMs = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[schedule.unit];
    return new Date(from.getTime() + schedule.value * unitMs);
  }
  const parsed = awsCronParser.parse(normalizeNames(schedule.fields).join(' '));
  return awsCronParser.next(parsed, from);
}

function parseRate(expression: string): ScheduleParseResult {
  const match = RATE_PATTERN.exec(expression);
  if (!match) {
    return { ok: false, problem: 'rate(…) must be "rate(<positive integer> minute(s)|hour(s)|day(s))"' };
  }
  const value = Number(match[1]);
  const unitWord = match[2] ?? '';
  if (!Number.isSafeInteger(value) || value < 1) return { ok: false, problem: 'rate(…) value must be a positive integer' };
  const plural = unitWord.endsWith('s');
  if (value === 1 && plural) return { ok: false, problem: `rate(1 …) takes a singular unit ("${unitWord.slice(0, -1)}")` };
  if (value > 1 && !plural) return { ok: false, problem: `rate(${value} …) takes a plural unit ("${unitWord}s")` };
  const unit = (plural ? unitWord.slice(0, -1) : unitWord) as RateUnit;
  return { ok: true, schedule: { kind: 'rate', expression, value, unit } };
}

function fieldProblem(field: string, index: number): string | undefined {
  const spec = FIELDS[index] as FieldSpec;
  const where = `cron(…) ${spec.label} field "${field}"`;
  if (field === '?') {
    return index === DAY_OF_MONTH || index === DAY_OF_WEEK ? undefined : `${where}: "?" is only allowed in day-of-month or day-of-week`;
  }
  if (index === DAY_OF_MONTH) {
    if (field === 'L') return undefined;
    const weekday = /^(\d{1,2})W$/.exec(field);
    if (weekday) return numberProblem(weekday[1] ?? '', spec, where);
  }
  if (index === DAY_OF_WEEK) {
    const last = /^([A-Za-z]{3}|\d)L$/.exec(field);
    if (last) return valueProblem(last[1] ?? '', spec, where);
    const nth = /^([A-Za-z]{3}|\d)#(\d)$/.exec(field);
    if (nth) {
      const nthNumber = Number(nth[2]);
      if (nthNumber < 1 || nthNumber > 5) return `${where}: the week number after "#" must be 1-5`;
      return valueProblem(nth[1] ?? '', spec, where);
    }
  }
  for (const item of field.split(',')) {
    const problem = itemProblem(item, spec, where);
    if (problem) return problem;
  }
  return undefined;
}

function itemProblem(item: string, spec: FieldSpec, where: string): string | undefined {
  const [range, step, ...rest] = item.split('/');
  if (rest.length > 0 || range === undefined || range === '') return `${where}: malformed "${item}"`;
  if (step !== undefined) {
    if (!/^\d+$/.test(step) || Number(step) < 1) return `${where}: step "/${step}" must be a positive integer`;
  }
  if (range === '*') return undefined;
  const bounds = range.split('-');
  if (bounds.length > 2) return `${where}: malformed range "${range}"`;
  for (const bound of bounds) {
    const problem = valueProblem(bound, spec, where);
    if (problem) return problem;
  }
  if (bounds.length === 2) {
    const [from, to] = bounds.map((b) => fieldValue(b, spec));
    if ((from ?? 0) > (to ?? 0)) return `${where}: range "${range}" starts after it ends`;
  }
  return undefined;
}

function valueProblem(value: string, spec: FieldSpec, where: string): string | undefined {
  if (spec.names?.includes(value.toUpperCase())) return undefined;
  return numberProblem(value, spec, where);
}

function numberProblem(value: string, spec: FieldSpec, where: string): string | undefined {
  if (!/^\d+$/.test(value)) {
    const allowed = spec.names ? `a number or one of ${spec.names.join(',')}` : 'a number';
    return `${where}: "${value}" is not ${allowed}`;
  }
  const n = Number(value);
  if (n < spec.min || n > spec.max) return `${where}: ${n} is outside ${spec.min}-${spec.max}`;
  return undefined;
}

function fieldValue(value: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(value.toUpperCase()) ?? -1;
  return named >= 0 ? named + spec.min : Number(value);
}

/** Month and weekday names to numbers: the library replaces only the first occurrence of each name. */
function normalizeNames(fields: readonly string[]): string[] {
  return fields.map((field, index) => {
    const spec = FIELDS[index] as FieldSpec;
    if (!spec.names) return field;
    return field.replace(/[A-Za-z]{3}/g, (name) => {
      const at = spec.names?.indexOf(name.toUpperCase()) ?? -1;
      return at >= 0 ? String(at + spec.min) : name;
    });
  });
}
