import {
  CreateEventTrackerCommand,
  DescribeEventTrackerCommand,
  type EventTrackerSummary,
  type PersonalizeClient,
  paginateListEventTrackers,
} from '@aws-sdk/client-personalize';
import { STATUS_CREATE_PENDING, call, findInPages, findOrCreate, requireArn, toTagList } from './shared';
import type { EnsureResult, TagMap } from './shared';

interface EventTrackerSpec {
  readonly datasetGroupArn: string;
  readonly name: string;
  readonly tags?: TagMap;
}

interface EventTrackerResult extends EnsureResult {
  readonly trackingId?: string;
}

/**
 * A dataset group has at most one event tracker, so any tracker of the group is reused, whatever
 * its name (a second create would fail with ResourceAlreadyExists anyway).
 */
async function ensureEventTracker(client: PersonalizeClient, spec: EventTrackerSpec): Promise<EventTrackerResult> {
  let trackingId: string | undefined;
  const result = await findOrCreate<EventTrackerSummary>({
    attempted: `CreateEventTracker ${spec.name}`,
    find: () =>
      findInPages<EventTrackerSummary>(
        paginateListEventTrackers({ client }, { datasetGroupArn: spec.datasetGroupArn }),
        'eventTrackers',
        () => true,
      ),
    // The group has no tracker, yet the name is taken: by another group's tracker (names are account-wide).
    findInOtherGroup: async () => {
      const found = await findInPages<EventTrackerSummary>(
        paginateListEventTrackers({ client }, {}),
        'eventTrackers',
        (t) => t.name === spec.name,
      );
      if (found?.eventTrackerArn === undefined) return undefined;
      const eventTrackerArn = found.eventTrackerArn;
      const { eventTracker } = await client.send(new DescribeEventTrackerCommand({ eventTrackerArn }));
      const group = eventTracker?.datasetGroupArn;
      return group !== undefined && group !== spec.datasetGroupArn ? group : undefined;
    },
    reuse: async (found) => {
      const eventTrackerArn = requireArn(found.eventTrackerArn, 'ListEventTrackers');
      const { eventTracker } = await call(`DescribeEventTracker ${eventTrackerArn}`, () =>
        client.send(new DescribeEventTrackerCommand({ eventTrackerArn })),
      );
      trackingId = eventTracker?.trackingId;
      const status = eventTracker?.status ?? found.status;
      return { arn: eventTrackerArn, created: false, ...(status !== undefined && { status }) };
    },
    create: async () => {
      const response = await client.send(
        new CreateEventTrackerCommand({
          name: spec.name,
          datasetGroupArn: spec.datasetGroupArn,
          tags: toTagList(spec.tags),
        }),
      );
      trackingId = response.trackingId;
      return { arn: requireArn(response.eventTrackerArn, 'CreateEventTracker'), created: true, status: STATUS_CREATE_PENDING };
    },
  });
  return { ...result, ...(trackingId !== undefined && { trackingId }) };
}

export { ensureEventTracker };
export type { EventTrackerResult, EventTrackerSpec };
