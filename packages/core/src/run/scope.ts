/**
 * Run scopes (see `events/run-scope.ts`): which scope a schedule's firing runs, checked against the
 * plan resolved at that moment, and what a scope covers of a plan.
 */
import { RUN_SCOPE_KIND, type RunScope } from '@recops/events';
import type { ScheduleKind } from '@recops/events';
import { CoreError } from '../errors';
import type { Plan, SolutionPlan } from '../plan/types';

export const EVERYTHING: RunScope = { kind: RUN_SCOPE_KIND.everything };

/** A schedule names something its parameter file (as it reads now) does not define. */
export class RunScopeError extends CoreError {
  constructor(message: string) {
    super(message);
    this.name = 'RunScopeError';
  }
}

/** What a firing of a schedule says it is for (Schedule Fired's fields). */
export interface ScheduleRequest {
  readonly kind: ScheduleKind;
  readonly solutionName?: string | undefined;
  /** For batch and segment: the job's `jobNameBase`. */
  readonly jobName?: string | undefined;
}

/** The scope a schedule's firing runs; throws RunScopeError when the plan lacks its target. */
export function scopeOfSchedule(request: ScheduleRequest, plan: Plan): RunScope {
  const where = `s3://${plan.bucket}/${plan.configKey}`;
  if (request.kind === 'import') {
    if (!plan.datasets.some((d) => d.importJob !== undefined))
      throw new RunScopeError(`the import schedule fired, but ${where} declares no dataset import to run`);
    return { kind: RUN_SCOPE_KIND.import };
  }
  const solution = plan.solutions.find((s) => s.name === request.solutionName);
  if (solution === undefined)
    throw new RunScopeError(`the ${request.kind} schedule names solution "${request.solutionName ?? ''}", which ${where} does not define`);
  if (request.kind === 'full' || request.kind === 'update') {
    if (solution.version === undefined)
      throw new RunScopeError(
        `the ${request.kind} schedule retrains solution "${solution.name}", but ${where} says not to train it (createNewSolutionVersion: false)`,
      );
    return { kind: RUN_SCOPE_KIND.retrain, solutionName: solution.name, trainingMode: request.kind === 'full' ? 'FULL' : 'UPDATE' };
  }
  const jobs = request.kind === 'batch' ? solution.batchInferenceJobs : solution.batchSegmentJobs;
  const jobIndex = jobs.findIndex((job) => job.jobNameBase === request.jobName);
  const job = jobs[jobIndex];
  if (job === undefined) {
    const what = request.kind === 'batch' ? 'batch inference job' : 'batch segment job';
    throw new RunScopeError(
      `the ${request.kind} schedule names ${what} "${request.jobName ?? ''}" of solution "${solution.name}", which ${where} does not define`,
    );
  }
  return {
    kind: RUN_SCOPE_KIND.batch,
    solutionName: solution.name,
    jobKind: request.kind === 'batch' ? 'batchInferenceJob' : 'batchSegmentJob',
    jobIndex,
    jobNameBase: job.jobNameBase,
  };
}

/** Whether the run imports data (everything, or an import schedule). */
export function scopeImports(scope: RunScope): boolean {
  return scope.kind === RUN_SCOPE_KIND.everything || scope.kind === RUN_SCOPE_KIND.import;
}

/** The solutions the run trains a version of: all the file trains (everything), or the one retrained. */
export function solutionsTrainedIn(plan: Pick<Plan, 'solutions'>, scope: RunScope): readonly SolutionPlan[] {
  if (scope.kind === RUN_SCOPE_KIND.everything) return plan.solutions.filter((s) => s.version !== undefined);
  if (scope.kind === RUN_SCOPE_KIND.retrain) return plan.solutions.filter((s) => s.name === scope.solutionName && s.version !== undefined);
  return [];
}

/** One line for logs and reasons: `everything`, `import`, `retrain sims (FULL)`, `batchInferenceJob batch_sims of sims`. */
export function describeScope(scope: RunScope): string {
  switch (scope.kind) {
    case 'everything':
    case 'import':
      return scope.kind;
    case 'retrain':
      return `retrain ${scope.solutionName} (${scope.trainingMode})`;
    case 'batch':
      return `${scope.jobKind} ${scope.jobNameBase} of ${scope.solutionName}`;
  }
}
