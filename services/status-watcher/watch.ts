import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  RESOURCE_KIND_LABEL,
  TERMINAL_STATUS,
  statusChanged,
  type EventDefinition,
  type TerminalStatus,
} from '@recops/events';
import { isNotFound, statusPhase, effectiveStatus, StatusPhase, type ResourceStatus } from '@recops/core/ops';
import { publish } from '@recops/core/runtime';
import { SQS_MAX_DELAY_SECONDS, delayForAttempt, type WatchPolicy } from './policy';
import { kindOf, recheckMessage, type Watch } from './recheck';
import type { StatusReader } from './status-reader';
import type { WatchClaims } from './claims';

interface WatchDependencies {
  readonly reader: StatusReader;
  readonly sqs: SQSClient;
  readonly eventBridge: EventBridgeClient;
  readonly busName: string;
  /** The watcher's own queue, where re-checks go with a delay. */
  readonly queueUrl: string;
  readonly policy: WatchPolicy;
  readonly now: () => Date;
  /** Drops duplicate Watch Requested messages; without it every message runs its own chain. */
  readonly claims?: WatchClaims;
}

/** What one check did. */
type CheckOutcome =
  | { readonly outcome: 'duplicate' }
  | { readonly outcome: 'published'; readonly status: TerminalStatus; readonly failureReason?: string }
  | { readonly outcome: 'rescheduled'; readonly status: string; readonly delaySeconds: number };

const HOUR_MS = 3_600_000;

function deadlineOf(watch: Watch, policy: WatchPolicy): Date {
  if (watch.detail.deadlineAt !== undefined) return new Date(watch.detail.deadlineAt);
  return new Date(new Date(watch.detail.requestedAt).getTime() + policy[kindOf(watch)].deadlineSeconds * 1000);
}

function formatDuration(ms: number): string {
  if (ms >= HOUR_MS) return `${Math.round((ms / HOUR_MS) * 10) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 1000)} s`;
}

/** Personalize's failed status mapped onto the catalog's terminal statuses. */
function terminalFailure(status: string, operation: 'create' | 'update'): TerminalStatus {
  const known = Object.values(TERMINAL_STATUS) as readonly string[];
  if (known.includes(status)) return status as TerminalStatus;
  return operation === 'update' ? TERMINAL_STATUS.updateFailed : TERMINAL_STATUS.createFailed;
}

/**
 * One check of one watched resource: publishes `<Kind> Status Changed` when it is ACTIVE or failed
 * (or past its deadline), otherwise sends itself a re-check with the next delay. Never sleeps.
 */
async function checkWatch(watch: Watch, deps: WatchDependencies, messageId?: string): Promise<CheckOutcome> {
  const { detail } = watch;
  // Only a fresh Watch Requested can be a duplicate; re-checks belong to the chain that claimed it.
  if (watch.attempt === 0 && deps.claims !== undefined && messageId !== undefined) {
    if (!(await deps.claims.claim(watch, messageId))) return { outcome: 'duplicate' };
  }
  const kind = kindOf(watch);
  const now = deps.now();
  const deadline = deadlineOf(watch, deps.policy);

  let resource: ResourceStatus | undefined;
  try {
    resource = await deps.reader.read({
      kind,
      arn: detail.resourceArn,
      operation: detail.operation,
      ...(watch.parentArn !== undefined && { parentArn: watch.parentArn }),
    });
  } catch (error) {
    // A resource created a moment ago may not be visible yet; anything else goes back to the queue.
    if (!isNotFound(error) && !isNotFound((error as { cause?: unknown }).cause)) throw error;
  }

  const current = resource === undefined ? { status: 'NOT FOUND' } : effectiveStatus(resource, detail.operation);
  const phase = resource === undefined ? StatusPhase.inProgress : statusPhase(current.status);

  if (phase === StatusPhase.active) return announce(watch, deps, TERMINAL_STATUS.active, undefined, now);
  if (phase === StatusPhase.failed) {
    const status = terminalFailure(current.status, detail.operation);
    const reason =
      current.failureReason ??
      `${RESOURCE_KIND_LABEL[kind]} ${detail.resourceArn} ended ${current.status} without a reason from Personalize`;
    const failureReason = status === current.status ? reason : `${current.status}: ${reason}`;
    return announce(watch, deps, status, failureReason, now);
  }
  if (now.getTime() >= deadline.getTime()) {
    const waited = now.getTime() - new Date(detail.requestedAt).getTime();
    const failureReason =
      `${RESOURCE_KIND_LABEL[kind]} ${detail.resourceArn} is still ${current.status} ${formatDuration(waited)} after the watch ` +
      `was requested (deadline ${deadline.toISOString()})`;
    return announce(watch, deps, TERMINAL_STATUS.deadlineExceeded, failureReason, now);
  }

  const untilDeadline = Math.ceil((deadline.getTime() - now.getTime()) / 1000);
  const delaySeconds = Math.min(delayForAttempt(deps.policy[kind], watch.attempt), untilDeadline, SQS_MAX_DELAY_SECONDS);
  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: deps.queueUrl,
      MessageBody: recheckMessage(watch, resource?.parentArn ?? watch.parentArn),
      DelaySeconds: Math.max(0, delaySeconds),
    }),
  );
  return { outcome: 'rescheduled', status: current.status, delaySeconds };
}

async function announce(
  watch: Watch,
  deps: WatchDependencies,
  status: TerminalStatus,
  failureReason: string | undefined,
  now: Date,
): Promise<CheckOutcome> {
  const { detail } = watch;
  // Every kind's definition has the same detail shape; the union of eleven definitions is widened here.
  const definition = statusChanged[detail.resourceKind] as unknown as EventDefinition;
  const entry = definition.entry(
    {
      runId: detail.runId,
      datasetGroupName: detail.datasetGroupName,
      stage: detail.stage,
      resourceKind: detail.resourceKind,
      resourceArn: detail.resourceArn,
      operation: detail.operation,
      status,
      ...(failureReason !== undefined && { failureReason }),
      requestedAt: detail.requestedAt,
      observedAt: now.toISOString(),
    },
    deps.busName,
  );
  await publish(deps.eventBridge, [entry]);
  return { outcome: 'published', status, ...(failureReason !== undefined && { failureReason }) };
}

export { checkWatch };
export type { CheckOutcome, WatchDependencies };
