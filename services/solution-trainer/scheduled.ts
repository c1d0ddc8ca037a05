import { GetObjectCommand } from '@aws-sdk/client-s3';
import { runStampOf, type TrainingMode } from '@recops/core';
import {
  PermanentOpsError,
  RetryableOpsError,
  findDatasetGroup,
  findSolution,
  resolveParameterFileText,
  toOpsError,
} from '@recops/core/ops';
import { guard, trainVersion, type RunRef, type TrainReport, type TrainerDependencies } from './train';

interface TrainingSchedule extends RunRef {
  /** `full` or `update`, the schedule's kind. */
  readonly kind: 'full' | 'update';
  readonly solutionName?: string;
  /** The parameter file the schedule was created from. */
  readonly config: { readonly bucket: string; readonly key: string };
  readonly firedAt: string;
}

const TRAINING_MODE: Record<TrainingSchedule['kind'], TrainingMode> = { full: 'FULL', update: 'UPDATE' };

/**
 * Schedule Fired {kind: full|update}: one new version of an existing, ACTIVE solution, trained in
 * the schedule's mode. The version name carries the fire time, so a redelivered event reuses it.
 */
async function onTrainingScheduled(schedule: TrainingSchedule, deps: TrainerDependencies): Promise<TrainReport> {
  const report: TrainReport = { waitingFor: [], created: [], reused: [], watched: [], warnings: [] };
  return guard(schedule, deps, report, 'solutionVersion', async () => {
    const firedAt = new Date(schedule.firedAt);
    const where = `s3://${schedule.config.bucket}/${schedule.config.key}`;
    let text: string;
    try {
      const response = await deps.s3.send(new GetObjectCommand({ Bucket: schedule.config.bucket, Key: schedule.config.key }));
      text = (await response.Body?.transformToString('utf-8')) ?? '';
    } catch (error) {
      throw toOpsError(error, `GetObject ${where}`);
    }
    const plan = resolveParameterFileText(text, where, {
      bucket: schedule.config.bucket,
      configKey: schedule.config.key,
      runStamp: runStampOf(firedAt),
    });
    const solution = plan.solutions.find((s) => s.name === schedule.solutionName);
    if (solution === undefined) {
      throw new PermanentOpsError(`schedule names solution "${schedule.solutionName ?? ''}", which ${where} does not define`);
    }
    const group = await findDatasetGroup(deps.personalize, plan.datasetGroup.name);
    const existing = group?.datasetGroupArn === undefined ? undefined : await findSolution(deps.personalize, group.datasetGroupArn, solution.name);
    if (existing?.solutionArn === undefined) {
      throw new PermanentOpsError(`solution "${solution.name}" does not exist yet; upload the parameter file to create it before its schedule fires`);
    }
    // Solutions settle within minutes; the queue's backoff covers an update in flight.
    if (existing.status !== 'ACTIVE') throw new RetryableOpsError(`solution "${solution.name}" is ${existing.status ?? 'UNKNOWN'}, not ACTIVE yet`);
    await trainVersion(schedule, solution, existing.solutionArn, firedAt, TRAINING_MODE[schedule.kind], deps, report);
    return report;
  });
}

export { onTrainingScheduled };
export type { TrainingSchedule };
