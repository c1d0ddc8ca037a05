/**
 * A run's state: facts gathered from events, in any order and any number of times, and the outcome
 * derived from them. `applyFact` is pure and idempotent, so duplicate and reordered deliveries end
 * in the same state; the outcome, once decided, never changes.
 */
import { RESOURCE_KIND_LABEL, type PipelineStep, type ResourceKind, type TerminalStatus } from '@recops/events';

export const RUN_STATE_VERSION = 1;

/** Something the run must end with: a resource of `kind` named `name` (or of that solution, for versions). */
export interface Goal {
  readonly kind: ResourceKind;
  readonly name: string;
}

export interface ResourceFact {
  readonly kind: ResourceKind;
  /** `IN_PROGRESS` while watched, then the terminal status. */
  readonly status: 'IN_PROGRESS' | TerminalStatus;
  readonly failureReason?: string;
  readonly requestedAt?: string;
  readonly observedAt?: string;
}

export interface RunOutcome {
  readonly kind: 'completed' | 'failed';
  readonly decidedAt: string;
  readonly step?: PipelineStep;
  readonly resourceArn?: string;
  readonly resourceKind?: ResourceKind;
  readonly reason?: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
  /** The delivery (SQS messageId) whose write decided the outcome; it publishes. */
  readonly decidedBy?: string;
  /** Set once Pipeline Completed/Failed is on the bus. */
  readonly publishedAt?: string;
}

export interface RunState {
  readonly version: typeof RUN_STATE_VERSION;
  readonly runId: string;
  readonly datasetGroupName: string;
  readonly stage: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly config?: { readonly bucket: string; readonly key: string };
  /** Unknown until Pipeline Requested arrives (events may overtake it). */
  readonly goals?: readonly Goal[];
  /** By resource ARN. */
  readonly resources: Readonly<Record<string, ResourceFact>>;
  readonly outcome?: RunOutcome;
}

/** Everything the tracker learns from one event. */
export type RunFact =
  | { readonly type: 'requested'; readonly at: string; readonly goals: readonly Goal[]; readonly config: { bucket: string; key: string } }
  | { readonly type: 'watching'; readonly at: string; readonly kind: ResourceKind; readonly arn: string }
  | {
      readonly type: 'status';
      readonly at: string;
      readonly kind: ResourceKind;
      readonly arn: string;
      readonly status: TerminalStatus;
      readonly failureReason?: string;
      readonly requestedAt: string;
    }
  | {
      readonly type: 'stepFailed';
      readonly at: string;
      readonly step: PipelineStep;
      readonly reason: string;
      readonly resourceArn?: string;
      readonly resourceKind?: ResourceKind;
      readonly errors: readonly { path: string; message: string }[];
    };

export interface RunKey {
  readonly runId: string;
  readonly datasetGroupName: string;
  readonly stage: string;
}

export function emptyRunState(key: RunKey, at: string): RunState {
  return { version: RUN_STATE_VERSION, ...key, startedAt: at, updatedAt: at, resources: {} };
}

/** The state after `fact`, with the outcome decided if the facts now decide it. */
export function applyFact(state: RunState, fact: RunFact, now: string): RunState {
  const next = withFact(state, fact, now);
  if (next.outcome) return next;
  const outcome = decideOutcome(next, fact, now);
  return outcome ? { ...next, outcome } : next;
}

function withFact(state: RunState, fact: RunFact, now: string): RunState {
  const base = { ...state, updatedAt: now };
  switch (fact.type) {
    case 'requested':
      return {
        ...base,
        goals: state.goals ?? fact.goals,
        config: state.config ?? fact.config,
        startedAt: fact.at < state.startedAt ? fact.at : state.startedAt,
      };
    case 'watching': {
      if (state.resources[fact.arn]) return base; // already watched, or already terminal
      return { ...base, resources: { ...state.resources, [fact.arn]: { kind: fact.kind, status: 'IN_PROGRESS', requestedAt: fact.at } } };
    }
    case 'status': {
      const known = state.resources[fact.arn];
      if (known && known.status !== 'IN_PROGRESS') return base; // first terminal status wins
      const resource: ResourceFact = {
        kind: fact.kind,
        status: fact.status,
        requestedAt: known?.requestedAt ?? fact.requestedAt,
        observedAt: fact.at,
        ...(fact.failureReason ? { failureReason: fact.failureReason } : {}),
      };
      return { ...base, resources: { ...state.resources, [fact.arn]: resource } };
    }
    case 'stepFailed':
      return base;
  }
}

function decideOutcome(state: RunState, fact: RunFact, now: string): RunOutcome | undefined {
  if (fact.type === 'stepFailed')
    return {
      kind: 'failed',
      decidedAt: now,
      step: fact.step,
      reason: fact.reason,
      errors: fact.errors,
      ...(fact.resourceArn ? { resourceArn: fact.resourceArn } : {}),
      ...(fact.resourceKind ? { resourceKind: fact.resourceKind } : {}),
    };
  const failed = Object.entries(state.resources).find(([, r]) => r.status !== 'IN_PROGRESS' && r.status !== 'ACTIVE');
  if (failed) {
    const [arn, resource] = failed;
    const reason = `${RESOURCE_KIND_LABEL[resource.kind]} ${resourceName(arn)} ended ${resource.status}: ${resource.failureReason ?? 'no reason given'}`;
    return {
      kind: 'failed',
      decidedAt: now,
      step: stepOf(resource.kind),
      resourceArn: arn,
      resourceKind: resource.kind,
      reason,
      errors: [{ path: arn, message: resource.failureReason ?? resource.status }],
    };
  }
  if (isComplete(state)) return { kind: 'completed', decidedAt: now };
  return undefined;
}

/**
 * Every goal met by an ACTIVE resource and nothing still in flight. A dataset group has one event
 * tracker, whose ARN carries an id rather than its name in AWS: any ACTIVE one meets that goal.
 */
export function isComplete(state: RunState): boolean {
  if (!state.goals || state.goals.length === 0) return false;
  const resources = Object.entries(state.resources);
  if (resources.some(([, r]) => r.status === 'IN_PROGRESS')) return false;
  return state.goals.every((goal) =>
    resources.some(([arn, r]) => r.kind === goal.kind && r.status === 'ACTIVE' && (goal.kind === 'eventTracker' || goalNameOf(goal.kind, arn) === goal.name)),
  );
}

/** The step of the flow a resource kind belongs to, for Pipeline Failed. */
export function stepOf(kind: ResourceKind): PipelineStep {
  switch (kind) {
    case 'datasetGroup':
    case 'dataset':
    case 'eventTracker':
      return 'provisioning';
    case 'datasetImportJob':
      return 'import';
    case 'filter':
    case 'solution':
    case 'solutionVersion':
    case 'recommender':
      return 'training';
    case 'campaign':
      return 'deployment';
    case 'batchInferenceJob':
    case 'batchSegmentJob':
      return 'batch';
  }
}

/** The resource part of a Personalize ARN after the kind, e.g. `sims/1a2b3c4d` for a solution version. */
function resourcePath(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  return resource.slice(resource.indexOf('/') + 1);
}

function resourceName(arn: string): string {
  return resourcePath(arn);
}

/** The name a goal is matched on: a solution version counts for its solution's name. */
export function goalNameOf(kind: ResourceKind, arn: string): string {
  const path = resourcePath(arn);
  return kind === 'solutionVersion' ? (path.split('/')[0] ?? path) : path;
}

/** `arn:<partition>:personalize:<region>:<account>:dataset-group/<name>` from any ARN of the account. */
export function datasetGroupArnFrom(arn: string, datasetGroupName: string): string | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[2] !== 'personalize') return undefined;
  return `${parts.slice(0, 5).join(':')}:dataset-group/${datasetGroupName}`;
}
