/**
 * Personalize Events (restJson1): PutEvents, PutItems, PutUsers (and PutActions /
 * PutActionInteractions, which the local engine does not support). Records go to the engine.
 */
import { EngineInputError, type InteractionEvent } from '@recops/engine';
import { ResourceKind } from './arns';
import type { ServiceContext } from './context';
import { InvalidInputError, ResourceInUseError, ResourceNotFoundError } from './errors';
import { type Json, checkArn, requireString } from './input';
import { Status } from './lifecycle';
import { trackerByTrackingId } from './ops/event-trackers';
import type { Resource } from './store';
import { clip } from '../errors';

/** Keys the events API reserves; they must not appear in `properties`. */
const FORBIDDEN_EVENT_PROPERTIES = new Set(['userId', 'sessionId', 'eventType', 'timestamp', 'recommendationId', 'impression']);

function recordList(input: Json, member: string): Json[] {
  const value = input[member];
  if (
    !Array.isArray(value) ||
    value.length < 1 ||
    value.length > 10 ||
    value.some((entry) => entry === null || typeof entry !== 'object')
  ) {
    throw new InvalidInputError(
      `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length between 1 and 10`,
    );
  }
  return value as Json[];
}

/** `properties` arrives as a JSON-encoded string (the SDK stringifies objects). */
function parseProperties(value: unknown, where: string, maxLength: number): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidInputError(`${where}.properties must be a JSON string.`);
  if (value.length > maxLength)
    throw new InvalidInputError(`${where}.properties has ${value.length} characters; at most ${maxLength} are allowed.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidInputError(`${where}.properties is not valid JSON.`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new InvalidInputError(`${where}.properties must be a JSON object.`);
  return parsed as Record<string, unknown>;
}

function readEvent(entry: Json, index: number, session: { sessionId: string; userId?: string }): InteractionEvent {
  const where = `eventList[${index}]`;
  const eventType = entry['eventType'];
  if (typeof eventType !== 'string' || eventType.length < 1 || eventType.length > 256)
    throw new InvalidInputError(`${where}.eventType is required (1-256 characters).`);
  const sentAt = typeof entry['sentAt'] === 'string' ? Number(entry['sentAt']) : entry['sentAt'];
  if (typeof sentAt !== 'number' || !Number.isFinite(sentAt)) throw new InvalidInputError(`${where}.sentAt is required (epoch seconds).`);
  const itemId = entry['itemId'];
  if (itemId !== undefined && (typeof itemId !== 'string' || itemId.length < 1 || itemId.length > 256)) {
    throw new InvalidInputError(`${where}.itemId must be 1-256 characters.`);
  }
  const eventValue = entry['eventValue'];
  if (eventValue !== undefined && (typeof eventValue !== 'number' || !Number.isFinite(eventValue)))
    throw new InvalidInputError(`${where}.eventValue must be a number.`);
  const recommendationId = entry['recommendationId'];
  if (recommendationId !== undefined && (typeof recommendationId !== 'string' || recommendationId.length > 40)) {
    throw new InvalidInputError(`${where}.recommendationId must be at most 40 characters.`);
  }
  const impression = entry['impression'];
  if (
    impression !== undefined &&
    (!Array.isArray(impression) || impression.length < 1 || impression.length > 25 || impression.some((id) => typeof id !== 'string'))
  ) {
    throw new InvalidInputError(`${where}.impression must list 1-25 item IDs.`);
  }
  const properties = parseProperties(entry['properties'], where, 1024);
  for (const key of Object.keys(properties ?? {})) {
    if (FORBIDDEN_EVENT_PROPERTIES.has(key))
      throw new InvalidInputError(`${where}.properties must not contain the reserved key "${clip(key)}".`);
  }
  return {
    sessionId: session.sessionId,
    ...(session.userId === undefined ? {} : { userId: session.userId }),
    eventType,
    sentAt,
    ...(typeof itemId === 'string' ? { itemId } : {}),
    ...(typeof eventValue === 'number' ? { eventValue } : {}),
    ...(properties === undefined ? {} : { properties }),
    ...(typeof recommendationId === 'string' ? { recommendationId } : {}),
    ...(Array.isArray(impression) ? { impression: impression as string[] } : {}),
  };
}

async function callEngine(call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (error instanceof EngineInputError) throw new InvalidInputError(error.message, { cause: error });
    throw error;
  }
}

async function putEvents(ctx: ServiceContext, input: Json): Promise<Json> {
  const trackingId = requireString(input, 'trackingId');
  const sessionId = requireString(input, 'sessionId');
  if (sessionId.length > 256) throw new InvalidInputError('sessionId must be 1-256 characters.');
  const userId = input['userId'];
  if (userId !== undefined && (typeof userId !== 'string' || userId.length < 1 || userId.length > 256))
    throw new InvalidInputError('userId must be 1-256 characters.');
  const session = { sessionId, ...(typeof userId === 'string' ? { userId } : {}) };
  const events = recordList(input, 'eventList').map((entry, index) => readEvent(entry, index, session));
  const tracker = trackerByTrackingId(ctx, trackingId);
  if (tracker === undefined) throw new ResourceNotFoundError(`No event tracker has trackingId ${trackingId}.`);
  if (tracker.status !== Status.active)
    throw new ResourceInUseError(`Event tracker ${tracker.arn} is not ACTIVE (status ${tracker.status ?? 'unknown'}).`);
  await callEngine(() => ctx.engine.putEvents(tracker.fields['datasetGroupArn'] as string, events));
  return {};
}

function targetDataset(ctx: ServiceContext, input: Json, datasetType: string): Resource {
  const arn = checkArn(requireString(input, 'datasetArn'), 'datasetArn');
  const dataset = ctx.store.get(arn);
  if (dataset === undefined || dataset.kind !== ResourceKind.dataset)
    throw new ResourceNotFoundError(`Dataset ${clip(arn)} does not exist.`);
  if (dataset.fields['datasetType'] !== datasetType)
    throw new InvalidInputError(`Dataset ${clip(arn)} is a ${String(dataset.fields['datasetType'])} dataset, not ${datasetType}.`);
  if (dataset.status !== Status.active)
    throw new ResourceInUseError(`Dataset ${clip(arn)} is not ACTIVE (status ${dataset.status ?? 'unknown'}).`);
  return dataset;
}

function readRecords(
  input: Json,
  member: string,
  idMember: string,
  maxProperties: number,
): { id: string; properties?: Record<string, unknown> }[] {
  return recordList(input, member).map((entry, index) => {
    const id = entry[idMember];
    if (typeof id !== 'string' || id.length < 1 || id.length > 256)
      throw new InvalidInputError(`${member}[${index}].${idMember} is required (1-256 characters).`);
    const properties = parseProperties(entry['properties'], `${member}[${index}]`, maxProperties);
    return properties === undefined ? { id } : { id, properties };
  });
}

async function putItems(ctx: ServiceContext, input: Json): Promise<Json> {
  const dataset = targetDataset(ctx, input, 'ITEMS');
  const items = readRecords(input, 'items', 'itemId', 32_000).map(({ id, properties }) =>
    properties ? { itemId: id, properties } : { itemId: id },
  );
  await callEngine(() => ctx.engine.putItems(dataset.arn, items));
  return {};
}

async function putUsers(ctx: ServiceContext, input: Json): Promise<Json> {
  const dataset = targetDataset(ctx, input, 'USERS');
  const users = readRecords(input, 'users', 'userId', 24_000).map(({ id, properties }) =>
    properties ? { userId: id, properties } : { userId: id },
  );
  await callEngine(() => ctx.engine.putUsers(dataset.arn, users));
  return {};
}

function putActions(ctx: ServiceContext, input: Json): Json {
  targetDataset(ctx, input, 'ACTIONS');
  throw new InvalidInputError('Actions datasets are not supported by the local engine.');
}

function putActionInteractions(ctx: ServiceContext, input: Json): Json {
  const trackingId = requireString(input, 'trackingId');
  if (trackerByTrackingId(ctx, trackingId) === undefined) throw new ResourceNotFoundError(`No event tracker has trackingId ${trackingId}.`);
  throw new InvalidInputError('Action interactions are not supported by the local engine.');
}

export const EVENT_ROUTES: Readonly<Record<string, (ctx: ServiceContext, input: Json) => Promise<Json> | Json>> = {
  '/events': putEvents,
  '/items': putItems,
  '/users': putUsers,
  '/actions': putActions,
  '/action-interactions': putActionInteractions,
};
