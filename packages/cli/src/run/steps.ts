/**
 * A run as steps: each Personalize resource the run watched, from its Watch Requested to its
 * Status Changed, plus the run's own events (requested, promoted/rejected, output ready, outcome)
 * as instants. Built from the run's bus events, so `run`, `status` and `report` agree.
 */
import type { ChainEvent } from '../demo/timeline';
import { resourceOfArn } from '../demo/timeline';

interface RunStep {
  readonly arn: string;
  readonly kind: string;
  /** `solution-version/x/abc` */
  readonly resource: string;
  /** ms since the epoch. */
  readonly start: number;
  readonly end?: number;
  /** ACTIVE, CREATE FAILED, … or IN_PROGRESS while watched. */
  readonly status: string;
  readonly failureReason?: string;
}

interface RunMilestone {
  readonly at: number;
  readonly detailType: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface RunSummary {
  readonly runId?: string;
  readonly datasetGroupName?: string;
  readonly trigger?: string;
  readonly start?: number;
  readonly end?: number;
  readonly outcome: 'completed' | 'failed' | 'running';
  readonly reason?: string;
  readonly steps: readonly RunStep[];
  readonly milestones: readonly RunMilestone[];
}

const MILESTONES = new Set([
  'Pipeline Requested',
  'Solution Metrics Published',
  'Solution Version Promoted',
  'Solution Version Rejected',
  'Campaign Deployed',
  'Batch Output Ready',
  'Step Failed',
  'Step Retrying',
  'Pipeline Completed',
  'Pipeline Failed',
]);

/**
 * When the event happened, to the millisecond: the detail's own timestamp (EventBridge's `time` has
 * whole seconds). Status changes carry both their watch's `requestedAt` and `observedAt`.
 */
const OCCURRED_FIELDS = [
  'observedAt',
  'completedAt',
  'failedAt',
  'promotedAt',
  'rejectedAt',
  'deployedAt',
  'readyAt',
  'publishedAt',
  'retryingAt',
  'requestedAt',
  'firedAt',
];

function occurredAt(event: ChainEvent): number {
  for (const field of OCCURRED_FIELDS) {
    const value = event.detail[field];
    const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (Number.isFinite(at)) return at;
  }
  return Date.parse(event.time);
}

function text(detail: Readonly<Record<string, unknown>>, field: string): string | undefined {
  const value = detail[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function summarizeRun(events: readonly ChainEvent[]): RunSummary {
  const steps = new Map<string, RunStep>();
  const milestones: RunMilestone[] = [];
  let summary: {
    runId?: string;
    datasetGroupName?: string;
    trigger?: string;
    start?: number;
    end?: number;
    outcome: RunSummary['outcome'];
    reason?: string;
  } = { outcome: 'running' };
  for (const event of [...events].sort((a, b) => occurredAt(a) - occurredAt(b) || a.seq - b.seq)) {
    const at = occurredAt(event);
    const detail = event.detail;
    summary.runId ??= text(detail, 'runId');
    summary.datasetGroupName ??= text(detail, 'datasetGroupName');
    if (summary.start === undefined || at < summary.start) summary = { ...summary, start: at };
    const arn = text(detail, 'resourceArn');
    const kind = text(detail, 'resourceKind');
    if (event.detailType === 'Watch Requested' && arn && kind) {
      if (!steps.has(arn)) steps.set(arn, { arn, kind, resource: resourceOfArn(arn), start: at, status: 'IN_PROGRESS' });
    } else if (event.detailType.endsWith('Status Changed') && arn && kind) {
      const known = steps.get(arn);
      const failureReason = text(detail, 'failureReason');
      steps.set(arn, {
        arn,
        kind,
        resource: resourceOfArn(arn),
        start: known?.start ?? (Date.parse(text(detail, 'requestedAt') ?? '') || at),
        end: at,
        status: text(detail, 'status') ?? '?',
        ...(failureReason ? { failureReason } : {}),
      });
    }
    if (MILESTONES.has(event.detailType)) milestones.push({ at, detailType: event.detailType, detail });
    if (event.detailType === 'Pipeline Requested') summary.trigger = text(detail, 'trigger');
    if (event.detailType === 'Pipeline Completed') summary = { ...summary, outcome: 'completed', end: at };
    if (event.detailType === 'Pipeline Failed')
      summary = { ...summary, outcome: 'failed', end: at, ...(text(detail, 'reason') ? { reason: text(detail, 'reason') } : {}) };
  }
  return { ...summary, steps: [...steps.values()].sort((a, b) => a.start - b.start), milestones };
}

/** The run as a text table: one line per step with its start offset, duration and status. */
export function formatSteps(summary: RunSummary): string[] {
  const origin = summary.start ?? 0;
  const width = Math.max(8, ...summary.steps.map((s) => s.resource.length));
  const lines = [`  ${'step'.padEnd(width)}  ${'start'.padStart(8)}  ${'took'.padStart(8)}  status`];
  for (const step of summary.steps) {
    const took = step.end === undefined ? '…' : `${((step.end - step.start) / 1000).toFixed(1)}s`;
    lines.push(
      `  ${step.resource.padEnd(width)}  ${`+${((step.start - origin) / 1000).toFixed(1)}s`.padStart(8)}  ${took.padStart(8)}  ${step.status}${step.failureReason ? ` (${step.failureReason})` : ''}`,
    );
  }
  return lines;
}
