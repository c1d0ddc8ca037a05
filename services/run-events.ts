/**
 * What the chain services (dataset-provisioner, solution-trainer) publish about the run they are
 * working on: Watch Requested for a resource that is not settled yet, and Step Failed for a failure
 * that will not heal. Both services build these the same way, so they share this one definition.
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { stepFailed, watchRequested, type PipelineStep, type ResourceKind } from '@recops/events';
import { OpsError, ResourceConflictError } from '@recops/core/ops';
import { permanentAwsErrorReason, publish } from '@recops/core/runtime';

/** The identity every event of a run repeats. */
interface RunRef {
  readonly runId: string;
  readonly datasetGroupName: string;
  readonly stage: string;
}

/** What publishing a run event needs. */
interface RunEventDependencies {
  readonly eventBridge: EventBridgeClient;
  readonly busName: string;
  readonly now: () => Date;
}

/** A permanent failure, as Step Failed reports it. */
interface StepFailure {
  readonly resourceArn?: string;
  readonly reason: string;
  readonly errors: readonly { readonly path: string; readonly message: string }[];
}

/** Publishes Watch Requested for the resource and records `<kind> <arn>` in the report's `watched`. */
async function requestWatch(
  run: RunRef,
  deps: RunEventDependencies,
  report: { readonly watched: string[] },
  resourceKind: ResourceKind,
  resourceArn: string,
  operation: 'create' | 'update' = 'create',
): Promise<void> {
  const entry = watchRequested.entry(
    {
      runId: run.runId,
      datasetGroupName: run.datasetGroupName,
      stage: run.stage,
      resourceKind,
      resourceArn,
      operation,
      requestedAt: deps.now().toISOString(),
    },
    deps.busName,
  );
  await publish(deps.eventBridge, [entry]);
  report.watched.push(`${resourceKind} ${resourceArn}`);
}

/**
 * The Step Failed a thrown error becomes: a permanent `OpsError`, or an AWS error no retry heals
 * (AccessDenied and the like, e.g. from the run's S3 documents). Anything else (retryable ones,
 * and errors of unknown kind) is rethrown, so the record returns to the queue with backoff.
 */
function permanentFailureOf(error: unknown): StepFailure {
  const denied = error instanceof OpsError ? undefined : permanentAwsErrorReason(error);
  if (denied !== undefined) return { reason: denied, errors: [] };
  if (!(error instanceof OpsError) || error.retryable) throw error;
  const resourceArn = (error as { resourceArn?: unknown }).resourceArn;
  const errors = error instanceof ResourceConflictError ? error.differences.map((message) => ({ path: error.resourceName, message })) : [];
  return { ...(typeof resourceArn === 'string' && { resourceArn }), reason: error.message, errors };
}

/** Publishes Step Failed for the run's step; the run tracker turns it into the run's Pipeline Failed. */
async function publishStepFailed(
  run: RunRef,
  deps: RunEventDependencies,
  step: PipelineStep,
  resourceKind: ResourceKind,
  failure: StepFailure,
): Promise<void> {
  const entry = stepFailed.entry(
    {
      runId: run.runId,
      datasetGroupName: run.datasetGroupName,
      stage: run.stage,
      step,
      resourceKind,
      ...(failure.resourceArn !== undefined && { resourceArn: failure.resourceArn }),
      reason: failure.reason,
      errors: [...failure.errors],
      failedAt: deps.now().toISOString(),
    },
    deps.busName,
  );
  await publish(deps.eventBridge, [entry]);
}

export { permanentFailureOf, publishStepFailed, requestWatch };
export type { RunRef };
