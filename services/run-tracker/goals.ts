/**
 * What a run must end with, from its plan and scope. Every resource the run's scope covers is a goal,
 * so no run completes while something its file asked for was skipped:
 * - everything: the dataset group, each import job, the event tracker, each filter, each solution's
 *   new version (or the solution itself when the file does not train it), each recommender;
 * - import: each import job;
 * - retrain: the solution's new version.
 * The services behind each goal watch its resource even when it already exists and is ACTIVE, so
 * that its Status Changed reaches the tracker.
 */
import type { PlannedRun } from '@recops/core';
import type { Goal } from './state';

export function goalsOf(run: Pick<PlannedRun, 'plan' | 'scope'>): Goal[] {
  const { plan, scope } = run;
  const imports = plan.datasets.flatMap((d): Goal[] => (d.importJob ? [{ kind: 'datasetImportJob', name: d.importJob.jobName }] : []));
  switch (scope.kind) {
    case 'everything':
      return [
        { kind: 'datasetGroup', name: plan.datasetGroup.name },
        ...imports,
        ...(plan.eventTracker ? [{ kind: 'eventTracker' as const, name: plan.eventTracker.name }] : []),
        ...plan.filters.map((f): Goal => ({ kind: 'filter', name: f.name })),
        ...plan.solutions.map((s): Goal => ({ kind: s.version ? 'solutionVersion' : 'solution', name: s.name })),
        ...plan.recommenders.map((r): Goal => ({ kind: 'recommender', name: r.name })),
      ];
    case 'import':
      return imports;
    case 'retrain':
      return [{ kind: 'solutionVersion', name: scope.solutionName }];
    case 'batch':
      return [{ kind: scope.jobKind, name: scope.jobNameBase }];
  }
}
