/**
 * `defineEvent` turns a detail schema into an event definition: the one object publishers use to
 * build PutEvents entries (validated on publish), subscribers use to parse what their queue
 * delivers (validated on receipt), and the manifest uses to build bus patterns.
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { z } from 'zod';
import type { BusPattern } from '@recops/platform';
import { EventTooLargeError, EventValidationError, type EventIssue } from './errors';

/** EventBridge's PutEvents limit for one entry (and for the whole request). */
export const PUT_EVENTS_ENTRY_LIMIT_BYTES = 256 * 1024;

/** Fields every detail has besides its own: the catalog version the publisher used. */
interface VersionedDetail {
  readonly schemaVersion: number;
}

export interface EventSpec<S extends z.ZodObject, N extends string = string> {
  /** kebab-case; also the JSON Schema file name under `events/schemas/` and the tag of a parsed catalog event. */
  readonly name: N;
  readonly source: string;
  readonly detailType: string;
  /** Bumped on any incompatible change to the detail; carried in `detail.schemaVersion`. */
  readonly version: number;
  readonly description: string;
  /** The detail's own fields plus the base fields (without `schemaVersion`). */
  readonly detail: S;
}

/** What a publisher passes: the detail without `schemaVersion`, which the catalog fills in. */
export type DetailInput<S extends z.ZodObject> = z.input<S>;
/** What a subscriber gets back: the validated detail, with `schemaVersion`. */
export type Detail<S extends z.ZodObject> = z.output<S> & VersionedDetail;

/** An incoming event after parsing: the envelope fields subscribers may want plus the detail. */
export interface ParsedEvent<D> {
  readonly id: string | undefined;
  readonly time: string | undefined;
  readonly detail: D;
}

export interface EventDefinition<S extends z.ZodObject = z.ZodObject, N extends string = string> {
  readonly name: N;
  readonly source: string;
  readonly detailType: string;
  readonly version: number;
  readonly description: string;
  /** The full detail schema, `schemaVersion` included (what goes on the wire). */
  readonly detailSchema: z.ZodType<Detail<S>>;
  /** The detail as a publisher passes it (without `schemaVersion`), e.g. to check a stored detail before it is published again. */
  readonly inputSchema: S;
  /** Validates the detail and builds a PutEvents entry; throws EventValidationError / EventTooLargeError. */
  entry(detail: DetailInput<S>, busName: string): PutEventsRequestEntry;
  /** Parses an EventBridge event, or an SQS record whose body is one; returns the detail. */
  parse(event: unknown): Detail<S>;
  /** Like `parse`, keeping the envelope's `id` and `time`. */
  parseEvent(event: unknown): ParsedEvent<Detail<S>>;
  /** True when `event` (EventBridge event or SQS record) carries this source and detail-type; no validation. */
  matches(event: unknown): boolean;
  /** The bus pattern for subscriptions, optionally narrowed by detail fields (EventBridge pattern syntax). */
  pattern(detail?: Readonly<Record<string, unknown>>): BusPattern;
}

export function defineEvent<S extends z.ZodObject, const N extends string>(spec: EventSpec<S, N>): EventDefinition<S, N> {
  const wireSchema = spec.detail.extend({
    schemaVersion: z.literal(spec.version).describe('Catalog version of this detail'),
  }) as unknown as z.ZodType<Detail<S>>;

  const validate = (detail: unknown, pathPrefix: string): Detail<S> => {
    const result = wireSchema.safeParse(detail);
    if (!result.success) throw new EventValidationError(spec.detailType, toIssues(result.error, pathPrefix));
    return result.data;
  };

  const parseEvent = (event: unknown): ParsedEvent<Detail<S>> => {
    const envelope = unwrap(event, spec.detailType);
    const issues: EventIssue[] = [];
    if (envelope.source !== spec.source)
      issues.push({ path: 'source', message: `expected ${JSON.stringify(spec.source)}, received ${describe(envelope.source)}` });
    if (envelope['detail-type'] !== spec.detailType)
      issues.push({
        path: 'detail-type',
        message: `expected ${JSON.stringify(spec.detailType)}, received ${describe(envelope['detail-type'])}`,
      });
    if (issues.length > 0) throw new EventValidationError(spec.detailType, issues);
    return {
      id: typeof envelope.id === 'string' ? envelope.id : undefined,
      time: typeof envelope.time === 'string' ? envelope.time : undefined,
      detail: validate(envelope.detail, 'detail'),
    };
  };

  return {
    name: spec.name,
    source: spec.source,
    detailType: spec.detailType,
    version: spec.version,
    description: spec.description,
    detailSchema: wireSchema,
    inputSchema: spec.detail,
    entry(detail, busName) {
      const valid = validate({ ...(detail as object), schemaVersion: spec.version }, 'detail');
      const resourceArn = (valid as { resourceArn?: unknown }).resourceArn;
      const entry: PutEventsRequestEntry = {
        EventBusName: busName,
        Source: spec.source,
        DetailType: spec.detailType,
        Detail: JSON.stringify(valid),
        ...(typeof resourceArn === 'string' ? { Resources: [resourceArn] } : {}),
      };
      const size = putEventsEntrySize(entry);
      if (size > PUT_EVENTS_ENTRY_LIMIT_BYTES) throw new EventTooLargeError(spec.detailType, size, PUT_EVENTS_ENTRY_LIMIT_BYTES);
      return entry;
    },
    parse: (event) => parseEvent(event).detail,
    parseEvent,
    matches(event) {
      try {
        const envelope = unwrap(event, spec.detailType);
        return envelope.source === spec.source && envelope['detail-type'] === spec.detailType;
      } catch {
        return false;
      }
    },
    pattern(detail) {
      return {
        source: [spec.source],
        'detail-type': [spec.detailType],
        ...(detail && Object.keys(detail).length > 0 ? { detail } : {}),
      };
    },
  };
}

/**
 * Size of a PutEvents entry as EventBridge counts it: UTF-8 bytes of Source, DetailType, Detail
 * and each Resources entry, plus 14 bytes when Time is set.
 */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  let size = 0;
  if (entry.Time) size += 14;
  for (const part of [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])])
    if (part) size += Buffer.byteLength(part, 'utf8');
  return size;
}

interface Envelope {
  readonly id?: unknown;
  readonly time?: unknown;
  readonly source?: unknown;
  readonly 'detail-type'?: unknown;
  readonly detail?: unknown;
}

/** Accepts an EventBridge event, an SQS record whose `body` is one, or either as a JSON string. */
export function unwrap(event: unknown, detailType: string): Envelope {
  let value = event;
  let where = 'event';
  if (typeof value === 'string') value = parseJson(value, where, detailType);
  if (isRecord(value) && typeof value.body === 'string' && !('detail-type' in value)) {
    where = 'body';
    value = parseJson(value.body, where, detailType);
  }
  if (!isRecord(value))
    throw new EventValidationError(detailType, [
      { path: where, message: `expected an EventBridge event object, received ${describe(value)}` },
    ]);
  return value as Envelope;
}

function parseJson(text: string, where: string, detailType: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EventValidationError(detailType, [{ path: where, message: 'is not valid JSON' }], { cause: error });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value) : typeof value;
}

/** zod issues as `path: message`, the path dotted from the event root (`detail.resources[0].arn`). */
function toIssues(error: z.ZodError, pathPrefix: string): EventIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(pathPrefix, issue.path), message: issue.message }));
}

function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out || '(root)';
}
