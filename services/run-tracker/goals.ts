/**
 * What a run must end with, from its plan and scope. Every resource the run's scope covers is a goal,
 * so no run completes while something its file asked for was skipped:
 * - everything: the dataset group, each import job, the event tracker, each filter, each solution's
 *   new version (or the solution itself when the file does not train it), each recommender, and for
 *   each trained solution the deploy steps below;
 * - import: each import job;
 * - retrain: the solution's new version and its deploy steps;
 * - batch: the one batch job's output.
 * Deploy steps of a trained solution: the promotion gate's decision (Promoted or Rejected, both
 * decide the goal), each of its campaigns ACTIVE on the promoted version (moot when the version was
 * rejected: the campaign keeps its version), and each of its batch jobs' output ready.
 * A solution the file does not train has no gate decision; its campaigns pinned to a version
 * (CDK `solutionversion`) are deployed on their own and are goals too.
 * The services behind each resource goal watch it even when it already exists and is ACTIVE, so
 * that its Status Changed reaches the tracker.
 */
import { solutionsTrainedIn, type PlannedRun, type SolutionPlan } from '@recops/core';
import type { Goal } from './state';

export function goalsOf(run: Pick<PlannedRun, 'plan' | 'scope'>): Goal[] {
  const { plan, scope } = run;
  const imports = plan.datasets.flatMap((d): Goal[] => (d.importJob ? [{ kind: 'datasetImportJob', name: d.importJob.jobName }] : []));
  const deploySteps = solutionsTrainedIn(plan, scope).flatMap(deployGoalsOf);
  switch (scope.kind) {
    case 'everything':
      return [
        { kind: 'datasetGroup', name: plan.datasetGroup.name },
        ...imports,
        ...(plan.eventTracker ? [{ kind: 'eventTracker' as const, name: plan.eventTracker.name }] : []),
        ...plan.filters.map((f): Goal => ({ kind: 'filter', name: f.name })),
        ...plan.solutions.map((s): Goal => ({ kind: s.version ? 'solutionVersion' : 'solution', name: s.name })),
        ...plan.recommenders.map((r): Goal => ({ kind: 'recommender', name: r.name })),
        ...deploySteps,
        ...plan.solutions
          .filter((s) => s.version === undefined)
          .flatMap((s) =>
            s.campaigns
              .filter((c) => c.solutionVersionArn !== undefined)
              .map((c): Goal => ({ kind: 'deployment', name: c.name, solution: s.name })),
          ),
      ];
    case 'import':
      return imports;
    case 'retrain':
      return [{ kind: 'solutionVersion', name: scope.solutionName }, ...deploySteps];
    case 'batch':
      return [{ kind: 'batchOutput', name: scope.jobNameBase, jobKind: scope.jobKind, solution: scope.solutionName }];
  }
}

function deployGoalsOf(solution: SolutionPlan): Goal[] {
  return [
    { kind: 'decision', name: solution.name },
    ...solution.campaigns.map((c): Goal => ({ kind: 'deployment', name: c.name, solution: solution.name })),
    ...solution.batchInferenceJobs.map(
      (j): Goal => ({ kind: 'batchOutput', name: j.jobNameBase, jobKind: 'batchInferenceJob', solution: solution.name }),
    ),
    ...solution.batchSegmentJobs.map(
      (j): Goal => ({ kind: 'batchOutput', name: j.jobNameBase, jobKind: 'batchSegmentJob', solution: solution.name }),
    ),
  ];
}
