/**
 * EventBridge Scheduler schedules and schedule groups, persisted in
 * `<dataDir>/scheduler/state.json`, fired on time by in-process timers.
 *
 * Targets: an event bus (with `EventBridgeParameters`; the event's detail is the target `Input`,
 * its resources the schedule ARN, as Scheduler sends it) or an SQS queue (the message body is
 * `Input`). Context attributes in `Input` (`<aws.scheduler.execution-id>` and the others) are
 * replaced per invocation. A one-time `at()` schedule whose time passed while the cloud was down fires once on
 * start; recurring schedules do not replay missed occurrences.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { eventTime, type EventBridgeStore } from '../eventbridge';
import { readJson, writeJsonAtomic } from '../persist';
import { queueNameFromArn, type SqsStore } from '../sqs';
import { ACCOUNT_ID, REGION } from '../wire';
import { newExecutionId, substituteContextAttributes } from './context';
import { schedulerConflict, schedulerNotFound, schedulerValidation } from './errors';
import { nextFireTime, parseScheduleExpression, type ScheduleExpression } from './expression';
import { FireTimers } from './timer';
import { clip, quote } from '../errors';

export const DEFAULT_GROUP = 'default';

/** Event-log kind of a schedule firing (its target, and whether the target got it). */
export const SCHEDULER_LOG_KIND = { fired: 'scheduler.fired' } as const;

export interface ScheduleTarget {
  readonly Arn: string;
  readonly RoleArn: string;
  readonly Input?: string;
  readonly EventBridgeParameters?: { readonly DetailType: string; readonly Source: string };
  readonly SqsParameters?: { readonly MessageGroupId?: string };
  readonly RetryPolicy?: { readonly MaximumEventAgeInSeconds?: number; readonly MaximumRetryAttempts?: number };
  readonly DeadLetterConfig?: { readonly Arn?: string };
  readonly [other: string]: unknown;
}

export interface ScheduleState {
  readonly name: string;
  readonly groupName: string;
  scheduleExpression: string;
  scheduleExpressionTimezone?: string;
  flexibleTimeWindow: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number };
  target: ScheduleTarget;
  state: 'ENABLED' | 'DISABLED';
  description?: string;
  /** Epoch ms. */
  startDate?: number;
  endDate?: number;
  actionAfterCompletion: 'NONE' | 'DELETE';
  readonly createdAt: number;
  modifiedAt: number;
  /** Epoch ms of the last occurrence that fired (one-time schedules fire once). */
  lastFiredFor?: number;
}

export interface ScheduleGroupState {
  readonly name: string;
  readonly createdAt: number;
  modifiedAt: number;
  tags: Record<string, string>;
}

export interface ScheduleInput {
  readonly name: string;
  readonly groupName?: string;
  readonly scheduleExpression?: unknown;
  readonly scheduleExpressionTimezone?: unknown;
  readonly flexibleTimeWindow?: unknown;
  readonly target?: unknown;
  readonly state?: unknown;
  readonly description?: unknown;
  readonly startDate?: unknown;
  readonly endDate?: unknown;
  readonly actionAfterCompletion?: unknown;
}

export type SchedulerLog = (kind: string, data: Record<string, unknown>) => void;

export interface SchedulerStoreOptions {
  readonly dataDir: string;
  readonly eventBridge: EventBridgeStore;
  readonly sqs: SqsStore;
  readonly onLog?: SchedulerLog;
  readonly now?: () => number;
}

const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;

export const scheduleArn = (group: string, name: string): string => `arn:aws:scheduler:${REGION}:${ACCOUNT_ID}:schedule/${group}/${name}`;
export const scheduleGroupArn = (name: string): string => `arn:aws:scheduler:${REGION}:${ACCOUNT_ID}:schedule-group/${name}`;

/** Rest-JSON timestamps arrive as epoch seconds; ISO strings are accepted too. */
function toMs(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Math.round(value * 1000);
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  throw schedulerValidation(`${field} must be a timestamp; got ${quote(value)}.`);
}

export class SchedulerStore {
  private readonly groups = new Map<string, ScheduleGroupState>();
  private readonly schedules = new Map<string, ScheduleState>();
  private readonly expressions = new Map<string, ScheduleExpression>();
  private readonly timers: FireTimers;
  private writing: Promise<void> = Promise.resolve();
  readonly now: () => number;

  private constructor(private readonly options: SchedulerStoreOptions) {
    this.now = options.now ?? Date.now;
    this.timers = new FireTimers(this.now);
  }

  private get file(): string {
    return join(this.options.dataDir, 'scheduler', 'state.json');
  }

  static async open(options: SchedulerStoreOptions): Promise<SchedulerStore> {
    const store = new SchedulerStore(options);
    const state = await readJson<{ groups: ScheduleGroupState[]; schedules: ScheduleState[] }>(store.file);
    for (const group of state?.groups ?? []) store.groups.set(group.name, group);
    if (!store.groups.has(DEFAULT_GROUP)) {
      const now = store.now();
      store.groups.set(DEFAULT_GROUP, { name: DEFAULT_GROUP, createdAt: now, modifiedAt: now, tags: {} });
    }
    for (const schedule of state?.schedules ?? []) {
      const key = `${schedule.groupName}/${schedule.name}`;
      store.schedules.set(key, schedule);
      store.expressions.set(key, parseScheduleExpression(schedule.scheduleExpression, schedule.scheduleExpressionTimezone ?? 'UTC'));
      store.arm(key);
    }
    return store;
  }

  private save(): Promise<void> {
    const write = this.writing.then(() =>
      writeJsonAtomic(this.file, { groups: [...this.groups.values()], schedules: [...this.schedules.values()] }),
    );
    this.writing = write.catch(() => undefined);
    return write;
  }

  // ---- groups ----

  async createGroup(name: string, tags: Record<string, string> = {}): Promise<ScheduleGroupState> {
    if (!NAME.test(name))
      throw schedulerValidation(`Schedule group name ${quote(name)} is invalid: use 1-64 characters from 0-9, a-z, A-Z, -, _, .`);
    if (this.groups.has(name)) throw schedulerConflict(`Schedule group ${clip(name)} already exists.`);
    const now = this.now();
    const group: ScheduleGroupState = { name, createdAt: now, modifiedAt: now, tags: { ...tags } };
    this.groups.set(name, group);
    await this.save();
    return group;
  }

  getGroup(name: string | undefined): ScheduleGroupState {
    const group = this.groups.get(name ?? DEFAULT_GROUP);
    if (!group) throw schedulerNotFound(`Schedule group ${clip(name)} does not exist.`);
    return group;
  }

  listGroups(prefix = ''): ScheduleGroupState[] {
    return [...this.groups.values()].filter((group) => group.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Deletes a group and the schedules in it, as Scheduler does. */
  async deleteGroup(name: string): Promise<void> {
    if (name === DEFAULT_GROUP) throw schedulerValidation('The default schedule group cannot be deleted.');
    this.getGroup(name);
    for (const [key, schedule] of this.schedules) {
      if (schedule.groupName === name) this.remove(key);
    }
    this.groups.delete(name);
    await this.save();
  }

  // ---- tags (groups, by ARN) ----

  private groupByArn(arn: string): ScheduleGroupState {
    const group = [...this.groups.values()].find((candidate) => scheduleGroupArn(candidate.name) === arn);
    if (!group) throw schedulerNotFound(`Resource ${clip(arn)} does not exist.`);
    return group;
  }

  tagsOf(arn: string): Record<string, string> {
    return { ...this.groupByArn(arn).tags };
  }

  async tag(arn: string, tags: Record<string, string>): Promise<void> {
    Object.assign(this.groupByArn(arn).tags, tags);
    await this.save();
  }

  async untag(arn: string, keys: readonly string[]): Promise<void> {
    const group = this.groupByArn(arn);
    for (const key of keys) delete group.tags[key];
    await this.save();
  }

  // ---- schedules ----

  async createSchedule(input: ScheduleInput): Promise<ScheduleState> {
    const groupName = this.getGroup(input.groupName).name;
    const key = `${groupName}/${input.name}`;
    if (this.schedules.has(key)) throw schedulerConflict(`Schedule ${clip(input.name)} already exists.`);
    const now = this.now();
    const schedule = this.validate(input, groupName, now, now);
    this.schedules.set(key, schedule.state);
    this.expressions.set(key, schedule.expression);
    this.arm(key);
    await this.save();
    return schedule.state;
  }

  async updateSchedule(input: ScheduleInput): Promise<ScheduleState> {
    const existing = this.getSchedule(input.name, input.groupName);
    const key = `${existing.groupName}/${existing.name}`;
    const schedule = this.validate(input, existing.groupName, existing.createdAt, this.now());
    this.schedules.set(key, schedule.state);
    this.expressions.set(key, schedule.expression);
    this.arm(key);
    await this.save();
    return schedule.state;
  }

  getSchedule(name: string, groupName?: string): ScheduleState {
    const group = this.getGroup(groupName).name;
    const schedule = this.schedules.get(`${group}/${name}`);
    if (!schedule) throw schedulerNotFound(`Schedule ${clip(name)} does not exist.`);
    return schedule;
  }

  listSchedules(filter: { groupName?: string; prefix?: string; state?: string }): ScheduleState[] {
    if (filter.groupName !== undefined) this.getGroup(filter.groupName);
    return [...this.schedules.values()]
      .filter(
        (schedule) =>
          (filter.groupName === undefined || schedule.groupName === filter.groupName) &&
          schedule.name.startsWith(filter.prefix ?? '') &&
          (filter.state === undefined || schedule.state === filter.state),
      )
      .sort((a, b) => a.groupName.localeCompare(b.groupName) || a.name.localeCompare(b.name));
  }

  async deleteSchedule(name: string, groupName?: string): Promise<void> {
    const schedule = this.getSchedule(name, groupName);
    this.remove(`${schedule.groupName}/${schedule.name}`);
    await this.save();
  }

  private remove(key: string): void {
    this.timers.cancel(key);
    this.schedules.delete(key);
    this.expressions.delete(key);
  }

  private validate(
    input: ScheduleInput,
    groupName: string,
    createdAt: number,
    now: number,
  ): { state: ScheduleState; expression: ScheduleExpression } {
    if (!NAME.test(input.name))
      throw schedulerValidation(`Schedule name ${quote(input.name)} is invalid: use 1-64 characters from 0-9, a-z, A-Z, -, _, .`);
    if (typeof input.scheduleExpression !== 'string') throw schedulerValidation('ScheduleExpression is required.');
    const timezone = typeof input.scheduleExpressionTimezone === 'string' ? input.scheduleExpressionTimezone : undefined;
    const expression = parseScheduleExpression(input.scheduleExpression, timezone ?? 'UTC');

    const window = input.flexibleTimeWindow as { Mode?: unknown; MaximumWindowInMinutes?: unknown } | undefined;
    if (!window || (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE'))
      throw schedulerValidation('FlexibleTimeWindow.Mode is required and must be OFF or FLEXIBLE.');
    const maxWindow = window.MaximumWindowInMinutes;
    if (
      window.Mode === 'FLEXIBLE' &&
      (typeof maxWindow !== 'number' || !Number.isInteger(maxWindow) || maxWindow < 1 || maxWindow > 1440)
    ) {
      throw schedulerValidation('FlexibleTimeWindow.MaximumWindowInMinutes must be an integer from 1 to 1440 when Mode is FLEXIBLE.');
    }

    const target = input.target as ScheduleTarget | undefined;
    if (!target || typeof target.Arn !== 'string' || typeof target.RoleArn !== 'string')
      throw schedulerValidation('Target.Arn and Target.RoleArn are required.');
    if (target.Arn.includes(':event-bus/')) {
      const parameters = target.EventBridgeParameters;
      if (!parameters || typeof parameters.Source !== 'string' || typeof parameters.DetailType !== 'string') {
        throw schedulerValidation('Target.EventBridgeParameters with Source and DetailType are required for an event bus target.');
      }
      if (target.Input !== undefined) {
        let detail: unknown;
        try {
          detail = JSON.parse(target.Input);
        } catch {
          throw schedulerValidation('Target.Input must be a JSON object for an event bus target (it becomes the event detail).');
        }
        if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
          throw schedulerValidation('Target.Input must be a JSON object for an event bus target (it becomes the event detail).');
        }
      }
    } else if (queueNameFromArn(target.Arn) === undefined) {
      throw schedulerValidation(`Target.Arn ${target.Arn}: the local cloud supports event bus and SQS queue targets only.`);
    }

    const state = input.state ?? 'ENABLED';
    if (state !== 'ENABLED' && state !== 'DISABLED') throw schedulerValidation('State must be ENABLED or DISABLED.');
    const action = input.actionAfterCompletion ?? 'NONE';
    if (action !== 'NONE' && action !== 'DELETE') throw schedulerValidation('ActionAfterCompletion must be NONE or DELETE.');
    const startDate = toMs(input.startDate, 'StartDate');
    const endDate = toMs(input.endDate, 'EndDate');
    if (startDate !== undefined && endDate !== undefined && endDate <= startDate)
      throw schedulerValidation('EndDate must be after StartDate.');
    return {
      expression,
      state: {
        name: input.name,
        groupName,
        scheduleExpression: input.scheduleExpression,
        ...(timezone !== undefined ? { scheduleExpressionTimezone: timezone } : {}),
        flexibleTimeWindow:
          window.Mode === 'FLEXIBLE' ? { Mode: 'FLEXIBLE', MaximumWindowInMinutes: maxWindow as number } : { Mode: 'OFF' },
        target: { ...target },
        state,
        ...(typeof input.description === 'string' ? { description: input.description } : {}),
        ...(startDate !== undefined ? { startDate } : {}),
        ...(endDate !== undefined ? { endDate } : {}),
        actionAfterCompletion: action,
        createdAt,
        modifiedAt: now,
      },
    };
  }

  // ---- firing ----

  /** Sets the timer for a schedule's next occurrence. */
  private arm(key: string): void {
    this.timers.cancel(key);
    const schedule = this.schedules.get(key);
    const expression = this.expressions.get(key);
    if (!schedule || !expression || schedule.state === 'DISABLED') return;
    const now = this.now();
    let next: number | undefined;
    if (expression.kind === 'at') {
      if (schedule.lastFiredFor === expression.at) return;
      // A one-time schedule whose time passed (while the cloud was down) fires now.
      next = Math.max(expression.at, now);
    } else {
      const anchor = schedule.startDate ?? schedule.createdAt;
      next = nextFireTime(expression, Math.max(now, (schedule.startDate ?? 0) - 1), anchor);
    }
    if (next === undefined || (schedule.endDate !== undefined && next > schedule.endDate)) return;
    const occurrence = expression.kind === 'at' ? expression.at : next;
    // A flexible window fires at a random point within the window, as Scheduler does.
    const windowMs =
      schedule.flexibleTimeWindow.Mode === 'FLEXIBLE' ? (schedule.flexibleTimeWindow.MaximumWindowInMinutes ?? 0) * 60_000 : 0;
    const fireAt = next + Math.floor(Math.random() * windowMs);
    this.timers.set(key, fireAt, () => void this.fire(key, occurrence));
  }

  private async fire(key: string, occurrence: number): Promise<void> {
    const schedule = this.schedules.get(key);
    if (!schedule) return;
    const arn = scheduleArn(schedule.groupName, schedule.name);
    const target = schedule.target;
    const executionId = newExecutionId();
    const input = substituteContextAttributes(target.Input ?? '{}', {
      scheduleArn: arn,
      scheduledTime: occurrence,
      executionId,
      attemptNumber: 1,
    });
    try {
      const queueName = queueNameFromArn(target.Arn);
      if (queueName !== undefined) {
        await this.options.sqs.send(queueName, [{ body: input }]);
      } else {
        const marker = ':event-bus/';
        const bus = target.Arn.slice(target.Arn.indexOf(marker) + marker.length);
        await this.options.eventBridge.publish(bus, {
          version: '0',
          id: randomUUID(),
          'detail-type': target.EventBridgeParameters?.DetailType ?? 'Scheduled Event',
          source: target.EventBridgeParameters?.Source ?? 'aws.scheduler',
          account: ACCOUNT_ID,
          time: eventTime(this.now()),
          region: REGION,
          resources: [arn],
          detail: JSON.parse(input) as unknown,
        });
      }
      this.options.onLog?.(SCHEDULER_LOG_KIND.fired, {
        schedule: arn,
        scheduledTime: new Date(occurrence).toISOString(),
        executionId,
        target: target.Arn,
        ok: true,
      });
    } catch (error) {
      this.options.onLog?.(SCHEDULER_LOG_KIND.fired, {
        schedule: arn,
        scheduledTime: new Date(occurrence).toISOString(),
        executionId,
        target: target.Arn,
        ok: false,
        error: (error as Error).message,
      });
    }
    schedule.lastFiredFor = occurrence;
    const expression = this.expressions.get(key);
    if (expression?.kind === 'at' && schedule.actionAfterCompletion === 'DELETE') this.remove(key);
    else this.arm(key);
    await this.save();
  }

  async close(): Promise<void> {
    this.timers.close();
    await this.writing;
  }
}
