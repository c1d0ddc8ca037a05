/** EventBridge `source` values of recops' events, one per area of the flow. */
export const EVENT_SOURCE = {
  /** Run lifecycle: Pipeline Requested/Completed/Failed. */
  pipeline: 'recops.pipeline',
  /** Scheduler-originated triggers. */
  schedule: 'recops.schedule',
  /** Watch requests and Personalize status changes (only the status watcher publishes the latter). */
  personalize: 'recops.personalize',
  /** Model evaluation outcomes. */
  model: 'recops.model',
  /** Campaign deployments. */
  deploy: 'recops.deploy',
  /** Batch output notifications. */
  batch: 'recops.batch',
} as const;

export type EventSource = (typeof EVENT_SOURCE)[keyof typeof EVENT_SOURCE];
