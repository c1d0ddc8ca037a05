/**
 * `recops status [RUN_ID]`: the runs of a stage (dataset group, trigger, start, duration, outcome),
 * newest first, or one run's steps, from the run tracker's records in the stage's bucket.
 */
import { seconds, table } from '../output';
import { resourceOfArn } from '../demo/timeline';
import { durationMs, type TrackedRun } from './state';

function outcomeOf(run: TrackedRun): string {
  if (!run.outcome) return 'running';
  return run.outcome.kind === 'completed' ? 'completed' : `failed at ${run.outcome.step ?? '?'}`;
}

function triggerOf(run: TrackedRun): string {
  return run.trigger ?? (run.config ? `upload s3://${run.config.bucket}/${run.config.key}` : '-');
}

export function formatRuns(runs: readonly TrackedRun[]): string[] {
  if (runs.length === 0) return ['No runs yet.'];
  return table([
    ['RUN', 'DATASET GROUP', 'STARTED', 'DURATION', 'OUTCOME', 'TRIGGER'],
    ...runs.map((run) => [
      run.runId,
      run.datasetGroupName,
      run.startedAt.replace('T', ' ').slice(0, 19),
      seconds(durationMs(run)),
      outcomeOf(run),
      triggerOf(run),
    ]),
  ]);
}

export function formatRun(run: TrackedRun): string[] {
  const lines = [
    `Run ${run.runId} of ${run.datasetGroupName}: ${outcomeOf(run)}`,
    `  trigger  ${triggerOf(run)}`,
    `  started  ${run.startedAt}`,
    `  took     ${seconds(durationMs(run))}${run.outcome ? '' : ' so far'}`,
  ];
  if (run.outcome?.reason) lines.push(`  reason   ${run.outcome.reason}`);
  for (const error of run.outcome?.errors ?? []) lines.push(`    ${error.path}: ${error.message}`);
  if (run.outcome?.afterFailure)
    lines.push(
      `  redriven failed at ${run.outcome.afterFailure.decidedAt}: ${run.outcome.afterFailure.reason ?? 'a dead-lettered message'}`,
    );
  // Retries still ahead only: once the run ended, they are history (recops log shows them).
  const retries = run.outcome ? [] : Object.entries(run.retries ?? {}).sort(([a], [b]) => a.localeCompare(b));
  for (const [service, retry] of retries) {
    lines.push(
      `  retrying ${service} (${retry.step}): attempt ${retry.attempt + 1} of ${retry.maxAttempts} at ${retry.nextAttemptAt} after: ${retry.reason}`,
    );
  }
  for (const [messageId, dead] of Object.entries(run.deadLetters ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const state = dead.recoveredAt ? `recovered at ${dead.recoveredAt}` : 'in its DLQ';
    lines.push(`  dead letter ${dead.service ?? '?'} message ${messageId}, ${state}: ${dead.reason ?? 'no reason recorded'}`);
  }
  const origin = Date.parse(run.startedAt);
  const steps = Object.entries(run.resources)
    .map(([arn, r]) => ({ arn, ...r, start: Date.parse(r.requestedAt ?? run.startedAt) }))
    .sort((a, b) => a.start - b.start);
  lines.push('', 'Steps:');
  lines.push(
    ...table([
      ['STEP', 'START', 'TOOK', 'STATUS'],
      ...steps.map((s) => [
        resourceOfArn(s.arn),
        `+${seconds(s.start - origin)}`,
        s.observedAt ? seconds(Date.parse(s.observedAt) - s.start) : '…',
        `${s.status}${s.failureReason ? ` (${s.failureReason})` : ''}`,
      ]),
    ]).map((l) => `  ${l}`),
  );
  return lines;
}
