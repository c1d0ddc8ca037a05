import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, failureReason, messageEventType, serviceName, timestamp } from './fields';
import { PIPELINE_STEP, type PipelineStep } from './pipeline-failed';
import { EVENT_SOURCE } from './sources';

/**
 * A service returned a message to its queue with backoff because the failure may heal (throttling,
 * LimitExceeded, ResourceInUse, a resource not listed yet). One per failed delivery of a message:
 * at most once per backoff step. The message comes back at `nextAttemptAt`; after `maxAttempts`
 * deliveries it is dead-lettered instead (Message Dead-Lettered).
 */
export const stepRetrying = defineEvent({
  name: 'step-retrying',
  source: EVENT_SOURCE.pipeline,
  detailType: 'Step Retrying',
  version: 1,
  description: 'A failure that may heal is being retried with backoff: step, attempt, reason and the next attempt; once per backoff step.',
  detail: z.object({
    ...baseDetail,
    service: serviceName,
    step: z.enum(Object.values(PIPELINE_STEP) as [PipelineStep, ...PipelineStep[]]),
    eventType: messageEventType,
    /** The SQS message being retried. */
    messageId: z.string().min(1).max(128),
    /** The delivery that failed (1 on the first); the next one is `attempt + 1`. */
    attempt: z.number().int().min(1),
    /** Deliveries before the message is dead-lettered. */
    maxAttempts: z.number().int().min(1),
    reason: failureReason,
    /** The error's name (e.g. `ThrottlingException`, `LimitExceededException`). */
    errorName: z.string().min(1).max(128).optional(),
    delaySeconds: z.number().int().min(0),
    nextAttemptAt: timestamp,
    failedAt: timestamp,
  }),
});
