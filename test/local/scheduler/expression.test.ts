import { describe, expect, it } from 'vitest';
import { ScheduleExpressionError } from '../../../packages/local/src/scheduler/errors';
import { nextFireTime, parseScheduleExpression } from '../../../packages/local/src/scheduler/expression';

const at = (iso: string): number => Date.parse(iso);

describe('Function: parseScheduleExpression / nextFireTime', () => {
  it('returns the next cron time strictly after the given time, in UTC', () => {
    const daily = parseScheduleExpression('cron(0 10 * * ? *)');
    expect(new Date(nextFireTime(daily, at('2026-01-01T09:59:59Z'), 0)!).toISOString()).toBe('2026-01-01T10:00:00.000Z');
    expect(new Date(nextFireTime(daily, at('2026-01-01T10:00:00Z'), 0)!).toISOString()).toBe('2026-01-02T10:00:00.000Z');
  });

  it('handles day-of-week names, ranges, steps and L/#', () => {
    const weekdays = parseScheduleExpression('cron(0/15 8-17 ? * MON-FRI *)');
    // 2026-01-03 is a Saturday: the next fire is Monday 08:00.
    expect(new Date(nextFireTime(weekdays, at('2026-01-03T12:00:00Z'), 0)!).toISOString()).toBe('2026-01-05T08:00:00.000Z');
    const lastDay = parseScheduleExpression('cron(0 0 L * ? *)');
    expect(new Date(nextFireTime(lastDay, at('2026-02-10T00:00:00Z'), 0)!).toISOString()).toBe('2026-02-28T00:00:00.000Z');
    const secondTuesday = parseScheduleExpression('cron(30 6 ? * 3#2 *)');
    expect(new Date(nextFireTime(secondTuesday, at('2026-03-01T00:00:00Z'), 0)!).toISOString()).toBe('2026-03-10T06:30:00.000Z');
  });

  it('applies ScheduleExpressionTimezone to cron and at expressions', () => {
    const paris = parseScheduleExpression('cron(0 9 * * ? *)', 'Europe/Paris');
    // 09:00 in Paris is 08:00 UTC in winter and 07:00 UTC in summer.
    expect(new Date(nextFireTime(paris, at('2026-01-15T00:00:00Z'), 0)!).toISOString()).toBe('2026-01-15T08:00:00.000Z');
    expect(new Date(nextFireTime(paris, at('2026-07-15T00:00:00Z'), 0)!).toISOString()).toBe('2026-07-15T07:00:00.000Z');
    const once = parseScheduleExpression('at(2026-07-01T12:00:00)', 'America/New_York');
    expect(new Date(nextFireTime(once, 0, 0)!).toISOString()).toBe('2026-07-01T16:00:00.000Z');
    expect(nextFireTime(once, at('2026-07-02T00:00:00Z'), 0)).toBeUndefined();
  });

  it('counts rate periods from the anchor', () => {
    const rate = parseScheduleExpression('rate(5 minutes)');
    const anchor = at('2026-01-01T00:00:00Z');
    expect(nextFireTime(rate, anchor, anchor)).toBe(anchor + 300_000);
    expect(nextFireTime(rate, anchor + 300_000, anchor)).toBe(anchor + 600_000);
    expect(parseScheduleExpression('rate(1 day)')).toMatchObject({ kind: 'rate', periodMs: 86_400_000 });
  });

  it.each([
    ['cron(0 10 * * * *)', /exactly one of day-of-month and day-of-week must be \?/],
    ['cron(0 10 * * ?)', /needs 6 fields/],
    ['cron(61 10 * * ? *)', /Minutes field "61" must use values 0-59/],
    ['cron(0 10 ? * FUNDAY *)', /Day-of-week field/],
    ['rate(1 minutes)', /singular unit for 1/],
    ['rate(5 minute)', /singular unit for 1/],
    ['rate(0 minutes)', /positive integer/],
    ['at(2026-02-30T00:00:00)', /not a valid date/],
    ['every day', /use cron\(\.\.\.\), rate\(value unit\) or at/],
  ])('rejects %s naming the rule it breaks', (expression, message) => {
    expect(() => parseScheduleExpression(expression)).toThrow(ScheduleExpressionError);
    expect(() => parseScheduleExpression(expression)).toThrow(message);
  });

  it('rejects an unknown time zone and at() where only cron/rate are allowed', () => {
    expect(() => parseScheduleExpression('rate(1 hour)', 'Mars/Olympus')).toThrow(/Invalid ScheduleExpressionTimezone/);
    expect(() => parseScheduleExpression('at(2026-07-01T12:00:00)', 'UTC', false)).toThrow(/cron\(\) and rate\(\) only/);
  });
});
