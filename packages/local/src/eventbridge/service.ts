/**
 * EventBridge over JSON 1.1 (`X-Amz-Target: AWSEvents.<Operation>`). Timestamps are epoch seconds,
 * errors carry the exception name in `__type`.
 */
import { randomUUID } from 'node:crypto';
import type { WireRequest, WireResponse, WireService } from '../wire';
import { EventBridgeError, validationError } from './errors';
import { EventPattern } from './pattern';
import { busArn, ruleArn, type BusState, type EventBridgeStore, type PutEventsEntry, type RuleState, type TargetState } from './store';

const TARGET_PREFIX = 'AWSEvents.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

type Json = Record<string, unknown>;

const seconds = (ms: number): number => Math.floor(ms / 1000);

function requireString(body: Json, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') {
    throw validationError(
      `1 validation error detected: Value null at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

const optionalString = (body: Json, field: string): string | undefined =>
  typeof body[field] === 'string' ? (body[field] as string) : undefined;

function tagsFromList(list: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const tag of Array.isArray(list) ? (list as Json[]) : []) {
    if (typeof tag.Key === 'string' && typeof tag.Value === 'string') tags[tag.Key] = tag.Value;
  }
  return tags;
}

const tagsToList = (tags: Record<string, string>): Json[] => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

function describeBus(bus: BusState): Json {
  return {
    Name: bus.name,
    Arn: busArn(bus.name),
    ...(bus.description ? { Description: bus.description } : {}),
    CreationTime: seconds(bus.createdAt),
    LastModifiedTime: seconds(bus.modifiedAt),
  };
}

function describeRule(rule: RuleState): Json {
  return {
    Name: rule.name,
    Arn: ruleArn(rule.bus, rule.name),
    ...(rule.eventPattern !== undefined ? { EventPattern: rule.eventPattern } : {}),
    ...(rule.scheduleExpression !== undefined ? { ScheduleExpression: rule.scheduleExpression } : {}),
    State: rule.state,
    ...(rule.description !== undefined ? { Description: rule.description } : {}),
    ...(rule.roleArn !== undefined ? { RoleArn: rule.roleArn } : {}),
    EventBusName: rule.bus,
  };
}

function paginate<T>(items: readonly T[], body: Json): { page: T[]; next?: string } {
  const limit = typeof body.Limit === 'number' ? body.Limit : 100;
  if (limit < 1 || limit > 100) throw validationError('Limit must be between 1 and 100.');
  const start = typeof body.NextToken === 'string' ? Number(Buffer.from(body.NextToken, 'base64').toString('utf8')) || 0 : 0;
  const end = start + limit;
  return { page: items.slice(start, end), ...(end < items.length ? { next: Buffer.from(String(end)).toString('base64') } : {}) };
}

const REQUIRED_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'] as const;

export class EventBridgeService implements WireService {
  constructor(private readonly store: EventBridgeStore) {}

  matches(request: WireRequest): boolean {
    return request.target?.startsWith(TARGET_PREFIX) === true;
  }

  async handle(request: WireRequest): Promise<WireResponse> {
    const operation = request.target?.slice(TARGET_PREFIX.length) ?? '';
    try {
      let body: Json;
      try {
        body = request.body.length === 0 ? {} : (JSON.parse(request.body.toString('utf8')) as Json);
      } catch {
        throw new EventBridgeError('SerializationException', 'The request body is not valid JSON.');
      }
      const result = await this.dispatch(operation, body ?? {});
      return { status: 200, headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID() }, body: JSON.stringify(result) };
    } catch (error) {
      if (!(error instanceof EventBridgeError)) throw error;
      return {
        status: error.status,
        headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID(), 'x-amzn-errortype': error.code },
        body: JSON.stringify({ __type: error.code, message: error.message }),
      };
    }
  }

  private async dispatch(operation: string, body: Json): Promise<Json> {
    const store = this.store;
    switch (operation) {
      case 'PutEvents': {
        if (!Array.isArray(body.Entries))
          throw validationError(
            "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null",
          );
        return store.putEvents(body.Entries as PutEventsEntry[]);
      }
      case 'CreateEventBus': {
        const bus = await store.createBus(requireString(body, 'Name'), optionalString(body, 'Description'), tagsFromList(body.Tags));
        return { EventBusArn: busArn(bus.name), ...(bus.description ? { Description: bus.description } : {}) };
      }
      case 'DescribeEventBus':
        return describeBus(store.getBus(optionalString(body, 'Name')));
      case 'DeleteEventBus':
        await store.deleteBus(requireString(body, 'Name'));
        return {};
      case 'ListEventBuses': {
        const { page, next } = paginate(store.listBuses(optionalString(body, 'NamePrefix')), body);
        return { EventBuses: page.map(describeBus), ...(next ? { NextToken: next } : {}) };
      }
      case 'PutRule': {
        const rule = await store.putRule({
          name: requireString(body, 'Name'),
          bus: optionalString(body, 'EventBusName') ?? 'default',
          ...(optionalString(body, 'EventPattern') !== undefined ? { eventPattern: optionalString(body, 'EventPattern') } : {}),
          ...(optionalString(body, 'ScheduleExpression') !== undefined
            ? { scheduleExpression: optionalString(body, 'ScheduleExpression') }
            : {}),
          ...(optionalString(body, 'State') !== undefined ? { state: optionalString(body, 'State') } : {}),
          ...(optionalString(body, 'Description') !== undefined ? { description: optionalString(body, 'Description') } : {}),
          ...(optionalString(body, 'RoleArn') !== undefined ? { roleArn: optionalString(body, 'RoleArn') } : {}),
          tags: tagsFromList(body.Tags),
        });
        return { RuleArn: ruleArn(rule.bus, rule.name) };
      }
      case 'DescribeRule':
        return {
          ...describeRule(store.getRule(requireString(body, 'Name'), optionalString(body, 'EventBusName'))),
          CreatedBy: '000000000000',
        };
      case 'DeleteRule':
        await store.deleteRule(requireString(body, 'Name'), optionalString(body, 'EventBusName'), body.Force === true);
        return {};
      case 'EnableRule':
      case 'DisableRule':
        await store.setRuleState(
          requireString(body, 'Name'),
          optionalString(body, 'EventBusName'),
          operation === 'EnableRule' ? 'ENABLED' : 'DISABLED',
        );
        return {};
      case 'ListRules': {
        const { page, next } = paginate(store.listRules(optionalString(body, 'EventBusName'), optionalString(body, 'NamePrefix')), body);
        return { Rules: page.map(describeRule), ...(next ? { NextToken: next } : {}) };
      }
      case 'PutTargets': {
        if (!Array.isArray(body.Targets))
          throw validationError(
            "1 validation error detected: Value null at 'targets' failed to satisfy constraint: Member must not be null",
          );
        const failed = await store.putTargets(
          requireString(body, 'Rule'),
          optionalString(body, 'EventBusName'),
          body.Targets as TargetState[],
        );
        return { FailedEntryCount: failed.length, FailedEntries: failed };
      }
      case 'RemoveTargets': {
        const ids = Array.isArray(body.Ids) ? (body.Ids as string[]) : [];
        const failed = await store.removeTargets(requireString(body, 'Rule'), optionalString(body, 'EventBusName'), ids);
        return { FailedEntryCount: failed.length, FailedEntries: failed };
      }
      case 'ListTargetsByRule': {
        const rule = store.getRule(requireString(body, 'Rule'), optionalString(body, 'EventBusName'));
        const { page, next } = paginate(rule.targets, body);
        return { Targets: page, ...(next ? { NextToken: next } : {}) };
      }
      case 'ListRuleNamesByTarget': {
        const { page, next } = paginate(
          store.ruleNamesByTarget(requireString(body, 'TargetArn'), optionalString(body, 'EventBusName')),
          body,
        );
        return { RuleNames: page, ...(next ? { NextToken: next } : {}) };
      }
      case 'TestEventPattern': {
        const pattern = EventPattern.parse(requireString(body, 'EventPattern'));
        let event: unknown;
        try {
          event = JSON.parse(requireString(body, 'Event'));
        } catch (error) {
          if (error instanceof EventBridgeError) throw error;
          throw validationError('Parameter Event is not valid. Reason: Event is not valid JSON.');
        }
        if (event === null || typeof event !== 'object' || Array.isArray(event))
          throw validationError('Parameter Event is not valid. Reason: Event must be a JSON object.');
        for (const field of REQUIRED_EVENT_FIELDS) {
          if (!(field in event))
            throw validationError(`Parameter Event is not valid. Reason: Provided Event is missing required field ${field}.`);
        }
        return { Result: pattern.matches(event) };
      }
      case 'TagResource':
        await store.tag(requireString(body, 'ResourceARN'), tagsFromList(body.Tags));
        return {};
      case 'UntagResource':
        await store.untag(requireString(body, 'ResourceARN'), Array.isArray(body.TagKeys) ? (body.TagKeys as string[]) : []);
        return {};
      case 'ListTagsForResource':
        return { Tags: tagsToList(store.tagsOf(requireString(body, 'ResourceARN'))) };
      default:
        throw new EventBridgeError(
          'UnknownOperationException',
          `Operation ${operation || '(none)'} is not supported by the local EventBridge.`,
        );
    }
  }
}
