/**
 * Scheduler context attributes: keywords in a target's `Input` that Scheduler replaces with values
 * of the invocation it is making (managing-schedule-context-attributes in the Scheduler user guide).
 * The replacement is textual, so a keyword may sit anywhere in the input, also inside a longer string.
 */
import { randomBytes } from 'node:crypto';

export const SCHEDULER_CONTEXT_ATTRIBUTE = {
  scheduleArn: '<aws.scheduler.schedule-arn>',
  scheduledTime: '<aws.scheduler.scheduled-time>',
  executionId: '<aws.scheduler.execution-id>',
  attemptNumber: '<aws.scheduler.attempt-number>',
} as const;

export interface InvocationContext {
  readonly scheduleArn: string;
  /** Epoch ms of the occurrence the schedule was set for (not when the timer actually ran). */
  readonly scheduledTime: number;
  readonly executionId: string;
  /** 1 for the first attempt; the local cloud delivers in process and does not retry. */
  readonly attemptNumber: number;
}

/**
 * A fresh id per invocation, shaped like Scheduler's (16 lowercase alphanumerics, e.g.
 * `d32c5kddcf5bb8c3`), so it also satisfies the Personalize name rule runIds follow.
 */
export const newExecutionId = (): string => randomBytes(8).toString('hex');

/** ISO 8601 UTC to the second, as Scheduler writes it (`2022-03-22T18:59:43Z`). */
export const scheduledTimeText = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

export function substituteContextAttributes(input: string, context: InvocationContext): string {
  return input
    .replaceAll(SCHEDULER_CONTEXT_ATTRIBUTE.scheduleArn, context.scheduleArn)
    .replaceAll(SCHEDULER_CONTEXT_ATTRIBUTE.scheduledTime, scheduledTimeText(context.scheduledTime))
    .replaceAll(SCHEDULER_CONTEXT_ATTRIBUTE.executionId, context.executionId)
    .replaceAll(SCHEDULER_CONTEXT_ATTRIBUTE.attemptNumber, String(context.attemptNumber));
}
