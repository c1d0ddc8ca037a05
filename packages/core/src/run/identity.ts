/**
 * Run identity: one id, one stamp and one start time per run, derived the same way for every
 * trigger. The id is `<run stamp>-<hash of what started the run>`: a redelivered trigger (the same
 * S3 write, the same Scheduler execution) yields the same id, stamp and start time, hence the same
 * resource names, and creates nothing twice; ids sort by start time.
 */
import { createHash } from 'node:crypto';
import { runStampOf } from '../names';

export interface RunIdentity {
  /** Identifies the run from its trigger to Pipeline Completed/Failed (a Personalize name). */
  readonly id: string;
  /** `YYYY_MM_DD_HH_MM_SS` (UTC) of `startedAt`: what per-run resource names carry. */
  readonly stamp: string;
  /** ISO 8601: the upload's S3 event time, or the schedule's fire time. */
  readonly startedAt: string;
}

/** One write of a parameter file, as its S3 notification describes it. */
export interface ParameterFileWrite {
  readonly bucket: string;
  readonly key: string;
  /** Orders writes to one key; equal for duplicate deliveries of one write. */
  readonly sequencer?: string | undefined;
  readonly eTag?: string | undefined;
  readonly eventTime: Date;
}

/** One firing of a schedule, as Schedule Fired describes it. */
export interface ScheduleFiring {
  readonly scheduleName: string;
  /** The Scheduler execution id (Schedule Fired's `runId`); equal for duplicate deliveries of one firing. */
  readonly executionId: string;
  readonly firedAt: string;
}

/** The run an upload starts. */
export function uploadRunIdentity(write: ParameterFileWrite): RunIdentity {
  const what = `${write.bucket}/${write.key}#${write.sequencer ?? write.eTag ?? write.eventTime.toISOString()}`;
  return identityOf(write.eventTime, what);
}

/** The run a schedule's firing starts. */
export function scheduledRunIdentity(firing: ScheduleFiring): RunIdentity {
  const firedAt = new Date(firing.firedAt);
  if (Number.isNaN(firedAt.getTime())) throw new RangeError(`firedAt "${firing.firedAt}" is not a date-time`);
  return identityOf(firedAt, `schedule:${firing.scheduleName}#${firing.executionId}`);
}

/** When the run started, as a Date. */
export function runStartOf(identity: Pick<RunIdentity, 'startedAt'>): Date {
  return new Date(identity.startedAt);
}

function identityOf(startedAt: Date, what: string): RunIdentity {
  const stamp = runStampOf(startedAt);
  const hash = createHash('sha256').update(what).digest('hex').slice(0, 8);
  return { id: `${stamp}-${hash}`, stamp, startedAt: startedAt.toISOString() };
}
