/**
 * The whole catalog: every event definition, and the one parse of an incoming event. A subscriber
 * parses each record once into a `CatalogEvent` (a union tagged by the event's `name`) and routes it
 * with a `switch`.
 */
import { unwrap, type Detail, type EventDefinition } from './define';
import { batchOutputReady } from './batch-output-ready';
import { campaignDeployed } from './campaign-deployed';
import { EventValidationError } from './errors';
import { messageDeadLettered } from './message-dead-lettered';
import { messageRecovered } from './message-recovered';
import { pipelineCompleted } from './pipeline-completed';
import { pipelineFailed } from './pipeline-failed';
import { pipelineRequested } from './pipeline-requested';
import { scheduleFired } from './schedule-fired';
import { solutionMetricsPublished } from './solution-metrics-published';
import { solutionVersionPromoted } from './solution-version-promoted';
import { solutionVersionRejected } from './solution-version-rejected';
import {
  batchInferenceJobStatusChanged,
  batchSegmentJobStatusChanged,
  campaignStatusChanged,
  datasetGroupStatusChanged,
  datasetImportJobStatusChanged,
  datasetStatusChanged,
  eventTrackerStatusChanged,
  filterStatusChanged,
  recommenderStatusChanged,
  solutionStatusChanged,
  solutionVersionStatusChanged,
} from './status-changed';
import { stepFailed } from './step-failed';
import { stepRetrying } from './step-retrying';
import { watchRequested } from './watch-requested';

/** Every event of the flow, in DESIGN.md order (status changes in RESOURCE_KINDS order). */
const DEFINITIONS = [
  pipelineRequested,
  scheduleFired,
  watchRequested,
  datasetGroupStatusChanged,
  datasetStatusChanged,
  datasetImportJobStatusChanged,
  eventTrackerStatusChanged,
  filterStatusChanged,
  solutionStatusChanged,
  solutionVersionStatusChanged,
  campaignStatusChanged,
  batchInferenceJobStatusChanged,
  batchSegmentJobStatusChanged,
  recommenderStatusChanged,
  solutionMetricsPublished,
  solutionVersionPromoted,
  solutionVersionRejected,
  campaignDeployed,
  batchOutputReady,
  stepRetrying,
  stepFailed,
  messageDeadLettered,
  messageRecovered,
  pipelineCompleted,
  pipelineFailed,
] as const;

export const EVENT_CATALOG: readonly EventDefinition[] = DEFINITIONS as unknown as readonly EventDefinition[];

type Parsed<D> =
  D extends EventDefinition<infer S, infer N>
    ? { readonly name: N; readonly id: string | undefined; readonly time: string | undefined; readonly detail: Detail<S> }
    : never;

/** An incoming event of the catalog, validated: `name` says which event, `detail` is its detail. */
export type CatalogEvent = Parsed<(typeof DEFINITIONS)[number]>;
export type CatalogEventName = CatalogEvent['name'];
/** The parsed form of the event named `N`. */
export type CatalogEventOf<N extends CatalogEventName> = Extract<CatalogEvent, { readonly name: N }>;

/**
 * The definition an incoming event (EventBridge event or SQS record) claims to be, by source and
 * detail-type; undefined when no definition matches.
 */
export function findDefinition(event: unknown): EventDefinition | undefined {
  let envelope: ReturnType<typeof unwrap>;
  try {
    envelope = unwrap(event, 'unknown');
  } catch {
    return undefined;
  }
  return EVENT_CATALOG.find((d) => d.source === envelope.source && d.detailType === envelope['detail-type']);
}

/**
 * Parses an EventBridge event, or an SQS record whose body is one (or either as JSON text), once:
 * the body is read once, the definition found by source and detail-type, the detail validated.
 * Throws EventValidationError naming the broken field, or saying no catalog event has that
 * source and detail-type.
 */
export function parseCatalogEvent(event: unknown): CatalogEvent {
  const envelope = unwrap(event, 'incoming');
  const definition = EVENT_CATALOG.find((d) => d.source === envelope.source && d.detailType === envelope['detail-type']);
  if (definition === undefined) {
    throw new EventValidationError(typeof envelope['detail-type'] === 'string' ? envelope['detail-type'] : 'incoming', [
      {
        path: 'detail-type',
        message: `no event of the catalog has source ${JSON.stringify(envelope.source)} and detail-type ${JSON.stringify(envelope['detail-type'])}`,
      },
    ]);
  }
  return { name: definition.name, ...definition.parseEvent(envelope) } as unknown as CatalogEvent;
}

/** The error for a catalog event that reached a subscriber which does not handle it (a routing fault). */
export function notSubscribed(event: CatalogEvent, subscriber: string): EventValidationError {
  const definition = EVENT_CATALOG.find((d) => d.name === event.name);
  return new EventValidationError(definition?.detailType ?? event.name, [
    { path: 'detail-type', message: `is not an event ${subscriber} subscribes to` },
  ]);
}

const STATUS_CHANGED_NAMES: ReadonlySet<string> = new Set(
  DEFINITIONS.filter((d) => d.detailType.endsWith(' Status Changed')).map((d) => d.name),
);

/** The parsed form of any `<Kind> Status Changed` event. */
export type StatusChangedCatalogEvent = Extract<CatalogEvent, { readonly name: `${string}-status-changed` }>;

/** True for any `<Kind> Status Changed` event (one watcher report, whatever the kind). */
export function isStatusChanged(event: CatalogEvent): event is StatusChangedCatalogEvent {
  return STATUS_CHANGED_NAMES.has(event.name);
}
