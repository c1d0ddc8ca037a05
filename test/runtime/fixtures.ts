/** Shared test doubles for runtime and service tests: a fake Lambda context and SQS records. */
import { randomUUID } from 'node:crypto';
import type { Context, SQSRecord } from 'aws-lambda';

export const fakeContext: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'recops-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:recops-test',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/recops-test',
  logStreamName: 'stream',
  // No getRemainingTimeInMillis: middy then skips its early-timeout timer (tests need none).
  getRemainingTimeInMillis: undefined as unknown as () => number,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

export function sqsRecord(body: unknown, receiveCount = 1): SQSRecord {
  return {
    messageId: randomUUID(),
    receiptHandle: randomUUID(),
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:recops-test',
    awsRegion: 'us-east-1',
  };
}

export const RUNTIME_TEST_ENV = {
  RECOPS_STAGE: 'test',
  RECOPS_BUS_NAME: 'recops-test-bus',
  RECOPS_BUCKET_NAME: 'recops-test-bucket',
  RECOPS_QUEUE_URL: 'http://127.0.0.1:1/000000000000/recops-test',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
} as const;
