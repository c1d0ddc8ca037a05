import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, messageEventType, serviceName, timestamp } from './fields';
import { EVENT_SOURCE } from './sources';

/**
 * A dead-lettered message came back (a redrive of its DLQ) and its service handled it. The run
 * tracker completes a run failed by dead letters once each of them is recovered and every goal of
 * the run is met.
 */
export const messageRecovered = defineEvent({
  name: 'message-recovered',
  source: EVENT_SOURCE.pipeline,
  detailType: 'Message Recovered',
  version: 1,
  description: 'A dead-lettered message was redriven and its service handled it; a run failed by dead letters may now complete.',
  detail: z.object({
    ...baseDetail,
    service: serviceName,
    eventType: messageEventType,
    /** The message as first dead-lettered (Message Dead-Lettered's `messageId`). */
    messageId: z.string().min(1).max(128),
    recoveredAt: timestamp,
  }),
});
