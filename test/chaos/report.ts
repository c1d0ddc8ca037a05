/** The chaos suite's figures as text, and what makes a chaos run fail. */
import type { ChaosReport } from './harness';

/** The figures; the last six lines are runs, completed, failed-with-reason, lost, duplicates, redriven. */
export function formatChaosReport(report: ChaosReport): string {
  const faults = Object.entries(report.faults)
    .sort()
    .map(([fault, count]) => `${fault} ${count}`)
    .join(', ');
  const lines = [
    `seed: ${report.seed}; wall: ${report.wallSeconds} s`,
    `faults injected: ${faults || 'none'}`,
    `kill -9 right after an acknowledged upload: ${report.kills.afterUpload}; process exits after a receive, before the delete: ${report.kills.afterReceive}`,
    `failed without a reason: ${report.failedWithoutReason}; stuck (no outcome): ${report.stuck}`,
    `runs that ended twice or started twice: ${report.duplicateOutcomes.length}${report.duplicateOutcomes.length ? ` (${report.duplicateOutcomes.join('; ')})` : ''}`,
    `poison runs: ${report.poisonRuns}; dead-lettered: ${report.poisonDeadLettered}; with a reason attribute: ${report.poisonWithReason}; failed with a reason before the redrive: ${report.poisonFailedWithReason}`,
    `other dead letters: ${report.otherDeadLetters.length}${report.otherDeadLetters.length ? ` (${report.otherDeadLetters.map((d) => `${d.queue}: ${d.detailType} ${d.runId ?? ''}: ${d.reason ?? 'no reason attribute'}`).join('; ')})` : ''}`,
    ...report.duplicates.map((d) => `duplicate: ${d}`),
    `runs: ${report.runs}`,
    `completed: ${report.completed}`,
    `failed-with-reason: ${report.failedWithReason}`,
    `lost: ${report.lost + report.stuck}`,
    `duplicates: ${report.duplicates.length}`,
    `redriven: ${report.redriven}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Why the run fails the suite; empty when it passes. */
export function chaosVerdict(report: ChaosReport): string[] {
  const problems: string[] = [];
  if (report.lost > 0) problems.push(`${report.lost} action(s) started no run`);
  if (report.stuck > 0) problems.push(`${report.stuck} run(s) never ended`);
  if (report.failedWithoutReason > 0) problems.push(`${report.failedWithoutReason} run(s) failed without a reason`);
  if (report.completed + report.failedWithReason !== report.runs) problems.push('not every run ended Completed or Failed with a reason');
  if (report.duplicates.length > 0) problems.push(`${report.duplicates.length} duplicate(s) in Personalize`);
  // A run's own outcome counts once: ending twice (failed by a dead letter, then completed) is a finding too.
  if (report.duplicateOutcomes.length > 0) problems.push(`${report.duplicateOutcomes.length} run(s) started or ended twice`);
  // With the suite's throw rate, an innocent message failing every receive is a one-in-millions event: a cause to find.
  if (report.otherDeadLetters.length > 0) problems.push(`${report.otherDeadLetters.length} dead letter(s) of runs that were not poisoned`);
  if (report.poisonDeadLettered !== report.poisonRuns)
    problems.push(`${report.poisonRuns - report.poisonDeadLettered} poison run(s) not in the DLQ`);
  if (report.poisonWithReason !== report.poisonRuns)
    problems.push(`${report.poisonRuns - report.poisonWithReason} poison message(s) without their reason`);
  if (report.redriven !== report.poisonRuns)
    problems.push(`${report.poisonRuns - report.redriven} poison run(s) not completed by the redrive`);
  return problems;
}
