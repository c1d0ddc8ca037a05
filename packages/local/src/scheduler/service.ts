/**
 * EventBridge Scheduler over REST-JSON (signing name `scheduler`): `/schedules/{Name}`,
 * `/schedule-groups/{Name}` and `/tags/{ResourceArn}`. Timestamps are epoch seconds; errors carry
 * their type in `x-amzn-ErrorType` and the text in `Message`.
 */
import { randomUUID } from 'node:crypto';
import type { WireRequest, WireResponse, WireService } from '../wire';
import { SchedulerError, schedulerValidation } from './errors';
import {
  scheduleArn,
  scheduleGroupArn,
  type ScheduleGroupState,
  type ScheduleInput,
  type ScheduleState,
  type SchedulerStore,
} from './store';

type Json = Record<string, unknown>;

const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);

function describeSchedule(schedule: ScheduleState): Json {
  return {
    ActionAfterCompletion: schedule.actionAfterCompletion,
    Arn: scheduleArn(schedule.groupName, schedule.name),
    CreationDate: seconds(schedule.createdAt),
    Description: schedule.description,
    EndDate: seconds(schedule.endDate),
    FlexibleTimeWindow: schedule.flexibleTimeWindow,
    GroupName: schedule.groupName,
    LastModificationDate: seconds(schedule.modifiedAt),
    Name: schedule.name,
    ScheduleExpression: schedule.scheduleExpression,
    ScheduleExpressionTimezone: schedule.scheduleExpressionTimezone,
    StartDate: seconds(schedule.startDate),
    State: schedule.state,
    Target: schedule.target,
  };
}

function describeGroup(group: ScheduleGroupState): Json {
  return {
    Arn: scheduleGroupArn(group.name),
    CreationDate: seconds(group.createdAt),
    LastModificationDate: seconds(group.modifiedAt),
    Name: group.name,
    State: 'ACTIVE',
  };
}

function paginate<T>(items: readonly T[], query: URLSearchParams): { page: T[]; next?: string } {
  const max = query.has('MaxResults') ? Number(query.get('MaxResults')) : 100;
  if (!Number.isInteger(max) || max < 1 || max > 100) throw schedulerValidation('MaxResults must be an integer from 1 to 100.');
  const token = query.get('NextToken');
  const start = token ? Number(Buffer.from(token, 'base64').toString('utf8')) || 0 : 0;
  const end = start + max;
  return { page: items.slice(start, end), ...(end < items.length ? { next: Buffer.from(String(end)).toString('base64') } : {}) };
}

function tagsFromList(list: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of Array.isArray(list) ? (list as Json[]) : []) {
    if (typeof tag.Key === 'string' && typeof tag.Value === 'string') tags[tag.Key] = tag.Value;
  }
  return tags;
}

function scheduleInput(name: string, body: Json): ScheduleInput {
  return {
    name,
    ...(typeof body.GroupName === 'string' ? { groupName: body.GroupName } : {}),
    scheduleExpression: body.ScheduleExpression,
    scheduleExpressionTimezone: body.ScheduleExpressionTimezone,
    flexibleTimeWindow: body.FlexibleTimeWindow,
    target: body.Target,
    state: body.State,
    description: body.Description,
    startDate: body.StartDate,
    endDate: body.EndDate,
    actionAfterCompletion: body.ActionAfterCompletion,
  };
}

export class SchedulerService implements WireService {
  constructor(private readonly store: SchedulerStore) {}

  matches(request: WireRequest): boolean {
    return request.signingName === 'scheduler';
  }

  async handle(request: WireRequest): Promise<WireResponse> {
    try {
      let body: Json = {};
      if (request.body.length > 0) {
        try {
          body = JSON.parse(request.body.toString('utf8')) as Json;
        } catch {
          throw schedulerValidation('The request body is not valid JSON.');
        }
      }
      const result = await this.route(request, body ?? {});
      return {
        status: 200,
        headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID() },
        body: JSON.stringify(result),
      };
    } catch (error) {
      if (!(error instanceof SchedulerError)) throw error;
      return {
        status: error.status,
        headers: { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), 'x-amzn-errortype': error.code },
        body: JSON.stringify({ Message: error.message }),
      };
    }
  }

  private async route(request: WireRequest, body: Json): Promise<Json> {
    const { method, query } = request;
    const store = this.store;
    const segments = request.path.split('/').filter(Boolean);
    const [collection, name] = [segments[0], segments.length > 1 ? segments.slice(1).join('/') : undefined];

    if (collection === 'schedules') {
      if (name === undefined && method === 'GET') {
        const schedules = store.listSchedules({
          ...(query.get('ScheduleGroup') ? { groupName: query.get('ScheduleGroup') as string } : {}),
          ...(query.get('NamePrefix') ? { prefix: query.get('NamePrefix') as string } : {}),
          ...(query.get('State') ? { state: query.get('State') as string } : {}),
        });
        const { page, next } = paginate(schedules, query);
        return {
          Schedules: page.map((schedule) => ({
            Arn: scheduleArn(schedule.groupName, schedule.name),
            CreationDate: seconds(schedule.createdAt),
            GroupName: schedule.groupName,
            LastModificationDate: seconds(schedule.modifiedAt),
            Name: schedule.name,
            State: schedule.state,
            Target: { Arn: schedule.target.Arn },
          })),
          ...(next ? { NextToken: next } : {}),
        };
      }
      if (name !== undefined) {
        const groupName = query.get('groupName') ?? undefined;
        switch (method) {
          case 'POST': {
            const schedule = await store.createSchedule(scheduleInput(name, body));
            return { ScheduleArn: scheduleArn(schedule.groupName, schedule.name) };
          }
          case 'PUT': {
            const schedule = await store.updateSchedule(scheduleInput(name, body));
            return { ScheduleArn: scheduleArn(schedule.groupName, schedule.name) };
          }
          case 'GET':
            return describeSchedule(store.getSchedule(name, groupName));
          case 'DELETE':
            await store.deleteSchedule(name, groupName);
            return {};
        }
      }
    }

    if (collection === 'schedule-groups') {
      if (name === undefined && method === 'GET') {
        const { page, next } = paginate(store.listGroups(query.get('NamePrefix') ?? ''), query);
        return { ScheduleGroups: page.map(describeGroup), ...(next ? { NextToken: next } : {}) };
      }
      if (name !== undefined) {
        switch (method) {
          case 'POST':
            return { ScheduleGroupArn: scheduleGroupArn((await store.createGroup(name, tagsFromList(body.Tags))).name) };
          case 'GET':
            return describeGroup(store.getGroup(name));
          case 'DELETE':
            await store.deleteGroup(name);
            return {};
        }
      }
    }

    if (collection === 'tags' && name !== undefined) {
      switch (method) {
        case 'GET':
          return { Tags: Object.entries(store.tagsOf(name)).map(([Key, Value]) => ({ Key, Value })) };
        case 'POST':
          await store.tag(name, tagsFromList(body.Tags));
          return {};
        case 'DELETE':
          await store.untag(name, query.getAll('TagKeys'));
          return {};
      }
    }

    throw new SchedulerError('UnknownOperationException', `No Scheduler operation for ${method} ${request.path}.`, 404);
  }
}
