import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { RESOURCE_KIND_LABEL, TERMINAL_STATUS, statusChanged, type EventDefinition, type TerminalStatus } from '@recops/events';
import {
  effectiveStatus,
  isNotFound,
  parentArnOf,
  StatusPhase,
  statusPhase,
  type ResourceKind,
  type ResourceStatus,
} from '@recops/core/ops';
import { publish } from '@recops/core/runtime';
import { beliefFromHistory } from './history';
import type { WatchPolicy } from './policy';
import {
  SQS_MAX_DELAY_SECONDS,
  expectedSeconds as expectedEnd,
  nextCheckDelay,
  type DurationBelief,
  type UniformBelief,
} from './prediction';
import { kindOf, recheckMessage, type Watch } from './recheck';
import type { StatusReader } from './status-reader';
import type { ClaimDecision, WatchClaims } from './claims';

interface WatchDependencies {
  readonly reader: StatusReader;
  readonly sqs: SQSClient;
  readonly eventBridge: EventBridgeClient;
  readonly busName: string;
  /** The watcher's own queue, where re-checks go with a delay. */
  readonly queueUrl: string;
  readonly policy: WatchPolicy;
  readonly now: () => Date;
  /**
   * Drops duplicate Watch Requested messages, second copies of a re-check and messages of a watch
   * that already published; without it every message runs (and may publish) on its own.
   */
  readonly claims?: WatchClaims;
  /** Waits shorter than a second (a local cloud's cap); default a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

interface Published {
  readonly outcome: 'published';
  readonly status: TerminalStatus;
  readonly failureReason?: string;
}

/** What one message did. */
type CheckOutcome =
  /** Dropped unchecked: why (see ClaimDecision). */
  | { readonly outcome: 'duplicate'; readonly reason: Exclude<ClaimDecision, 'run'> }
  /** `checks`: Personalize checks this message made (a shared List counting as one each). */
  | (Published & { readonly checks: number })
  | {
      readonly outcome: 'rescheduled';
      readonly status: string;
      readonly delaySeconds: number;
      readonly checks: number;
      /** Where the belief expects the job to end, seconds after it was requested. */
      readonly expectedSeconds: number;
    }
  /** Arrived before its check was due (a wait longer than SQS allows): sent on, no Personalize call. */
  | { readonly outcome: 'relayed'; readonly delaySeconds: number; readonly checks: 0 };

const HOUR_MS = 3_600_000;
/** A message this close to its due time is checked rather than relayed. */
const DUE_SLACK_MS = 500;
/** Longest a single invocation waits in-process for sub-second checks before handing over to SQS. */
const IN_PROCESS_WAIT_LIMIT_MS = 5_000;

function deadlineOf(watch: Watch, policy: WatchPolicy): Date {
  if (watch.detail.deadlineAt !== undefined) return new Date(watch.detail.deadlineAt);
  return new Date(new Date(watch.detail.requestedAt).getTime() + policy.kinds[kindOf(watch)].deadlineSeconds * 1000);
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
 * The grid a due time is rounded to: the tick times a power of two, between a quarter and half
 * the spacing of checks there. Watches of one parent started a minute apart then fall due at the
 * same instants while their checks are sparse (and share one List); rounding moves a check by at
 * most a quarter of that spacing, which leaves the mean delay as it was.
 */
function alignmentOf(delaySeconds: number, tickSeconds: number): number {
  const steps = Math.max(1, delaySeconds / (2 * tickSeconds));
  return tickSeconds * 2 ** Math.floor(Math.log2(steps));
}

/**
 * When the next check is due: the policy's delay from the belief, on the tick grid (so watches
 * of one parent fall due together and share a List), never past the deadline.
 */
function nextDue(watch: Watch, belief: DurationBelief, policy: WatchPolicy, now: Date, deadline: Date): Date {
  const requestedMs = new Date(watch.detail.requestedAt).getTime();
  const elapsedSeconds = (now.getTime() - requestedMs) / 1000;
  const delaySeconds = nextCheckDelay(belief, policy.budget, elapsedSeconds, policy.maxDelaySeconds);
  // A long wait towards the window is aligned by the spacing where it lands, not by its own length.
  const landing = nextCheckDelay(belief, policy.budget, elapsedSeconds + delaySeconds, policy.maxDelaySeconds);
  const gridMs = alignmentOf(Math.min(delaySeconds, landing), policy.budget.minIntervalSeconds) * 1000;
  let dueMs = Math.round((now.getTime() + delaySeconds * 1000) / gridMs) * gridMs;
  if (dueMs <= now.getTime()) dueMs += gridMs;
  return new Date(Math.min(dueMs, deadline.getTime()));
}

/**
 * One message of a watch. A re-check that arrives before its due time is relayed on (no call).
 * Otherwise it reads the status — from the parent's List when it can, shared with the other watches
 * of that parent due in the tick — and publishes `<Kind> Status Changed` when the resource is
 * ACTIVE or failed (or past its deadline). Else it forms a belief about the end (first check only,
 * from Personalize's history) and schedules the next check around it: through SQS, or in-process
 * when the wait is under a second (a local cloud). Never waits a second or longer.
 */
async function checkWatch(watch: Watch, deps: WatchDependencies, messageId?: string): Promise<CheckOutcome> {
  const claims = deps.claims !== undefined && messageId !== undefined ? { claims: deps.claims, messageId } : undefined;
  if (claims !== undefined) {
    const decision = await claims.claims.claim(watch, claims.messageId);
    if (decision !== 'run') return { outcome: 'duplicate', reason: decision };
  }
  const deadline = deadlineOf(watch, deps.policy);
  const arrived = deps.now();
  if (watch.checkAt !== undefined) {
    const dueMs = new Date(watch.checkAt).getTime();
    if (dueMs - arrived.getTime() > DUE_SLACK_MS) {
      const next = watch.hop === undefined ? watch : { ...watch, hop: watch.hop + 1 };
      const delaySeconds = await sendRecheck(next, deps, (dueMs - arrived.getTime()) / 1000);
      return { outcome: 'relayed', delaySeconds, checks: 0 };
    }
  }

  let current: Watch = watch;
  let checks = 0;
  const startedMs = arrived.getTime();
  for (;;) {
    const now = deps.now();
    const result = await checkOnce(current, deps, now, deadline);
    checks += 1;
    if (result.done !== undefined) {
      if (claims !== undefined) {
        const decision = await claims.claims.confirm(watch, claims.messageId);
        if (decision !== 'run') return { outcome: 'duplicate', reason: decision };
      }
      await announce(watch, deps, result.done, now);
      // Right after the publish: a redelivery of this message (it may die before its delete) stops at the claim.
      await claims?.claims.markPublished(watch, claims.messageId, result.done.status, now.toISOString());
      return { ...result.done, checks };
    }
    const { belief, settled, parentArn, status } = result;
    const due = nextDue(current, belief, deps.policy, now, deadline);
    current = {
      detail: current.detail,
      attempt: current.attempt + 1,
      ...(watch.hop !== undefined && { hop: watch.hop + 1 }),
      ...(parentArn !== undefined && { parentArn }),
      ...(settled && { belief }),
      checkAt: due.toISOString(),
    };
    const waitMs = due.getTime() - now.getTime();
    const expectedSeconds = Math.round(expectedEnd(belief));
    if (waitMs >= 1000 || now.getTime() + waitMs - startedMs > IN_PROCESS_WAIT_LIMIT_MS) {
      const delaySeconds = await sendRecheck(current, deps, waitMs / 1000);
      return { outcome: 'rescheduled', status, delaySeconds, checks, expectedSeconds };
    }
    await (deps.sleep ?? defaultSleep)(Math.max(0, waitMs));
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sends `next` to the watcher's queue after `waitSeconds` (whole seconds, at most SQS's 900). */
async function sendRecheck(next: Watch, deps: WatchDependencies, waitSeconds: number): Promise<number> {
  // Rounded up: arriving just after the due time keeps the check inside its tick, where it shares
  // the List of the other watches of its parent due then.
  const delaySeconds = Math.max(0, Math.min(Math.ceil(waitSeconds), SQS_MAX_DELAY_SECONDS));
  await deps.sqs.send(new SendMessageCommand({ QueueUrl: deps.queueUrl, MessageBody: recheckMessage(next), DelaySeconds: delaySeconds }));
  return delaySeconds;
}

type CheckResult =
  | { readonly done: Published }
  | {
      readonly done?: undefined;
      readonly status: string;
      readonly belief: DurationBelief;
      /** False while the belief is only the prior standing in for one not formed yet. */
      readonly settled: boolean;
      readonly parentArn: string | undefined;
    };

/** One Personalize check: the terminal outcome, or the status and what to schedule by. */
async function checkOnce(watch: Watch, deps: WatchDependencies, now: Date, deadline: Date): Promise<CheckResult> {
  const { detail } = watch;
  const kind = kindOf(watch);
  const knownParent = watch.parentArn ?? parentArnOf(kind, detail.resourceArn);

  let resource: ResourceStatus | undefined;
  try {
    resource = await deps.reader.read({
      kind,
      arn: detail.resourceArn,
      operation: detail.operation,
      ...(knownParent !== undefined && { parentArn: knownParent }),
    });
  } catch (error) {
    // A resource created a moment ago may not be visible yet; anything else goes back to the queue.
    if (!isNotFound(error) && !isNotFound((error as { cause?: unknown }).cause)) throw error;
  }

  const current = resource === undefined ? { status: 'NOT FOUND' } : effectiveStatus(resource, detail.operation);
  const phase = resource === undefined ? StatusPhase.inProgress : statusPhase(current.status);

  if (phase === StatusPhase.active) return { done: { outcome: 'published', status: TERMINAL_STATUS.active } };
  if (phase === StatusPhase.failed) {
    const status = terminalFailure(current.status, detail.operation);
    const reason =
      current.failureReason ??
      `${RESOURCE_KIND_LABEL[kind]} ${detail.resourceArn} ended ${current.status} without a reason from Personalize`;
    const failureReason = status === current.status ? reason : `${current.status}: ${reason}`;
    return { done: { outcome: 'published', status, failureReason } };
  }
  if (now.getTime() >= deadline.getTime()) {
    const waited = now.getTime() - new Date(detail.requestedAt).getTime();
    const failureReason =
      `${RESOURCE_KIND_LABEL[kind]} ${detail.resourceArn} is still ${current.status} ${formatDuration(waited)} after the watch ` +
      `was requested (deadline ${deadline.toISOString()})`;
    return { done: { outcome: 'published', status: TERMINAL_STATUS.deadlineExceeded, failureReason } };
  }

  const parentArn = resource?.parentArn ?? knownParent;
  const priors = priorsOf(deps.policy);
  if (watch.belief !== undefined) return { status: current.status, belief: watch.belief, settled: true, parentArn };
  // Not visible yet: its parent (and so its history) is unknown; the next check forms the belief.
  if (resource === undefined) return { status: current.status, belief: priors[kind], settled: false, parentArn };
  const belief =
    detail.operation === 'create'
      ? await beliefFromHistory(deps.reader, { kind, arn: detail.resourceArn, parentArn, priors }).catch(() => priors[kind])
      : priors[kind];
  return { status: current.status, belief, settled: true, parentArn };
}

function priorsOf(policy: WatchPolicy): Readonly<Record<ResourceKind, UniformBelief>> {
  return Object.fromEntries(Object.entries(policy.kinds).map(([kind, p]) => [kind, p.prior])) as Record<ResourceKind, UniformBelief>;
}

/** Publishes `<Kind> Status Changed` with the settled status. */
async function announce(watch: Watch, deps: WatchDependencies, settled: Published, now: Date): Promise<void> {
  const { detail } = watch;
  const { status, failureReason } = settled;
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
}

export { checkWatch };
export type { WatchDependencies };
