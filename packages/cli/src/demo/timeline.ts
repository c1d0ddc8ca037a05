/**
 * The run as the demo shows it: bus events read from the local cloud's event log, kept to one run,
 * one readable line each (time since the upload, detail-type, the resource it is about).
 */
import type { EventLogEntry } from '@recops/local';

/** A bus event of the chain, as the event log recorded it. */
export interface ChainEvent {
  readonly seq: number;
  /** When the local bus accepted it (ISO 8601). */
  readonly time: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export const OUTCOME = {
  completed: 'Pipeline Completed',
  failed: 'Pipeline Failed',
} as const;

/** The bus event an event-log entry records, or undefined for other entries (deliveries, S3 records). */
export function chainEventOf(entry: EventLogEntry): ChainEvent | undefined {
  if (entry.kind !== 'bus.event') return undefined;
  const event = entry.data['event'];
  if (event === null || typeof event !== 'object') return undefined;
  const raw = event as Record<string, unknown>;
  const detailType = raw['detail-type'];
  if (typeof detailType !== 'string') return undefined;
  const detail = raw['detail'];
  return {
    seq: entry.seq,
    time: entry.time,
    source: typeof raw['source'] === 'string' ? raw['source'] : '',
    detailType,
    detail: detail !== null && typeof detail === 'object' ? (detail as Record<string, unknown>) : {},
  };
}

/** `arn:aws:personalize:<region>:<account>:solution-version/x/abc` → `solution-version/x/abc`. */
export function resourceOfArn(arn: string): string {
  const parts = arn.split(':');
  return parts.length >= 6 ? parts.slice(5).join(':') : arn;
}

function text(detail: Readonly<Record<string, unknown>>, field: string): string | undefined {
  const value = detail[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** What the event is about, in a few words: the resource, its status, or the step that failed. */
export function describeEvent(event: ChainEvent): string {
  const detail = event.detail;
  const arn = text(detail, 'resourceArn');
  const resource = arn ? resourceOfArn(arn) : `dataset-group ${text(detail, 'datasetGroupName') ?? '?'}`;
  switch (event.detailType) {
    case 'Pipeline Requested': {
      const config = detail['config'] as { bucket?: unknown; key?: unknown } | undefined;
      const where = config && typeof config.key === 'string' ? ` from s3://${String(config.bucket)}/${config.key}` : '';
      return `run ${text(detail, 'runId') ?? '?'}${where}`;
    }
    case OUTCOME.completed: {
      const resources = Array.isArray(detail['resources']) ? detail['resources'].length : 0;
      return `${resource}, ${resources} resource${resources === 1 ? '' : 's'} ACTIVE`;
    }
    case 'Step Retrying':
      return `${text(detail, 'service') ?? '?'} (${text(detail, 'step') ?? '?'}) attempt ${String(detail['attempt'] ?? '?')} of ${String(detail['maxAttempts'] ?? '?')} failed, next at ${text(detail, 'nextAttemptAt') ?? '?'}: ${text(detail, 'reason') ?? 'no reason given'}`;
    case 'Message Dead-Lettered':
      return `${text(detail, 'service') ?? '?'} (${text(detail, 'step') ?? '?'}) gave up after ${String(detail['attempts'] ?? '?')} deliveries, message ${text(detail, 'messageId') ?? '?'} in its DLQ: ${text(detail, 'reason') ?? 'no reason given'}`;
    case 'Message Recovered':
      return `${text(detail, 'service') ?? '?'} handled the redriven message ${text(detail, 'messageId') ?? '?'}`;
    case OUTCOME.failed:
    case 'Step Failed':
      return `${arn ? `${resource}, ` : ''}step ${text(detail, 'step') ?? '?'}: ${text(detail, 'reason') ?? 'no reason given'}`;
    default: {
      const status = text(detail, 'status');
      const operation = text(detail, 'operation');
      const suffix = status
        ? ` ${status}${status !== 'ACTIVE' && text(detail, 'failureReason') ? ` (${text(detail, 'failureReason')})` : ''}`
        : '';
      return `${resource}${operation === 'update' ? ' (update)' : ''}${suffix}`;
    }
  }
}

/** `  +3.2s  14:08:52  Dataset Import Job Status Changed   dataset-import-job/… ACTIVE` */
export function formatEvent(event: ChainEvent, startedAt: number, typeWidth = 34): string {
  const at = Date.parse(event.time);
  const elapsed = `+${((at - startedAt) / 1000).toFixed(1)}s`;
  const clock = event.time.slice(11, 19);
  return `${elapsed.padStart(7)}  ${clock}  ${event.detailType.padEnd(typeWidth)} ${describeEvent(event)}`;
}

/** Follows the event log for the run the upload of `configKey` starts. */
export class RunFollower {
  readonly events: ChainEvent[] = [];
  runId: string | undefined;
  private settle: ((event: ChainEvent) => void) | undefined;
  private readonly waiters = new Set<(event: ChainEvent) => void>();
  readonly ended: Promise<ChainEvent>;

  constructor(
    private readonly configKey: string,
    private readonly print: (event: ChainEvent) => void,
  ) {
    this.ended = new Promise((resolve) => (this.settle = resolve));
  }

  /** Event-log listener: keeps the bus events of this run (a reused data dir holds others). */
  readonly onEntry = (entry: EventLogEntry): void => {
    const event = chainEventOf(entry);
    if (!event) return;
    const runId = typeof event.detail['runId'] === 'string' ? event.detail['runId'] : undefined;
    if (this.runId === undefined) {
      // The run starts with Pipeline Requested (or, for a file intake rejects, Pipeline Failed) naming the upload.
      const config = event.detail['config'] as { key?: unknown } | undefined;
      const startsRun = event.detailType === 'Pipeline Requested' || event.detailType === OUTCOME.failed;
      if (!startsRun || config?.key !== this.configKey || runId === undefined) return;
      this.runId = runId;
    } else if (runId !== this.runId) {
      return;
    }
    this.events.push(event);
    this.print(event);
    for (const waiter of this.waiters) waiter(event);
    if (event.detailType === OUTCOME.completed || event.detailType === OUTCOME.failed) this.settle?.(event);
  };

  /** The run's first event of one of `detailTypes` (matching `where`): one already seen, or the next to arrive. */
  next(detailTypes: readonly string[], where: (event: ChainEvent) => boolean = () => true): Promise<ChainEvent> {
    const matches = (event: ChainEvent): boolean => detailTypes.includes(event.detailType) && where(event);
    const seen = this.events.find(matches);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const waiter = (event: ChainEvent): void => {
        if (!matches(event)) return;
        this.waiters.delete(waiter);
        resolve(event);
      };
      this.waiters.add(waiter);
    });
  }
}
