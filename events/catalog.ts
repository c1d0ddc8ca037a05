/** The whole catalog: every event definition, and lookup of an incoming event's definition. */
import { unwrap, type EventDefinition } from './define';
import { batchOutputReady } from './batch-output-ready';
import { campaignDeployed } from './campaign-deployed';
import { pipelineCompleted } from './pipeline-completed';
import { pipelineFailed } from './pipeline-failed';
import { pipelineRequested } from './pipeline-requested';
import { scheduleFired } from './schedule-fired';
import { solutionMetricsPublished } from './solution-metrics-published';
import { solutionVersionPromoted } from './solution-version-promoted';
import { solutionVersionRejected } from './solution-version-rejected';
import { STATUS_CHANGED_EVENTS } from './status-changed';
import { stepFailed } from './step-failed';
import { watchRequested } from './watch-requested';

/** Every event of the flow, in DESIGN.md order. */
export const EVENT_CATALOG: readonly EventDefinition[] = [
  pipelineRequested,
  scheduleFired,
  watchRequested,
  ...STATUS_CHANGED_EVENTS,
  solutionMetricsPublished,
  solutionVersionPromoted,
  solutionVersionRejected,
  campaignDeployed,
  batchOutputReady,
  stepFailed,
  pipelineCompleted,
  pipelineFailed,
] as unknown as readonly EventDefinition[];

/**
 * The definition an incoming event (EventBridge event or SQS record) claims to be, by source and
 * detail-type; undefined when no definition matches. Validate with the returned definition's `parse`.
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
