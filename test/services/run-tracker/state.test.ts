import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goalsOf } from '../../../services/run-tracker/goals';
import { factOf } from '../../../services/run-tracker/track';
import { applyFact, emptyRunState, goalNameOf, type RunFact, type RunState } from '../../../services/run-tracker/state';
import { seedExampleText } from '../../e2e/support/data';
import { runDocument, seedPlan, successfulRun } from './run-events';
import type { PlannedRun } from '@recops/core';
import { parseCatalogEvent } from '@recops/events';

/** Facts as the tracker derives them from each event (the run document read from `documents`). */
async function factsOf(events: readonly Record<string, unknown>[], document: PlannedRun): Promise<Map<Record<string, unknown>, RunFact>> {
  const facts = new Map<Record<string, unknown>, RunFact>();
  for (const event of events) facts.set(event, (await factOf(parseCatalogEvent(event), async () => document)).fact);
  return facts;
}

function fold(
  events: readonly Record<string, unknown>[],
  facts: Map<Record<string, unknown>, RunFact>,
): { state: RunState; decisions: number } {
  let state = emptyRunState({ runId: 'run-1', datasetGroupName: 'dataset-group-name-1', stage: 'test' }, '2026-01-02T03:04:05.000Z');
  let decisions = 0;
  for (const event of events) {
    const next = applyFact(state, facts.get(event)!, '2026-01-02T04:00:00.000Z');
    if (next.outcome && !state.outcome) decisions++;
    state = next;
  }
  return { state, decisions };
}

describe('Function: applyFact', () => {
  it('decides "completed" exactly once for any order and duplication of a successful run', async () => {
    const plan = seedPlan(await seedExampleText(), 'recops-data');
    const events = successfulRun(plan, 'run-1');
    const facts = await factsOf(events, runDocument(plan, 'run-1'));
    const reference = fold(events, facts).state;
    expect(reference.outcome?.kind).toBe('completed');
    fc.assert(
      fc.property(
        fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
        fc.array(fc.nat(events.length - 1), { maxLength: events.length }),
        (shuffled, duplicates) => {
          const delivered = [...shuffled];
          for (const i of duplicates) delivered.splice(i % (delivered.length + 1), 0, events[i]!);
          const { state, decisions } = fold(delivered, facts);
          expect(decisions).toBe(1);
          expect(state.outcome?.kind).toBe('completed');
          expect(Object.keys(state.resources).sort()).toEqual(Object.keys(reference.resources).sort());
        },
      ),
      { numRuns: 100 },
    );
  });

  it('does not complete before the plan is known, however many resources are ACTIVE', async () => {
    const plan = seedPlan(await seedExampleText(), 'recops-data');
    const events = successfulRun(plan, 'run-1');
    const facts = await factsOf(events, runDocument(plan, 'run-1'));
    const { state } = fold(events.slice(1), facts);
    expect(state.outcome).toBeUndefined();
    expect(fold([...events.slice(1), events[0]!], facts).state.outcome?.kind).toBe('completed');
  });

  it('decides "failed" with the step and Personalize\'s reason when an import fails', async () => {
    const plan = seedPlan(await seedExampleText(), 'recops-data');
    const failedJob = plan.datasets.find((d) => d.type === 'USERS')?.importJob?.jobName ?? '';
    const events = successfulRun(plan, 'run-1', { failImportOf: failedJob }).filter(
      (e) => !String(e['detail-type']).startsWith('Solution') && !String(e['detail-type']).startsWith('Filter'),
    );
    const { state } = fold(events, await factsOf(events, runDocument(plan, 'run-1')));
    expect(state.outcome).toMatchObject({
      kind: 'failed',
      step: 'import',
      resourceKind: 'datasetImportJob',
      reason: `Dataset Import Job ${failedJob} ended CREATE FAILED: Input data has fewer than 1000 records`,
    });
  });
});

describe('Function: applyFact, the deploy half', () => {
  it('completes with a rejected version as a decided goal: its campaign keeps its version, its batch job still runs', async () => {
    const plan = seedPlan(await seedExampleText(), 'recops-data');
    const events = successfulRun(plan, 'run-1', { rejectSolution: 'user-personalization-solution' });
    const { state, decisions } = fold(events, await factsOf(events, runDocument(plan, 'run-1')));
    expect(decisions).toBe(1);
    expect(state.outcome?.kind).toBe('completed');
    expect(state.decisions?.['user-personalization-solution']).toMatchObject({ outcome: 'rejected', candidate: 0.25, baseline: 0.298 });
    expect(state.deployments).toBeUndefined();
  });

  it("does not complete while a promoted solution's campaign is not deployed or a batch output is not ready", async () => {
    const plan = seedPlan(await seedExampleText(), 'recops-data');
    const events = successfulRun(plan, 'run-1');
    const facts = await factsOf(events, runDocument(plan, 'run-1'));
    for (const missing of ['Campaign Deployed', 'Batch Output Ready', 'Solution Version Promoted']) {
      const { state } = fold(
        events.filter((e) => e['detail-type'] !== missing),
        facts,
      );
      expect(state.outcome, missing).toBeUndefined();
    }
  });

  it('derives the goals of each scope from the plan', async () => {
    const plan = seedPlan(await seedExampleText(), 'recops-data');
    const job = plan.solutions[2]!.batchInferenceJobs[0]!;
    expect(goalsOf(runDocument(plan, 'r', { kind: 'import' }))).toEqual(
      plan.datasets.map((d) => ({ kind: 'datasetImportJob', name: d.importJob!.jobName })),
    );
    expect(
      goalsOf(runDocument(plan, 'r', { kind: 'retrain', solutionName: 'user-personalization-solution', trainingMode: 'UPDATE' })),
    ).toEqual([
      { kind: 'solutionVersion', name: 'user-personalization-solution' },
      { kind: 'decision', name: 'user-personalization-solution' },
      { kind: 'deployment', name: plan.solutions[2]!.campaigns[0]!.name, solution: 'user-personalization-solution' },
      { kind: 'batchOutput', name: job.jobNameBase, jobKind: 'batchInferenceJob', solution: 'user-personalization-solution' },
    ]);
    expect(
      goalsOf(
        runDocument(plan, 'r', {
          kind: 'batch',
          solutionName: 'user-personalization-solution',
          jobKind: 'batchInferenceJob',
          jobIndex: 0,
          jobNameBase: job.jobNameBase,
        }),
      ),
    ).toEqual([{ kind: 'batchOutput', name: job.jobNameBase, jobKind: 'batchInferenceJob', solution: 'user-personalization-solution' }]);
    const groupOnly = { ...plan, datasets: [], eventTracker: undefined, filters: [], solutions: [], recommenders: [] };
    expect(goalsOf(runDocument(groupOnly, 'r'))).toEqual([{ kind: 'datasetGroup', name: 'dataset-group-name-1' }]);
  });
});

describe('Function: goalNameOf', () => {
  it('returns the solution name for a solution version ARN', () => {
    expect(goalNameOf('solutionVersion', 'arn:aws:personalize:us-east-1:000000000000:solution/sims/1a2b3c4d')).toBe('sims');
    expect(goalNameOf('recommender', 'arn:aws:personalize:us-east-1:000000000000:recommender/top-picks')).toBe('top-picks');
  });
});
