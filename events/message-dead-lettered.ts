import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, failureReason, messageEventType, serviceName, timestamp } from './fields';
import { PIPELINE_STEP, type PipelineStep } from './pipeline-failed';
import { EVENT_SOURCE } from './sources';

/**
 * A message its service gave up on is in the service's DLQ: its retries ran out, or the failure
 * cannot heal (AccessDenied, an unparseable event). The DLQ copy carries the same reason as the
 * message attribute `recops.failure-reason`. The run tracker fails the run with it; a redrive of
 * the DLQ after the fault is fixed can still complete the run (Pipeline Completed follows the
 * Pipeline Failed).
 */
export const messageDeadLettered = defineEvent({
  name: 'message-dead-lettered',
  source: EVENT_SOURCE.pipeline,
  detailType: 'Message Dead-Lettered',
  version: 1,
  description:
    "A service gave up on a message and put it in its DLQ with the reason; the run tracker fails the message's run (a later redrive may still complete it).",
  detail: z.object({
    ...baseDetail,
    service: serviceName,
    step: z.enum(Object.values(PIPELINE_STEP) as [PipelineStep, ...PipelineStep[]]),
    eventType: messageEventType,
    /** The message as first dead-lettered (kept across redrives as the attribute `recops.message-id`). */
    messageId: z.string().min(1).max(128),
    /** Deliveries the message had. */
    attempts: z.number().int().min(1),
    reason: failureReason,
    errorName: z.string().min(1).max(128).optional(),
    /** Why it was dead-lettered: retries ran out, or the failure cannot heal. */
    cause: z.enum(['retries-exhausted', 'permanent']),
    /** The DLQ holding the copy (redrive it to the service's queue once the fault is fixed). */
    deadLetterQueueUrl: z.string().min(1).max(1024),
    deadLetteredAt: timestamp,
  }),
});
