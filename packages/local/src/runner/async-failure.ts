/**
 * What Lambda sends to an asynchronous function's on-failure destination once its retries are spent
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html): the invocation
 * record, with the event under `requestPayload` and the last error under `responsePayload`. The local
 * runner sends the same body to the service's async DLQ, and adds the reason as message attributes
 * named like the ones the queue consumers' runtime puts on its dead letters (`recops.failure-reason`…);
 * on AWS the reason is in the body only.
 */
import { randomUUID } from 'node:crypto';
import type { S3Event } from 'aws-lambda';
import type { MessageAttributeValue } from '../sqs/md5';
import { ACCOUNT_ID, REGION } from '../wire';

/** SQS keeps message attributes short in practice; the whole message is in the body anyway. */
const MAX_REASON_CHARS = 1_000;

export interface AsyncFailure {
  /** The manifest service. */
  readonly service: string;
  /** Its function's name (locally `recops-<stage>-<service>`). */
  readonly functionName: string;
  readonly event: S3Event;
  /** Invocations made (the first one and Lambda's retries). */
  readonly attempts: number;
  /** The error of the last attempt. */
  readonly error: unknown;
  readonly failedAt: Date;
}

export interface AsyncFailureMessage {
  readonly body: string;
  readonly messageAttributes: Record<string, MessageAttributeValue>;
}

const errorName = (error: unknown): string => (error instanceof Error ? error.name : 'Error');
const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The on-failure destination record of an S3 event the function failed on `attempts` times. */
export function asyncFailureMessage(failure: AsyncFailure): AsyncFailureMessage {
  const reason = errorMessage(failure.error);
  const body = {
    version: '1.0',
    timestamp: failure.failedAt.toISOString(),
    requestContext: {
      requestId: randomUUID(),
      functionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${failure.functionName}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: failure.attempts,
    },
    requestPayload: failure.event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: {
      errorType: errorName(failure.error),
      errorMessage: reason,
      trace: failure.error instanceof Error && failure.error.stack ? failure.error.stack.split('\n') : [],
    },
  };
  const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
  return {
    body: JSON.stringify(body),
    messageAttributes: {
      'recops.failure-reason': text(
        reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 1)}…` : reason || 'no reason given',
      ),
      'recops.service': text(failure.service),
      'recops.attempts': { DataType: 'Number', StringValue: String(failure.attempts) },
      'recops.error-name': text(errorName(failure.error)),
    },
  };
}
