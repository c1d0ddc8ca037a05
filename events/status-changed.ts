/**
 * `<Kind> Status Changed`: one event per Personalize resource kind the chain waits on, all with the
 * same detail shape. Only the status watcher publishes them, exactly once per watched resource,
 * when it reaches ACTIVE or a failed state (or its watch deadline passes).
 *
 * They are a family rather than eleven hand-written modules because their details differ only in
 * `resourceKind`; each still has its own detail-type, JSON Schema file and bus pattern, so a service
 * subscribes to exactly the kinds it reacts to.
 */
import { z } from 'zod';
import { defineEvent, type EventDefinition } from './define';
import { baseDetail, personalizeArn, timestamp } from './fields';
import { RESOURCE_KIND, RESOURCE_KIND_LABEL, RESOURCE_KINDS, type ResourceKind } from './resource-kinds';
import { EVENT_SOURCE } from './sources';

/** Terminal statuses the watcher reports. `DEADLINE EXCEEDED` is recops' own: still in progress past the deadline. */
export const TERMINAL_STATUS = {
  active: 'ACTIVE',
  createFailed: 'CREATE FAILED',
  updateFailed: 'UPDATE FAILED',
  createStopped: 'CREATE STOPPED',
  deadlineExceeded: 'DEADLINE EXCEEDED',
} as const;
export type TerminalStatus = (typeof TERMINAL_STATUS)[keyof typeof TERMINAL_STATUS];
const TERMINAL_STATUSES = Object.values(TERMINAL_STATUS) as [TerminalStatus, ...TerminalStatus[]];

/** Statuses that mean the resource will not become usable. */
export const FAILED_STATUSES: readonly TerminalStatus[] = TERMINAL_STATUSES.filter((s) => s !== 'ACTIVE');

function statusChangedDetail<K extends ResourceKind>(kind: K) {
  return z
    .object({
      ...baseDetail,
      resourceKind: z.literal(kind),
      resourceArn: personalizeArn,
      operation: z.enum(['create', 'update']).default('create'),
      status: z.enum(TERMINAL_STATUSES),
      /** Personalize's failureReason, or the watcher's reason for DEADLINE EXCEEDED. Required unless ACTIVE. */
      failureReason: z.string().min(1).optional(),
      /** When the watch was requested (from Watch Requested), to measure how long the resource took. */
      requestedAt: timestamp,
      /** When the watcher saw the terminal status. */
      observedAt: timestamp,
    })
    .superRefine((detail, ctx) => {
      if (detail.status !== 'ACTIVE' && detail.failureReason === undefined)
        ctx.addIssue({ code: 'custom', path: ['failureReason'], message: `is required when status is ${detail.status}` });
    });
}

/** Event names, spelled out so each is its own literal type (the tag of a parsed catalog event). */
const STATUS_CHANGED_NAME = {
  datasetGroup: 'dataset-group-status-changed',
  dataset: 'dataset-status-changed',
  datasetImportJob: 'dataset-import-job-status-changed',
  eventTracker: 'event-tracker-status-changed',
  filter: 'filter-status-changed',
  solution: 'solution-status-changed',
  solutionVersion: 'solution-version-status-changed',
  campaign: 'campaign-status-changed',
  batchInferenceJob: 'batch-inference-job-status-changed',
  batchSegmentJob: 'batch-segment-job-status-changed',
  recommender: 'recommender-status-changed',
} as const satisfies Record<ResourceKind, string>;

function defineStatusChanged<K extends ResourceKind>(kind: K) {
  return defineEvent({
    name: STATUS_CHANGED_NAME[kind],
    source: EVENT_SOURCE.personalize,
    detailType: `${RESOURCE_KIND_LABEL[kind]} Status Changed`,
    version: 1,
    description: `${/^[aeiou]/i.test(kind) ? 'An' : 'A'} ${RESOURCE_KIND_LABEL[kind].toLowerCase()} reached ACTIVE or a failed state (published only by the status watcher).`,
    detail: statusChangedDetail(kind),
  });
}

export const datasetGroupStatusChanged = defineStatusChanged(RESOURCE_KIND.datasetGroup);
export const datasetStatusChanged = defineStatusChanged(RESOURCE_KIND.dataset);
export const datasetImportJobStatusChanged = defineStatusChanged(RESOURCE_KIND.datasetImportJob);
export const eventTrackerStatusChanged = defineStatusChanged(RESOURCE_KIND.eventTracker);
export const filterStatusChanged = defineStatusChanged(RESOURCE_KIND.filter);
export const solutionStatusChanged = defineStatusChanged(RESOURCE_KIND.solution);
export const solutionVersionStatusChanged = defineStatusChanged(RESOURCE_KIND.solutionVersion);
export const campaignStatusChanged = defineStatusChanged(RESOURCE_KIND.campaign);
export const batchInferenceJobStatusChanged = defineStatusChanged(RESOURCE_KIND.batchInferenceJob);
export const batchSegmentJobStatusChanged = defineStatusChanged(RESOURCE_KIND.batchSegmentJob);
export const recommenderStatusChanged = defineStatusChanged(RESOURCE_KIND.recommender);

export type StatusChangedEvent = ReturnType<typeof defineStatusChanged<ResourceKind>>;

/** Lookup by kind, e.g. for the watcher: `statusChanged[watch.resourceKind].entry(…)`. */
export const statusChanged = {
  datasetGroup: datasetGroupStatusChanged,
  dataset: datasetStatusChanged,
  datasetImportJob: datasetImportJobStatusChanged,
  eventTracker: eventTrackerStatusChanged,
  filter: filterStatusChanged,
  solution: solutionStatusChanged,
  solutionVersion: solutionVersionStatusChanged,
  campaign: campaignStatusChanged,
  batchInferenceJob: batchInferenceJobStatusChanged,
  batchSegmentJob: batchSegmentJobStatusChanged,
  recommender: recommenderStatusChanged,
} as const satisfies Record<ResourceKind, EventDefinition>;

/** Every Status Changed definition, in RESOURCE_KINDS order. */
export const STATUS_CHANGED_EVENTS = RESOURCE_KINDS.map((kind) => statusChanged[kind]);

/** The detail a publisher passes for any kind (what `statusChangedEntry` accepts). */
export type StatusChangedInput = z.input<ReturnType<typeof statusChangedDetail<ResourceKind>>>;

/**
 * Builds the entry of the `<Kind> Status Changed` event matching `detail.resourceKind`; for code that
 * handles every kind at once (the status watcher), where `statusChanged[kind].entry` would not type-check.
 */
export function statusChangedEntry(detail: StatusChangedInput, busName: string) {
  const definition = statusChanged[detail.resourceKind] as unknown as EventDefinition;
  return definition.entry(detail as never, busName);
}
