/**
 * What a run must end with, from its plan. Today's chain ends at training: a run is complete when
 * every solution has its ACTIVE solution version (or, for a solution the file does not train, an
 * ACTIVE solution) and every recommender is ACTIVE; a plan with neither completes with its imports.
 * Campaigns and batch jobs become goals when the services that create them subscribe to the chain
 * (add them here then, or runs would complete before deployment).
 */
import type { Plan } from '@recops/core';
import type { Goal } from './state';

export function goalsOf(plan: Pick<Plan, 'solutions' | 'recommenders' | 'datasets'>): Goal[] {
  const goals: Goal[] = [
    ...plan.solutions.map((s): Goal => ({ kind: s.version ? 'solutionVersion' : 'solution', name: s.name })),
    ...plan.recommenders.map((r): Goal => ({ kind: 'recommender', name: r.name })),
  ];
  if (goals.length > 0) return goals;
  return plan.datasets.flatMap((d) => (d.importJob ? [{ kind: 'datasetImportJob' as const, name: d.importJob.jobName }] : []));
}
