/**
 * Event buses, rules and targets of the local EventBridge, persisted in
 * `<dataDir>/eventbridge/state.json`, and the routing of events: every event put on a bus is
 * matched against the bus's enabled rules and delivered to their targets (SQS queues, or other
 * buses). Every event and every delivery is reported to `onLog` (the cloud's event log).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { EVENT_LOG_KIND } from '../event-log';
import { readJson, writeJsonAtomic } from '../persist';
import { nextFireTime, parseScheduleExpression, type ScheduleExpression } from '../scheduler/expression';
import { FireTimers } from '../scheduler/timer';
import { queueNameFromArn, type SqsStore } from '../sqs';
import { ACCOUNT_ID, REGION } from '../wire';
import { EventBridgeError, resourceNotFound, validationError } from './errors';
import { renderTargetInput, validateTargetInput, type TargetInputSettings } from './input';
import { EventPattern } from './pattern';
import { clip, quote } from '../errors';

export const DEFAULT_BUS = 'default';

/** Event-log kinds EventBridge adds (events themselves are `EVENT_LOG_KIND.busEvent`). */
export const BUS_LOG_KIND = {
  /** An event handed to a rule's target (an SQS queue or another bus), and whether it got there. */
  targetDelivery: 'bus.delivery',
} as const;

export interface BusState {
  readonly name: string;
  readonly description?: string;
  readonly createdAt: number;
  modifiedAt: number;
  tags: Record<string, string>;
}

export interface TargetState extends TargetInputSettings {
  readonly Id: string;
  readonly Arn: string;
  readonly RoleArn?: string;
  readonly SqsParameters?: { readonly MessageGroupId?: string };
  readonly [other: string]: unknown;
}

export interface RuleState {
  readonly name: string;
  readonly bus: string;
  eventPattern?: string;
  scheduleExpression?: string;
  state: string;
  description?: string;
  roleArn?: string;
  targets: TargetState[];
  tags: Record<string, string>;
  readonly createdAt: number;
}

interface PersistedState {
  readonly buses: BusState[];
  readonly rules: RuleState[];
}

/** The event as EventBridge delivers it to targets. */
export interface BusEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

export interface PutEventsEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly Resources?: readonly string[];
  readonly EventBusName?: string;
  /** Epoch seconds (JSON protocol timestamp) or a Date. */
  readonly Time?: number | Date | string;
  readonly TraceHeader?: string;
}

export interface PutEventsResultEntry {
  readonly EventId?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

export interface PutRuleInput {
  readonly name: string;
  readonly bus: string;
  readonly eventPattern?: string;
  readonly scheduleExpression?: string;
  readonly state?: string;
  readonly description?: string;
  readonly roleArn?: string;
  readonly tags?: Record<string, string>;
}

export type BusLog = (kind: string, data: Record<string, unknown>) => void;

export interface EventBridgeStoreOptions {
  readonly dataDir: string;
  readonly sqs: SqsStore;
  readonly onLog?: BusLog;
  readonly now?: () => number;
}

const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;
const TARGET_ID = /^[.\-_A-Za-z0-9]{1,64}$/;
const RULE_STATES = new Set(['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS']);
/** PutEvents limits: entries per request and total request size (256 KiB). */
const PUT_EVENTS_MAX_ENTRIES = 10;
const PUT_EVENTS_MAX_BYTES = 256 * 1024;
const MAX_TARGETS_PER_RULE = 5;
/** Bus-to-bus forwarding depth before an event is dropped (guards against loops). */
const MAX_BUS_HOPS = 5;

export const busArn = (name: string): string => `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/${name}`;
export const ruleArn = (bus: string, name: string): string =>
  `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${bus === DEFAULT_BUS ? '' : `${bus}/`}${name}`;

/** Accepts a bus name or ARN, as the API does. */
export function busNameOf(nameOrArn: string | undefined): string {
  if (nameOrArn === undefined || nameOrArn === '') return DEFAULT_BUS;
  const marker = ':event-bus/';
  const index = nameOrArn.indexOf(marker);
  return nameOrArn.startsWith('arn:') && index >= 0 ? nameOrArn.slice(index + marker.length) : nameOrArn;
}

/** EventBridge times have second precision: `2026-01-01T12:00:00Z`. */
export const eventTime = (ms: number): string => `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;

function entryTime(time: PutEventsEntry['Time'], now: number): number {
  if (time === undefined || time === null) return now;
  if (time instanceof Date) return time.getTime();
  if (typeof time === 'number') return time * 1000;
  const parsed = Date.parse(time);
  return Number.isNaN(parsed) ? now : parsed;
}

export class EventBridgeStore {
  private readonly buses = new Map<string, BusState>();
  private readonly rules = new Map<string, RuleState>();
  private readonly patterns = new Map<string, EventPattern>();
  private readonly timers: FireTimers;
  private writing: Promise<void> = Promise.resolve();
  readonly now: () => number;

  private constructor(private readonly options: EventBridgeStoreOptions) {
    this.now = options.now ?? Date.now;
    this.timers = new FireTimers(this.now);
  }

  private get file(): string {
    return join(this.options.dataDir, 'eventbridge', 'state.json');
  }

  static async open(options: EventBridgeStoreOptions): Promise<EventBridgeStore> {
    const store = new EventBridgeStore(options);
    const state = await readJson<PersistedState>(store.file);
    for (const bus of state?.buses ?? []) store.buses.set(bus.name, bus);
    if (!store.buses.has(DEFAULT_BUS)) {
      const now = store.now();
      store.buses.set(DEFAULT_BUS, { name: DEFAULT_BUS, createdAt: now, modifiedAt: now, tags: {} });
    }
    for (const rule of state?.rules ?? []) {
      store.rules.set(`${rule.bus}/${rule.name}`, rule);
      if (rule.eventPattern) store.patterns.set(`${rule.bus}/${rule.name}`, EventPattern.parse(rule.eventPattern));
      store.armScheduledRule(rule);
    }
    return store;
  }

  private save(): Promise<void> {
    const write = this.writing.then(() => writeJsonAtomic(this.file, { buses: [...this.buses.values()], rules: [...this.rules.values()] }));
    this.writing = write.catch(() => undefined);
    return write;
  }

  // ---- buses ----

  async createBus(name: string, description?: string, tags: Record<string, string> = {}): Promise<BusState> {
    if (!BUS_NAME.test(name) || name.startsWith('aws.')) {
      throw validationError(
        `Event bus name ${quote(name)} is invalid: use 1-256 characters from A-Z, a-z, 0-9, /, ., -, _ (not starting with aws.).`,
      );
    }
    if (this.buses.has(name)) throw new EventBridgeError('ResourceAlreadyExistsException', `Event bus ${clip(name)} already exists.`);
    const now = this.now();
    const bus: BusState = { name, ...(description ? { description } : {}), createdAt: now, modifiedAt: now, tags: { ...tags } };
    this.buses.set(name, bus);
    await this.save();
    return bus;
  }

  getBus(nameOrArn: string | undefined): BusState {
    const name = busNameOf(nameOrArn);
    const bus = this.buses.get(name);
    if (!bus) throw resourceNotFound(`Event bus ${clip(name)} does not exist.`);
    return bus;
  }

  listBuses(prefix = ''): BusState[] {
    return [...this.buses.values()].filter((bus) => bus.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async deleteBus(name: string): Promise<void> {
    if (name === DEFAULT_BUS) throw validationError('Cannot delete event bus default.');
    if (!this.buses.has(name)) return;
    if (this.listRules(name).length > 0) throw validationError(`Cannot delete event bus ${clip(name)} because it still has rules.`);
    this.buses.delete(name);
    await this.save();
  }

  // ---- rules ----

  async putRule(input: PutRuleInput): Promise<RuleState> {
    if (!RULE_NAME.test(input.name)) {
      throw validationError(`Rule name ${quote(input.name)} is invalid: use 1-64 characters from A-Z, a-z, 0-9, ., -, _.`);
    }
    const bus = this.getBus(input.bus).name;
    if (input.eventPattern === undefined && input.scheduleExpression === undefined) {
      throw validationError('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    }
    if (input.state !== undefined && !RULE_STATES.has(input.state)) {
      throw validationError(`State must be one of ${[...RULE_STATES].join(', ')}; got ${input.state}.`);
    }
    let pattern: EventPattern | undefined;
    if (input.eventPattern !== undefined) {
      if (input.eventPattern.length > 4096) throw validationError('EventPattern must be at most 4096 characters.');
      pattern = EventPattern.parse(input.eventPattern);
    }
    if (input.scheduleExpression !== undefined) {
      if (bus !== DEFAULT_BUS) throw validationError('ScheduleExpression is supported only on the default event bus.');
      try {
        parseScheduleExpression(input.scheduleExpression, 'UTC', false);
      } catch (error) {
        throw validationError(`Parameter ScheduleExpression is not valid. ${(error as Error).message}`);
      }
    }
    const key = `${bus}/${input.name}`;
    const existing = this.rules.get(key);
    const rule: RuleState = {
      name: input.name,
      bus,
      ...(input.eventPattern !== undefined ? { eventPattern: input.eventPattern } : {}),
      ...(input.scheduleExpression !== undefined ? { scheduleExpression: input.scheduleExpression } : {}),
      state: input.state ?? 'ENABLED',
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.roleArn !== undefined ? { roleArn: input.roleArn } : {}),
      targets: existing?.targets ?? [],
      tags: { ...(existing?.tags ?? {}), ...(input.tags ?? {}) },
      createdAt: existing?.createdAt ?? this.now(),
    };
    this.rules.set(key, rule);
    if (pattern) this.patterns.set(key, pattern);
    else this.patterns.delete(key);
    this.armScheduledRule(rule);
    await this.save();
    return rule;
  }

  getRule(name: string, busNameOrArn?: string): RuleState {
    const bus = this.getBus(busNameOrArn).name;
    const rule = this.rules.get(`${bus}/${name}`);
    if (!rule) throw resourceNotFound(`Rule ${clip(name)} does not exist on EventBus ${bus}.`);
    return rule;
  }

  listRules(busNameOrArn?: string, prefix = ''): RuleState[] {
    const bus = this.getBus(busNameOrArn).name;
    return [...this.rules.values()]
      .filter((rule) => rule.bus === bus && rule.name.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async deleteRule(name: string, busNameOrArn?: string, force = false): Promise<void> {
    const bus = this.getBus(busNameOrArn).name;
    const key = `${bus}/${name}`;
    const rule = this.rules.get(key);
    if (!rule) return;
    if (rule.targets.length > 0 && !force) throw validationError("Rule can't be deleted since it has targets.");
    this.rules.delete(key);
    this.patterns.delete(key);
    this.timers.cancel(key);
    await this.save();
  }

  async setRuleState(name: string, busNameOrArn: string | undefined, state: 'ENABLED' | 'DISABLED'): Promise<void> {
    const rule = this.getRule(name, busNameOrArn);
    rule.state = state;
    this.armScheduledRule(rule);
    await this.save();
  }

  async putTargets(name: string, busNameOrArn: string | undefined, targets: readonly TargetState[]): Promise<PutEventsFailure[]> {
    const rule = this.getRule(name, busNameOrArn);
    if (targets.length === 0 || targets.length > 10) {
      throw validationError(
        `1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and 10`,
      );
    }
    const failed: PutEventsFailure[] = [];
    for (const target of targets) {
      const problem = this.checkTarget(target);
      if (problem) {
        failed.push({ TargetId: target.Id, ErrorCode: 'ValidationException', ErrorMessage: problem });
        continue;
      }
      const index = rule.targets.findIndex((existing) => existing.Id === target.Id);
      if (index < 0 && rule.targets.length >= MAX_TARGETS_PER_RULE) {
        throw new EventBridgeError(
          'LimitExceededException',
          `The requested resource exceeds the maximum number allowed: a rule has at most ${MAX_TARGETS_PER_RULE} targets.`,
        );
      }
      if (index >= 0) rule.targets[index] = { ...target };
      else rule.targets.push({ ...target });
    }
    await this.save();
    return failed;
  }

  private checkTarget(target: TargetState): string | undefined {
    if (typeof target.Id !== 'string' || !TARGET_ID.test(target.Id))
      return `Target Id ${JSON.stringify(target.Id)} is invalid: use 1-64 characters from A-Z, a-z, 0-9, ., -, _.`;
    if (typeof target.Arn !== 'string') return 'Target Arn is required.';
    if (queueNameFromArn(target.Arn) === undefined && !target.Arn.includes(':event-bus/')) {
      return `The local cloud delivers to SQS queues and event buses; ${target.Arn} is neither.`;
    }
    try {
      validateTargetInput(target);
    } catch (error) {
      return (error as Error).message;
    }
    return undefined;
  }

  async removeTargets(name: string, busNameOrArn: string | undefined, ids: readonly string[]): Promise<PutEventsFailure[]> {
    const rule = this.getRule(name, busNameOrArn);
    const failed: PutEventsFailure[] = [];
    for (const id of ids) {
      const index = rule.targets.findIndex((target) => target.Id === id);
      if (index < 0)
        failed.push({
          TargetId: id,
          ErrorCode: 'ResourceNotFoundException',
          ErrorMessage: `Target ${clip(id)} is not on rule ${clip(name)}.`,
        });
      else rule.targets.splice(index, 1);
    }
    await this.save();
    return failed;
  }

  ruleNamesByTarget(targetArn: string, busNameOrArn?: string): string[] {
    return this.listRules(busNameOrArn)
      .filter((rule) => rule.targets.some((target) => target.Arn === targetArn))
      .map((rule) => rule.name);
  }

  // ---- tags (buses and rules, by ARN) ----

  private taggable(arn: string): { tags: Record<string, string> } {
    for (const bus of this.buses.values()) if (busArn(bus.name) === arn) return bus;
    for (const rule of this.rules.values()) if (ruleArn(rule.bus, rule.name) === arn) return rule;
    throw resourceNotFound(`Resource ${clip(arn)} does not exist.`);
  }

  tagsOf(arn: string): Record<string, string> {
    return { ...this.taggable(arn).tags };
  }

  async tag(arn: string, tags: Record<string, string>): Promise<void> {
    Object.assign(this.taggable(arn).tags, tags);
    await this.save();
  }

  async untag(arn: string, keys: readonly string[]): Promise<void> {
    const resource = this.taggable(arn);
    for (const key of keys) delete resource.tags[key];
    await this.save();
  }

  // ---- events ----

  /** PutEvents: validates each entry (per-entry errors as AWS reports them) and routes the valid ones. */
  async putEvents(entries: readonly PutEventsEntry[]): Promise<{ FailedEntryCount: number; Entries: PutEventsResultEntry[] }> {
    if (entries.length === 0 || entries.length > PUT_EVENTS_MAX_ENTRIES) {
      throw validationError(
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${entries.length === 0 ? 'greater than or equal to 1' : `less than or equal to ${PUT_EVENTS_MAX_ENTRIES}`}`,
      );
    }
    const size = entries.reduce(
      (sum, entry) =>
        sum +
        (entry.Time !== undefined ? 14 : 0) +
        Buffer.byteLength(entry.Source ?? '') +
        Buffer.byteLength(entry.DetailType ?? '') +
        Buffer.byteLength(entry.Detail ?? '') +
        (entry.Resources ?? []).reduce((total, resource) => total + Buffer.byteLength(resource), 0),
      0,
    );
    if (size > PUT_EVENTS_MAX_BYTES)
      throw validationError(`Total size of the entries in the request is over the limit (${size} > ${PUT_EVENTS_MAX_BYTES} bytes).`);

    const results: PutEventsResultEntry[] = [];
    const deliveries: Promise<void>[] = [];
    for (const entry of entries) {
      const failure = this.checkEntry(entry);
      if (failure) {
        results.push(failure);
        continue;
      }
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType as string,
        source: entry.Source as string,
        account: ACCOUNT_ID,
        time: eventTime(entryTime(entry.Time, this.now())),
        region: REGION,
        resources: [...(entry.Resources ?? [])],
        detail: JSON.parse(entry.Detail as string) as unknown,
      };
      results.push({ EventId: event.id });
      deliveries.push(this.publish(busNameOf(entry.EventBusName), event));
    }
    // Respond once every matched target has the event (queued messages are durable by then).
    await Promise.all(deliveries);
    return { FailedEntryCount: results.filter((result) => result.ErrorCode !== undefined).length, Entries: results };
  }

  private checkEntry(entry: PutEventsEntry): PutEventsResultEntry | undefined {
    const invalid = (field: string, reason: string): PutEventsResultEntry => ({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: `Parameter ${field} is not valid. Reason: ${reason}`,
    });
    if (!entry.Source) return invalid('Source', 'Source is a required argument.');
    if (!entry.DetailType) return invalid('DetailType', 'DetailType is a required argument.');
    if (entry.Detail === undefined || entry.Detail === '') return invalid('Detail', 'Detail is a required argument.');
    if (entry.Source.length > 256) return invalid('Source', 'Source must be at most 256 characters.');
    if (entry.DetailType.length > 128) return invalid('DetailType', 'DetailType must be at most 128 characters.');
    if (entry.Source.startsWith('aws.'))
      return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail))
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    return undefined;
  }

  /**
   * Routes one event on a bus. An event for a bus that does not exist is accepted and dropped, as
   * EventBridge does (aws/aws-cli#9186); the event log records the drop.
   */
  async publish(busName: string, event: BusEvent, hops = 0): Promise<void> {
    const bus = this.buses.get(busName);
    const matched = bus
      ? [...this.rules.values()].filter(
          (rule) =>
            rule.bus === busName && rule.state !== 'DISABLED' && this.patterns.get(`${rule.bus}/${rule.name}`)?.matches(event) === true,
        )
      : [];
    this.options.onLog?.(EVENT_LOG_KIND.busEvent, {
      bus: busName,
      event,
      rules: matched.map((rule) => rule.name),
      ...(bus ? {} : { dropped: `event bus ${busName} does not exist` }),
    });
    await Promise.all(matched.flatMap((rule) => rule.targets.map((target) => this.deliver(rule, target, event, hops))));
  }

  private async deliver(rule: RuleState, target: TargetState, event: BusEvent, hops: number): Promise<void> {
    const base = { bus: rule.bus, rule: rule.name, targetId: target.Id, targetArn: target.Arn, eventId: event.id };
    try {
      const queueName = queueNameFromArn(target.Arn);
      if (queueName !== undefined) {
        const body = renderTargetInput(target, event as unknown as Record<string, unknown>, rule.name);
        const [message] = await this.options.sqs.send(queueName, [{ body }]);
        this.options.onLog?.(BUS_LOG_KIND.targetDelivery, { ...base, ok: true, messageId: message?.id });
        return;
      }
      if (hops >= MAX_BUS_HOPS) throw new Error(`event crossed ${MAX_BUS_HOPS} buses; dropped to break a loop`);
      await this.publish(busNameOf(target.Arn), event, hops + 1);
      this.options.onLog?.(BUS_LOG_KIND.targetDelivery, { ...base, ok: true });
    } catch (error) {
      this.options.onLog?.(BUS_LOG_KIND.targetDelivery, { ...base, ok: false, error: (error as Error).message });
    }
  }

  // ---- scheduled rules ----

  private armScheduledRule(rule: RuleState): void {
    const key = `${rule.bus}/${rule.name}`;
    this.timers.cancel(key);
    if (!rule.scheduleExpression || rule.state === 'DISABLED') return;
    let expression: ScheduleExpression;
    try {
      expression = parseScheduleExpression(rule.scheduleExpression, 'UTC', false);
    } catch {
      return;
    }
    const next = nextFireTime(expression, this.now(), rule.createdAt);
    if (next === undefined) return;
    this.timers.set(key, next, () => {
      const current = this.rules.get(key);
      if (!current) return;
      const event: BusEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: ACCOUNT_ID,
        time: eventTime(next),
        region: REGION,
        resources: [ruleArn(current.bus, current.name)],
        detail: {},
      };
      this.options.onLog?.(EVENT_LOG_KIND.busEvent, { bus: current.bus, event, rules: [current.name], scheduled: true });
      void Promise.all(current.targets.map((target) => this.deliver(current, target, event, 0))).finally(() =>
        this.armScheduledRule(current),
      );
    });
  }

  async close(): Promise<void> {
    this.timers.close();
    await this.writing;
  }
}

export interface PutEventsFailure {
  readonly TargetId: string;
  readonly ErrorCode: string;
  readonly ErrorMessage: string;
}
