/** EventTracker: Create / Describe / List / Delete. One tracker per dataset group. */
import { randomUUID } from 'node:crypto';
import { ACCOUNT_ID, ResourceKind, resourceArn } from '../arns';
import { describe, ensureAbsent, findResource, requireStatus, type ServiceContext } from '../context';
import { ResourceAlreadyExistsError } from '../errors';
import { readTags, requireArn, requireName, type Json } from '../input';
import { Status } from '../lifecycle';
import type { Resource } from '../store';
import { byParent, listPage, type Operations, startCreate, startDelete, TIMES } from './common';

function interactionsDataset(ctx: ServiceContext, datasetGroupArn: string): Resource | undefined {
  return ctx.store.list(
    ResourceKind.dataset,
    (dataset) => dataset.fields['datasetGroupArn'] === datasetGroupArn && dataset.fields['datasetType'] === 'INTERACTIONS',
  )[0];
}

function createEventTracker(ctx: ServiceContext, input: Json): Json {
  const name = requireName(input);
  const datasetGroupArn = requireArn(input, 'datasetGroupArn');
  const tags = readTags(input);
  const arn = resourceArn(ResourceKind.eventTracker, name);
  ensureAbsent(ctx, ResourceKind.eventTracker, arn);
  const group = findResource(ctx, ResourceKind.datasetGroup, datasetGroupArn);
  requireStatus(group, [Status.active], 'creating an event tracker');
  const existing = ctx.store.list(ResourceKind.eventTracker, (tracker) => tracker.fields['datasetGroupArn'] === datasetGroupArn)[0];
  if (existing !== undefined) {
    throw new ResourceAlreadyExistsError(
      `Dataset group ${datasetGroupArn} already has event tracker ${existing.arn}; only one is allowed.`,
    );
  }
  const trackingId = randomUUID();
  startCreate(ctx, { kind: ResourceKind.eventTracker, arn, name, fields: { accountId: ACCOUNT_ID, trackingId, datasetGroupArn }, tags });
  const dataset = interactionsDataset(ctx, datasetGroupArn);
  if (dataset !== undefined) {
    ctx.store.update(dataset.arn, (target) => {
      target.fields['trackingId'] = trackingId;
    });
  }
  return { eventTrackerArn: arn, trackingId };
}

function deleteEventTracker(ctx: ServiceContext, input: Json): Json {
  const tracker = findResource(ctx, ResourceKind.eventTracker, requireArn(input, 'eventTrackerArn'));
  startDelete(ctx, tracker, removeEventTracker(ctx));
  return {};
}

/** The Interactions dataset stops showing the tracker's trackingId. */
export function removeEventTracker(ctx: ServiceContext) {
  return (resource: Resource): void => {
    const dataset = interactionsDataset(ctx, resource.fields['datasetGroupArn'] as string);
    if (dataset !== undefined) {
      ctx.store.update(dataset.arn, (target) => {
        delete target.fields['trackingId'];
      });
    }
    ctx.store.remove([resource.arn]);
  };
}

/** The tracker a PutEvents trackingId refers to. */
export function trackerByTrackingId(ctx: ServiceContext, trackingId: string): Resource | undefined {
  return ctx.store.list(ResourceKind.eventTracker, (tracker) => tracker.fields['trackingId'] === trackingId)[0];
}

export const eventTrackerOperations: Operations = {
  CreateEventTracker: createEventTracker,
  DescribeEventTracker: (ctx, input) => ({
    eventTracker: describe(findResource(ctx, ResourceKind.eventTracker, requireArn(input, 'eventTrackerArn'))),
  }),
  ListEventTrackers: (ctx, input) =>
    listPage(ctx, input, {
      kind: ResourceKind.eventTracker,
      key: 'eventTrackers',
      members: ['name', 'eventTrackerArn', 'status', ...TIMES],
      ...byParent(input, 'datasetGroupArn', 'ListEventTrackers'),
    }),
  DeleteEventTracker: deleteEventTracker,
};
