/**
 * The run tracker's logic: fold one event into its run's state document (conditional writes, retried
 * from a fresh read on conflict) and publish the run's outcome once.
 *
 * Once: the outcome is decided by the one write that moves the document from "no outcome" to an
 * outcome; concurrent writers lose that race and re-read. That write also records the publication
 * as started (`publishing`); the delivery that made it publishes, then records `publishedAt`. The
 * tracker subscribes to its own Pipeline Completed/Failed: receiving one records `publishedAt` too.
 * So a publisher that dies after PutEvents and before recording it is covered: its redelivery (same
 * SQS messageId) does not publish again while the started publication is younger than
 * `confirmWindowMs`; it waits (a retryable failure, back after a backoff) for the event to come back
 * from the bus, and republishes only if it did not (the publisher died before PutEvents). When
 * PutEvents refuses the entry, the mark is cleared and the redelivery publishes at once. Any other
 * delivery publishes only once the started publication is older than `publishLeaseMs`.
 * A duplicate therefore needs a publisher to die between PutEvents and its record AND the event to
 * take longer than `confirmWindowMs` to reach the tracker's queue (or the record's last delivery
 * before its DLQ, which publishes rather than wait: at least once, never lost).
 * The outcome metric (`PipelinesCompleted` / `PipelinesFailed`) is emitted right after each
 * publish, so it follows the same rule.
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isStatusChanged, notSubscribed, pipelineCompleted, pipelineFailed, type CatalogEvent } from '@recops/events';
import type { PlannedRun } from '@recops/core';
import { loadPlannedRun } from '@recops/core/ops';
import {
  DocumentConflictError,
  FINISHED_RUN_TAGS,
  planKey,
  publish,
  PublishError,
  RETRYABLE_ERROR_NAMES,
  runStateKey,
  tagRunDocuments,
  type Metrics,
} from '@recops/core/runtime';
import { OutcomeUnconfirmedError, RunTrackerError } from './errors';
import { goalsOf } from './goals';
import { emitRunOutcome } from './metrics';
import { applyFact, datasetGroupArnFrom, emptyRunState, type DecisionFact, type RunFact, type RunKey, type RunState } from './state';
import { readRunState, writeRunState } from './store';

export interface TrackerClients {
  readonly s3: S3Client;
  readonly eventBridge: EventBridgeClient;
}

export interface TrackerSettings {
  readonly bucketName: string;
  readonly busName: string;
  readonly now?: () => Date;
  /** Conditional-write attempts before giving the record back to the queue. Default 8. */
  readonly maxAttempts?: number;
  /** See the module comment. Default 120 s (below the queue's visibility timeout). */
  readonly publishLeaseMs?: number;
  /**
   * How long a started, unrecorded publication may take to come back from the bus before its
   * delivery republishes. Default 15 s: below the runtime's backoff after a second receive (20 s),
   * so one wait suffices.
   */
  readonly confirmWindowMs?: number;
  /** This is the record's last delivery before its DLQ: publish rather than wait for a confirmation. */
  readonly lastDelivery?: boolean;
  /** Where the outcome metric goes (the handler's Powertools metrics); none when absent. */
  readonly metrics?: Metrics;
}

export interface TrackResult {
  /** The run's state after the event; absent when the event was ignored. */
  readonly state?: RunState;
  readonly published?: 'Pipeline Completed' | 'Pipeline Failed';
  /** Why the event changed nothing: it is about a run that does not exist. */
  readonly ignored?: string;
}

/**
 * Folds one parsed catalog event into its run.
 * @param deliveryId identifies this delivery across redeliveries (the SQS messageId).
 */
export async function trackEvent(
  event: CatalogEvent,
  deliveryId: string,
  clients: TrackerClients,
  settings: TrackerSettings,
): Promise<TrackResult> {
  const { key, fact } = await factOf(event, (location) => loadPlannedRun(clients.s3, location));
  const objectKey = runStateKey(key.datasetGroupName, key.runId);
  if (fact.type !== 'requested' && !(await runExists(clients.s3, settings.bucketName, key, objectKey))) {
    // The run door's own Pipeline Failed of a run it refused: no run to confirm it for, and nothing odd.
    if (fact.type === 'published') return {};
    return {
      ignored: `no run ${key.runId} of ${key.datasetGroupName}: it has neither a state nor a run document (${planKey(key.datasetGroupName, key.runId)})`,
    };
  }
  return oneAtATime(objectKey, () => fold(objectKey, key, fact, deliveryId, clients, settings));
}

/**
 * A run exists once its door (services/run-start.ts) stored its document, which happens before
 * Pipeline Requested and so before any other event of the run: an event that overtakes Pipeline
 * Requested still finds the document, and one about a run that never started finds nothing.
 */
async function runExists(s3: S3Client, bucket: string, key: RunKey, stateKey: string): Promise<boolean> {
  for (const objectKey of [stateKey, planKey(key.datasetGroupName, key.runId)]) {
    try {
      await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: objectKey }));
      return true;
    } catch (error) {
      const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (name !== 'NotFound' && name !== 'NoSuchKey' && $metadata?.httpStatusCode !== 404) throw error;
    }
  }
  return false;
}

/**
 * Records of one batch (and concurrent batches in one process) that concern the same run are
 * folded one after another: they would otherwise only lose conditional writes to each other.
 * Writers in other processes are still kept apart by the conditional writes.
 */
const inFlight = new Map<string, Promise<unknown>>();

function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = inFlight.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  inFlight.set(key, next);
  void next
    .catch(() => undefined)
    .finally(() => {
      if (inFlight.get(key) === next) inFlight.delete(key);
    });
  return next;
}

async function fold(
  objectKey: string,
  key: RunKey,
  fact: RunFact,
  deliveryId: string,
  clients: TrackerClients,
  settings: TrackerSettings,
): Promise<TrackResult> {
  const now = () => (settings.now ?? (() => new Date()))().toISOString();

  let decidedHere = false;
  const decided = await update(clients.s3, settings, objectKey, (current) => {
    decidedHere = false;
    const state = current ?? emptyRunState(key, fact.at);
    const next = applyFact(state, fact, now());
    // A new outcome (or a completion after a dead-letter failure): this delivery decided it and publishes.
    if (next.outcome && next.outcome.kind !== state.outcome?.kind) {
      decidedHere = true;
      const publishing = { at: now(), by: deliveryId };
      return { ...next, outcome: { ...next.outcome, decidedBy: deliveryId, publishing } };
    }
    return sameFacts(state, next) && current ? undefined : next;
  });

  const outcome = decided.outcome;
  if (!outcome || outcome.publishedAt) return { state: decided };
  let publishing = outcome.publishing;
  if (!decidedHere || publishing === undefined) {
    const decider = outcome.decidedBy === deliveryId;
    const ageMs = Date.parse(now()) - Date.parse(publishing?.at ?? outcome.decidedAt);
    // The decider (or its redelivery) publishes; another delivery only once the decider seems gone.
    if (!decider && ageMs < (settings.publishLeaseMs ?? 120_000)) return { state: decided };
    if (decider && publishing !== undefined && ageMs < (settings.confirmWindowMs ?? 15_000) && !settings.lastDelivery)
      throw new OutcomeUnconfirmedError(
        `the ${outcomeName(outcome.kind)} of run ${key.runId} started at ${publishing.at} is not confirmed yet: waiting for it to come back from the bus before publishing it again`,
      );
    // Take the publication over: only if nobody else started one since this delivery read the state.
    const seen = publishing;
    const mine = { at: now(), by: deliveryId };
    const taken = await update(clients.s3, settings, objectKey, (current) =>
      current?.outcome &&
      !current.outcome.publishedAt &&
      current.outcome.kind === outcome.kind &&
      current.outcome.decidedAt === outcome.decidedAt &&
      JSON.stringify(current.outcome.publishing) === JSON.stringify(seen)
        ? { ...current, outcome: { ...current.outcome, publishing: mine } }
        : undefined,
    );
    if (taken.outcome?.publishing?.by !== mine.by || taken.outcome.publishing.at !== mine.at) return { state: taken };
    publishing = mine;
  }
  const started = publishing;

  // The run is over: its documents get the tag the bucket's lifecycle rule expires. Before the
  // outcome is published, so a subscriber never sees a finished run whose documents would stay, and
  // a delivery that dies after tagging tags again on its redelivery (tagging is idempotent).
  await tagRunDocuments(clients.s3, settings.bucketName, key.datasetGroupName, key.runId);
  try {
    await publish(clients.eventBridge, [outcomeEntry(decided, settings.busName)]);
  } catch (error) {
    // Refused: nothing is on the bus, so the redelivery may publish at once (best effort; else it
    // waits). A failure without EventBridge's answer (connection lost, timeout) may have published.
    if (!refused(error)) throw error;
    await update(clients.s3, settings, objectKey, (current) => {
      if (current?.outcome?.publishing?.by !== started.by || current.outcome.publishing.at !== started.at) return undefined;
      const { publishing: _, ...rest } = current.outcome;
      return { ...current, outcome: rest };
    }).catch(() => undefined);
    throw error;
  }
  if (settings.metrics) emitRunOutcome(settings.metrics, outcome.kind, decided.stage);
  const published = await update(clients.s3, settings, objectKey, (current) => {
    if (!current?.outcome || current.outcome.publishedAt || current.outcome.decidedAt !== outcome.decidedAt) return undefined;
    const { publishing: _, ...rest } = current.outcome;
    return { ...current, outcome: { ...rest, publishedAt: now() } };
  });
  return { state: published, published: outcomeName(outcome.kind) };
}

/** PutEvents answered and took nothing: rejected entries, or an error response (throttling and the like). */
function refused(error: unknown): boolean {
  if (error instanceof PublishError) return true;
  const { name, $metadata } = error as { name?: unknown; $metadata?: { httpStatusCode?: number } };
  return $metadata?.httpStatusCode !== undefined || (typeof name === 'string' && RETRYABLE_ERROR_NAMES.has(name));
}

function outcomeName(kind: 'completed' | 'failed'): 'Pipeline Completed' | 'Pipeline Failed' {
  return kind === 'completed' ? 'Pipeline Completed' : 'Pipeline Failed';
}

/**
 * Read–modify–write with optimistic concurrency. `change` returns the new state, or undefined when
 * nothing needs writing. Returns the state as stored afterwards.
 */
async function update(
  s3: S3Client,
  settings: TrackerSettings,
  key: string,
  change: (current: RunState | undefined) => RunState | undefined,
): Promise<RunState> {
  const attempts = settings.maxAttempts ?? 8;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const stored = await readRunState(s3, settings.bucketName, key);
    const next = change(stored?.value);
    if (next === undefined) {
      if (stored) return stored.value;
      throw new RunTrackerError(`run state ${key} is missing where an update expected it`);
    }
    // Once published, every write keeps the finished-run tag (the lifecycle rule expires tagged documents).
    const options = next.outcome?.publishedAt === undefined ? {} : { tags: FINISHED_RUN_TAGS };
    if ((await writeRunState(s3, settings.bucketName, key, next, stored?.etag, options)) === 'written') return next;
  }
  throw new DocumentConflictError(`s3://${settings.bucketName}/${key}`, attempts);
}

function sameFacts(a: RunState, b: RunState): boolean {
  return JSON.stringify({ ...a, updatedAt: '' }) === JSON.stringify({ ...b, updatedAt: '' });
}

/** Reads the run document Pipeline Requested points at. */
export type RunDocumentLoader = (location: { readonly bucket: string; readonly key: string }) => Promise<PlannedRun>;

/** Which run an event belongs to and what it says about it. */
export async function factOf(event: CatalogEvent, loadRun: RunDocumentLoader): Promise<{ key: RunKey; fact: RunFact }> {
  if (event.name === 'pipeline-requested') {
    const { detail } = event;
    const planned = await loadRun(detail.plan);
    return {
      key: detail,
      fact: {
        type: 'requested',
        at: detail.startedAt,
        goals: goalsOf(planned),
        config: detail.config,
        trigger: detail.trigger,
        scope: detail.scope,
      },
    };
  }
  if (event.name === 'solution-version-promoted') {
    const { detail } = event;
    const { gate } = detail;
    return {
      key: detail,
      fact: {
        type: 'decided',
        at: detail.promotedAt,
        solutionName: detail.solutionName,
        decision: {
          outcome: 'promoted',
          solutionVersionArn: detail.resourceArn,
          ...(detail.previousSolutionVersionArn !== undefined && { liveSolutionVersionArn: detail.previousSolutionVersionArn }),
          metric: gate.metric,
          ...(gate.candidate !== undefined && { candidate: gate.candidate }),
          ...(gate.baseline !== undefined && { baseline: gate.baseline }),
          rule: gate.rule,
          at: detail.promotedAt,
        },
      },
    };
  }
  if (event.name === 'solution-version-rejected') {
    const { detail } = event;
    const { gate } = detail;
    return {
      key: detail,
      fact: {
        type: 'decided',
        at: detail.rejectedAt,
        solutionName: detail.solutionName,
        decision: {
          outcome: 'rejected',
          solutionVersionArn: detail.resourceArn,
          liveSolutionVersionArn: detail.liveSolutionVersionArn,
          metric: gate.metric,
          ...(gate.candidate !== undefined && { candidate: gate.candidate }),
          ...(gate.baseline !== undefined && { baseline: gate.baseline }),
          rule: gate.rule,
          reason: detail.reason,
          at: detail.rejectedAt,
        },
      },
    };
  }
  if (event.name === 'campaign-deployed') {
    const { detail } = event;
    return {
      key: detail,
      fact: {
        type: 'deployed',
        at: detail.deployedAt,
        campaignName: detail.campaignName,
        deployment: {
          campaignArn: detail.resourceArn,
          solutionName: detail.solutionName,
          solutionVersionArn: detail.solutionVersionArn,
          operation: detail.operation,
          at: detail.deployedAt,
        },
      },
    };
  }
  if (event.name === 'batch-output-ready') {
    const { detail } = event;
    return {
      key: detail,
      fact: {
        type: 'batchOutput',
        at: detail.readyAt,
        jobNameBase: detail.jobNameBase,
        output: {
          jobArn: detail.resourceArn,
          jobKind: detail.jobKind,
          jobName: detail.jobName,
          solutionName: detail.solutionName,
          output: detail.output,
          at: detail.readyAt,
        },
      },
    };
  }
  if (event.name === 'watch-requested') {
    const { detail } = event;
    return { key: detail, fact: { type: 'watching', at: detail.requestedAt, kind: detail.resourceKind, arn: detail.resourceArn } };
  }
  if (event.name === 'step-retrying') {
    const { detail } = event;
    return {
      key: detail,
      fact: {
        type: 'retrying',
        at: detail.failedAt,
        service: detail.service,
        retry: {
          step: detail.step,
          attempt: detail.attempt,
          maxAttempts: detail.maxAttempts,
          reason: detail.reason,
          nextAttemptAt: detail.nextAttemptAt,
          ...(detail.eventType !== undefined && { eventType: detail.eventType }),
          at: detail.failedAt,
        },
      },
    };
  }
  if (event.name === 'message-dead-lettered') {
    const { detail } = event;
    return {
      key: detail,
      fact: {
        type: 'deadLettered',
        at: detail.deadLetteredAt,
        messageId: detail.messageId,
        service: detail.service,
        step: detail.step,
        reason: detail.reason,
        attempts: detail.attempts,
        ...(detail.eventType !== undefined && { eventType: detail.eventType }),
      },
    };
  }
  if (event.name === 'message-recovered') {
    const { detail } = event;
    return { key: detail, fact: { type: 'recovered', at: detail.recoveredAt, messageId: detail.messageId } };
  }
  // The tracker's own outcomes, back from the bus (see the module comment).
  if (event.name === 'pipeline-completed') {
    const { detail } = event;
    return { key: detail, fact: { type: 'published', at: detail.completedAt, kind: 'completed', decidedAt: detail.completedAt } };
  }
  if (event.name === 'pipeline-failed') {
    const { detail } = event;
    return { key: detail, fact: { type: 'published', at: detail.failedAt, kind: 'failed', decidedAt: detail.failedAt } };
  }
  if (event.name === 'step-failed') {
    const { detail } = event;
    return {
      key: detail,
      fact: {
        type: 'stepFailed',
        at: detail.failedAt,
        step: detail.step,
        reason: detail.reason,
        errors: detail.errors,
        ...(detail.resourceArn ? { resourceArn: detail.resourceArn } : {}),
        ...(detail.resourceKind ? { resourceKind: detail.resourceKind } : {}),
      },
    };
  }
  if (isStatusChanged(event)) {
    const { detail } = event;
    return {
      key: detail,
      fact: {
        type: 'status',
        at: detail.observedAt,
        kind: detail.resourceKind,
        arn: detail.resourceArn,
        status: detail.status,
        requestedAt: detail.requestedAt,
        ...(detail.failureReason ? { failureReason: detail.failureReason } : {}),
      },
    };
  }
  throw notSubscribed(event, 'the run tracker');
}

/** What the run deployed, rejected and wrote, for Pipeline Completed (sorted by name: stable output). */
function deployReport(state: RunState) {
  const decisions = Object.entries(state.decisions ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const figures = (d: DecisionFact) => ({
    metric: d.metric,
    ...(d.candidate !== undefined && { candidate: d.candidate }),
    ...(d.baseline !== undefined && { baseline: d.baseline }),
    rule: d.rule,
  });
  return {
    promoted: decisions
      .filter(([, d]) => d.outcome === 'promoted')
      .map(([solutionName, d]) => ({ solutionName, solutionVersionArn: d.solutionVersionArn, ...figures(d) })),
    rejected: decisions
      .filter(([, d]) => d.outcome === 'rejected')
      .map(([solutionName, d]) => ({
        solutionName,
        solutionVersionArn: d.solutionVersionArn,
        ...(d.liveSolutionVersionArn !== undefined && { liveSolutionVersionArn: d.liveSolutionVersionArn }),
        ...figures(d),
        reason: d.reason ?? d.rule,
      })),
    deployed: Object.entries(state.deployments ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([campaignName, d]) => ({
        campaignName,
        campaignArn: d.campaignArn,
        solutionName: d.solutionName,
        solutionVersionArn: d.solutionVersionArn,
        operation: d.operation,
      })),
    batchOutputs: Object.values(state.batchOutputs ?? {})
      .sort((a, b) => a.jobName.localeCompare(b.jobName))
      .map((o) => ({ jobKind: o.jobKind, jobName: o.jobName, jobArn: o.jobArn, solutionName: o.solutionName, output: o.output })),
  };
}

function outcomeEntry(state: RunState, busName: string) {
  const outcome = state.outcome;
  if (!outcome) throw new RunTrackerError(`run ${state.runId} has no outcome to publish`);
  const base = { runId: state.runId, datasetGroupName: state.datasetGroupName, stage: state.stage };
  if (outcome.kind === 'completed') {
    const active = Object.entries(state.resources)
      .filter(([, r]) => r.status === 'ACTIVE')
      .sort(([, a], [, b]) => (a.observedAt ?? '').localeCompare(b.observedAt ?? ''));
    const anyArn = active[0]?.[0] ?? '';
    return pipelineCompleted.entry(
      {
        ...base,
        resourceArn: datasetGroupArnFrom(anyArn, state.datasetGroupName) ?? anyArn,
        trigger: state.trigger ?? 'upload',
        scope: state.scope ?? { kind: 'everything' },
        startedAt: state.startedAt,
        completedAt: outcome.decidedAt,
        resources: active.map(([arn, r]) => ({ kind: r.kind, arn })),
        ...deployReport(state),
      },
      busName,
    );
  }
  return pipelineFailed.entry(
    {
      ...base,
      step: outcome.step ?? 'training',
      reason: outcome.reason ?? 'the run failed',
      errors: [...(outcome.errors ?? [])],
      failedAt: outcome.decidedAt,
      ...(outcome.resourceArn ? { resourceArn: outcome.resourceArn } : {}),
      ...(outcome.resourceKind ? { resourceKind: outcome.resourceKind } : {}),
      ...(state.config ? { config: state.config } : {}),
    },
    busName,
  );
}
