import { describe, expect, it } from 'vitest';
import { nextFireTime, parseScheduleExpression } from '@recops/core';

const at = (iso: string) => new Date(iso);

describe('Function: nextFireTime', () => {
  it.each([
    ['cron(0 */6 * * ? *)', '2026-11-25T13:38:00Z', '2026-11-25T18:00:00.000Z'],
    ['cron(0 0 ? * 1 *)', '2026-11-25T13:38:00Z', '2026-11-29T00:00:00.000Z'], // 1 = Sunday in EventBridge
    ['cron(0 3 * * ? *)', '2026-11-25T03:00:00Z', '2026-11-26T03:00:00.000Z'],
    ['cron(30 9 ? * MON-FRI *)', '2026-11-28T10:00:00Z', '2026-11-30T09:30:00.000Z'],
    ['cron(0 0 L * ? *)', '2026-02-10T00:00:00Z', '2026-02-28T00:00:00.000Z'],
    ['cron(0 12 ? * 3#2 *)', '2026-11-01T00:00:00Z', '2026-11-10T12:00:00.000Z'],
    ['rate(6 hours)', '2026-11-25T13:38:00Z', '2026-11-25T19:38:00.000Z'],
  ])('gives the next firing of %s after %s', (expression, from, expected) => {
    expect(nextFireTime(expression, at(from))?.toISOString()).toBe(expected);
  });

  it('returns null when a cron schedule has no firing left', () => {
    expect(nextFireTime('cron(0 0 1 1 ? 2020)', at('2026-01-01T00:00:00Z'))).toBeNull();
  });

  it('throws RangeError for an invalid expression', () => {
    expect(() => nextFireTime('cron(0 0 * * * *)', at('2026-01-01T00:00:00Z'))).toThrow(RangeError);
  });
});

describe('Function: parseScheduleExpression', () => {
  it('parses rate units in singular and plural', () => {
    expect(parseScheduleExpression('rate(1 minute)')).toEqual({
      ok: true,
      schedule: { kind: 'rate', expression: 'rate(1 minute)', value: 1, unit: 'minute' },
    });
    expect(parseScheduleExpression('rate(3 days)')).toMatchObject({ ok: true, schedule: { value: 3, unit: 'day' } });
  });

  it('refuses extra spaces inside cron', () => {
    expect(parseScheduleExpression('cron(0  0 * * ? *)')).toMatchObject({ ok: false, problem: expect.stringContaining('six fields') });
  });

  it('refuses a weekday name in the month field and a day-of-week L without a day', () => {
    expect(parseScheduleExpression('cron(0 0 ? MON * *)').ok).toBe(false);
    expect(parseScheduleExpression('cron(0 0 ? * L *)').ok).toBe(false);
  });
});
