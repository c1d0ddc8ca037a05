import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pipelineRequested, findDefinition, STATUS_CHANGED_EVENTS, watchRequested } from '@recops/events';
import { goalsOf } from '../../../services/run-tracker/goals';
import { applyFact, emptyRunState, goalNameOf, type RunFact, type RunState } from '../../../services/run-tracker/state';
import { seedExampleText } from '../../e2e/support/data';
import { runDocument, seedPlan, successfulRun } from './run-events';
import type { PlannedRun } from '@recops/core';

/** Run documents by runId, where the tracker would read them from S3. */
const documents = new Map<string, PlannedRun>();

/** Facts as the tracker derives them, without S3. */
function factOf(event: Record<string, unknown>): RunFact {
  const definition = findDefinition(event);
  if (definition === pipelineRequested) {
    const d = pipelineRequested.parse(event);
    return { type: 'requested', at: d.startedAt, goals: goalsOf(documents.get(d.runId)!), config: d.config };
  }
  if (definition === watchRequested) {
    const d = watchRequested.parse(event);
    return { type: 'watching', at: d.requestedAt, kind: d.resourceKind, arn: d.resourceArn };
  }
  const status = STATUS_CHANGED_EVENTS.find((s) => s === definition);
  if (!status) throw new Error('unexpected event');
  const d = status.parse(event);
  return { type: 'status', at: d.observedAt, kind: d.resourceKind, arn: d.resourceArn, status: d.status, requestedAt: d.requestedAt, ...(d.failureReason ? { failureReason: d.failureReason } : {}) };
}

function fold(events: readonly Record<string, unknown>[]): { state: RunState; decisions: number } {
  let state = emptyRunState({ runId: 'run-1', datasetGroupName: 'dataset-group-name-1', stage: 'test' }, '2026-01-02T03:04:05.000Z');
  let decisions = 0;
  for (const event of events) {
    const next = applyFact(state, factOf(event), '2026-01-02T04:00:00.000Z');
    if (next.outcome && !state.outcome) decisions++;
    state = next;
  }
  return { state, decisions };
}

describe('Function: applyFact', () => {
  it('decides "completed" exactly once for any order and duplication of a successful run', async () => {
    const plan = seedPlan(await seedExampleText(), 'recops-data');
    documents.set('run-1', runDocument(plan, 'run-1'));
    const events = successfulRun(plan, 'run-1');
    const reference = fold(events).state;
    expect(reference.outcome?.kind).toBe('completed');
    fc.assert(
      fc.property(
        fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
        fc.array(fc.nat(events.length - 1), { maxLength: events.length }),
        (shuffled, duplicates) => {
          const delivered = [...shuffled];
          for (const i of duplicates) delivered.splice(i % (delivered.length + 1), 0, events[i]!);
          const { state, decisions } = fold(delivered);
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
    documents.set('run-1', runDocument(plan, 'run-1'));
    const events = successfulRun(plan, 'run-1');
    const { state } = fold(events.slice(1));
    expect(state.outcome).toBeUndefined();
    expect(fold([...events.slice(1), events[0]!]).state.outcome?.kind).toBe('completed');
  });

  it('decides "failed" with the step and Personalize\'s reason when an import fails', async () => {
    const plan = seedPlan(await seedExampleText(), 'recops-data');
    documents.set('run-1', runDocument(plan, 'run-1'));
    const failedJob = plan.datasets.find((d) => d.type === 'USERS')?.importJob?.jobName ?? '';
    const events = successfulRun(plan, 'run-1', { failImportOf: failedJob }).filter(
      (e) => !String(e['detail-type']).startsWith('Solution') && !String(e['detail-type']).startsWith('Filter'),
    );
    const { state } = fold(events);
    expect(state.outcome).toMatchObject({
      kind: 'failed',
      step: 'import',
      resourceKind: 'datasetImportJob',
      reason: `Dataset Import Job ${failedJob} ended CREATE FAILED: Input data has fewer than 1000 records`,
    });
  });
});

describe('Function: goalNameOf', () => {
  it('returns the solution name for a solution version ARN', () => {
    expect(goalNameOf('solutionVersion', 'arn:aws:personalize:us-east-1:000000000000:solution/sims/1a2b3c4d')).toBe('sims');
    expect(goalNameOf('recommender', 'arn:aws:personalize:us-east-1:000000000000:recommender/top-picks')).toBe('top-picks');
  });
});
