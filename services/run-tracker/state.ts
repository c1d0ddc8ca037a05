/**
 * A run's state: facts gathered from events, in any order and any number of times, and the outcome
 * derived from them. `applyFact` is pure and idempotent, so duplicate and reordered deliveries end
 * in the same state; the outcome, once decided, never changes, with one exception: a run failed by
 * a dead-lettered message completes when, after a redrive of that message, every goal is met
 * (events/README.md, "Redrive").
 */
import {
  RESOURCE_KIND_LABEL,
  type BatchJobKind,
  type PipelineStep,
  type ResourceKind,
  type RunScope,
  type RunTrigger,
  type TerminalStatus,
} from '@recops/events';

export const RUN_STATE_VERSION = 1;

/**
 * Something the run must end with: a resource of `kind` named `name` ACTIVE (a solution version
 * counts for its solution's name), or a step of the deploy half:
 * - `decision`: the promotion gate decided on solution `name`'s version of the run (either way);
 * - `deployment`: campaign `name` serves the promoted version, or its solution's version was rejected;
 * - `batchOutput`: the output of the batch job `name` (its `jobNameBase`) is ready.
 */
export type Goal =
  | { readonly kind: ResourceKind; readonly name: string }
  | { readonly kind: 'decision'; readonly name: string }
  | { readonly kind: 'deployment'; readonly name: string; readonly solution: string }
  | { readonly kind: 'batchOutput'; readonly name: string; readonly jobKind: BatchJobKind; readonly solution: string };

/** How the promotion gate decided on a solution's version of the run. */
export interface DecisionFact {
  readonly outcome: 'promoted' | 'rejected';
  readonly solutionVersionArn: string;
  /** The version that keeps serving (rejected), or the one replaced (promoted). */
  readonly liveSolutionVersionArn?: string;
  readonly metric: string;
  readonly candidate?: number;
  readonly baseline?: number;
  readonly rule: string;
  /** Why it was rejected. */
  readonly reason?: string;
  readonly at: string;
}

interface DeploymentFact {
  readonly campaignArn: string;
  readonly solutionName: string;
  readonly solutionVersionArn: string;
  readonly operation: 'create' | 'update' | 'unchanged';
  readonly at: string;
}

interface BatchOutputFact {
  readonly jobArn: string;
  readonly jobKind: BatchJobKind;
  readonly jobName: string;
  readonly solutionName: string;
  readonly output: { readonly bucket: string; readonly prefix: string };
  readonly at: string;
}

interface ResourceFact {
  readonly kind: ResourceKind;
  /** `IN_PROGRESS` while watched, then the terminal status. */
  readonly status: 'IN_PROGRESS' | TerminalStatus;
  readonly failureReason?: string;
  readonly requestedAt?: string;
  readonly observedAt?: string;
}

/** The latest retry a service reported for the run (Step Retrying). */
interface RetryFact {
  readonly step: PipelineStep;
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly reason: string;
  readonly nextAttemptAt: string;
  readonly eventType?: string;
  readonly at: string;
}

/** A message of the run a service dead-lettered, by its first messageId; `recoveredAt` once redriven and handled. */
interface DeadLetterFact {
  readonly service?: string;
  readonly reason?: string;
  readonly at?: string;
  readonly recoveredAt?: string;
}

interface RunOutcome {
  readonly kind: 'completed' | 'failed';
  readonly decidedAt: string;
  /** A failure from a dead-lettered message: a redrive may still complete the run. */
  readonly redrivable?: boolean;
  /** A completion after such a failure: when it failed, and why. */
  readonly afterFailure?: { readonly decidedAt: string; readonly reason?: string };
  readonly step?: PipelineStep;
  readonly resourceArn?: string;
  readonly resourceKind?: ResourceKind;
  readonly reason?: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
  /** The delivery (SQS messageId) whose write decided the outcome; it publishes. */
  readonly decidedBy?: string;
  /**
   * A publication of the outcome that was started (by delivery `by`, at `at`) and is not known to be
   * on the bus yet; cleared when PutEvents refused it.
   */
  readonly publishing?: { readonly at: string; readonly by: string };
  /** Set once Pipeline Completed/Failed is on the bus: PutEvents accepted it, or the tracker received it. */
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
  readonly trigger?: RunTrigger;
  readonly scope?: RunScope;
  /** Unknown until Pipeline Requested arrives (events may overtake it). */
  readonly goals?: readonly Goal[];
  /** The promotion gate's decisions, by solution name (first one wins). */
  readonly decisions?: Readonly<Record<string, DecisionFact>>;
  /** Campaigns deployed in this run, by campaign name. */
  readonly deployments?: Readonly<Record<string, DeploymentFact>>;
  /** Batch outputs ready, by `<jobKind>/<jobNameBase>`. */
  readonly batchOutputs?: Readonly<Record<string, BatchOutputFact>>;
  /** By resource ARN. */
  readonly resources: Readonly<Record<string, ResourceFact>>;
  /** The latest Step Retrying of each service, by service name. */
  readonly retries?: Readonly<Record<string, RetryFact>>;
  /** Messages of the run that were dead-lettered, by their first messageId. */
  readonly deadLetters?: Readonly<Record<string, DeadLetterFact>>;
  readonly outcome?: RunOutcome;
}

/** Everything the tracker learns from one event. */
export type RunFact =
  | {
      readonly type: 'requested';
      readonly at: string;
      readonly goals: readonly Goal[];
      readonly config: { bucket: string; key: string };
      readonly trigger: RunTrigger;
      readonly scope: RunScope;
    }
  | { readonly type: 'decided'; readonly at: string; readonly solutionName: string; readonly decision: DecisionFact }
  | { readonly type: 'deployed'; readonly at: string; readonly campaignName: string; readonly deployment: DeploymentFact }
  | { readonly type: 'batchOutput'; readonly at: string; readonly jobNameBase: string; readonly output: BatchOutputFact }
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
  | { readonly type: 'retrying'; readonly at: string; readonly service: string; readonly retry: RetryFact }
  | { readonly type: 'recovered'; readonly at: string; readonly messageId: string }
  /** The tracker's own Pipeline Completed/Failed, back from the bus: that outcome is published. */
  | { readonly type: 'published'; readonly at: string; readonly kind: 'completed' | 'failed'; readonly decidedAt: string }
  | {
      readonly type: 'deadLettered';
      readonly at: string;
      readonly messageId: string;
      readonly service: string;
      readonly step: PipelineStep;
      readonly reason: string;
      readonly attempts: number;
      readonly eventType?: string;
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
  const outcome = next.outcome;
  if (outcome?.redrivable && allRecovered(next) && !failedResource(next) && isComplete(next)) {
    // The dead-lettered work was redriven and the run went on to meet every goal.
    const afterFailure = { decidedAt: outcome.decidedAt, ...(outcome.reason !== undefined && { reason: outcome.reason }) };
    return { ...next, outcome: { kind: 'completed', decidedAt: now, afterFailure } };
  }
  if (outcome) return next;
  const decided = decideOutcome(next, fact, now);
  return decided ? { ...next, outcome: decided } : next;
}

function withFact(state: RunState, fact: RunFact, now: string): RunState {
  const base = { ...state, updatedAt: now };
  switch (fact.type) {
    case 'requested':
      return {
        ...base,
        goals: state.goals ?? fact.goals,
        config: state.config ?? fact.config,
        trigger: state.trigger ?? fact.trigger,
        scope: state.scope ?? fact.scope,
        // biome-ignore lint/complexity/useMathMinMax: ISO timestamps compare as strings
        startedAt: fact.at < state.startedAt ? fact.at : state.startedAt,
      };
    // First fact of each kind wins: a redelivery changes nothing.
    case 'decided':
      if (state.decisions?.[fact.solutionName]) return base;
      return { ...base, decisions: { ...state.decisions, [fact.solutionName]: fact.decision } };
    case 'deployed':
      if (state.deployments?.[fact.campaignName]) return base;
      return { ...base, deployments: { ...state.deployments, [fact.campaignName]: fact.deployment } };
    case 'batchOutput': {
      const key = batchOutputKey(fact.output.jobKind, fact.jobNameBase);
      if (state.batchOutputs?.[key]) return base;
      return { ...base, batchOutputs: { ...state.batchOutputs, [key]: fact.output } };
    }
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
    case 'retrying': {
      const known = state.retries?.[fact.service];
      if (known && (known.at > fact.retry.at || (known.at === fact.retry.at && known.attempt >= fact.retry.attempt))) return base;
      return { ...base, retries: { ...state.retries, [fact.service]: fact.retry } };
    }
    case 'deadLettered': {
      const known = state.deadLetters?.[fact.messageId];
      if (known?.at !== undefined) return base; // first report wins
      const deadLetter: DeadLetterFact = { ...known, service: fact.service, reason: fact.reason, at: fact.at };
      return { ...base, deadLetters: { ...state.deadLetters, [fact.messageId]: deadLetter } };
    }
    case 'recovered': {
      const known = state.deadLetters?.[fact.messageId];
      if (known?.recoveredAt !== undefined) return base;
      return { ...base, deadLetters: { ...state.deadLetters, [fact.messageId]: { ...known, recoveredAt: fact.at } } };
    }
    case 'published': {
      const outcome = state.outcome;
      // Only the outcome the event announced (a redriven run publishes Pipeline Failed, then Completed).
      if (!outcome || outcome.publishedAt || outcome.kind !== fact.kind || outcome.decidedAt !== fact.decidedAt) return base;
      const { publishing: _, ...published } = outcome;
      return { ...base, outcome: { ...published, publishedAt: now } };
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
  if (fact.type === 'deadLettered') {
    const what = fact.eventType ? `a ${fact.eventType} message` : 'a message';
    return {
      kind: 'failed',
      decidedAt: now,
      step: fact.step,
      reason: `${fact.service} gave up on ${what} after ${fact.attempts} deliver${fact.attempts === 1 ? 'y' : 'ies'} (it is in its DLQ): ${fact.reason}`,
      errors: [{ path: fact.service, message: fact.reason }],
      redrivable: true,
    };
  }
  const failed = failedResource(state);
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

/** Every dead-lettered message of the run came back and was handled (Message Recovered). */
function allRecovered(state: RunState): boolean {
  return Object.values(state.deadLetters ?? {}).every((d) => d.recoveredAt !== undefined);
}

/** A resource of the run that ended in a failure status, if any. */
function failedResource(state: RunState): [string, ResourceFact] | undefined {
  return Object.entries(state.resources).find(([, r]) => r.status !== 'IN_PROGRESS' && r.status !== 'ACTIVE');
}

/** Every goal met and nothing still in flight. */
function isComplete(state: RunState): boolean {
  if (!state.goals || state.goals.length === 0) return false;
  const resources = Object.entries(state.resources);
  if (resources.some(([, r]) => r.status === 'IN_PROGRESS')) return false;
  return state.goals.every((goal) => isMet(goal, state, resources));
}

/**
 * Whether one goal is met. A dataset group has one event tracker, whose ARN carries an id rather
 * than its name in AWS: any ACTIVE one meets that goal.
 */
function isMet(goal: Goal, state: RunState, resources: readonly [string, ResourceFact][]): boolean {
  switch (goal.kind) {
    case 'decision':
      return state.decisions?.[goal.name] !== undefined;
    case 'deployment':
      return state.deployments?.[goal.name] !== undefined || state.decisions?.[goal.solution]?.outcome === 'rejected';
    case 'batchOutput':
      return state.batchOutputs?.[batchOutputKey(goal.jobKind, goal.name)] !== undefined;
    default: {
      const kind = goal.kind;
      return resources.some(
        ([arn, r]) => r.kind === kind && r.status === 'ACTIVE' && (kind === 'eventTracker' || goalNameOf(kind, arn) === goal.name),
      );
    }
  }
}

/** Key of a batch output in the run state. */
function batchOutputKey(jobKind: BatchJobKind, jobNameBase: string): string {
  return `${jobKind}/${jobNameBase}`;
}

/** The step of the flow a resource kind belongs to, for Pipeline Failed. */
function stepOf(kind: ResourceKind): PipelineStep {
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
