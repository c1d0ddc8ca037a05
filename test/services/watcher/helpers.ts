import { randomUUID } from 'node:crypto';
import type { Context, SQSRecord } from 'aws-lambda';
import { sqsRecord } from '../../runtime/fixtures';

export { sqsRecord };

export const ARN = 'arn:aws:personalize:us-east-1:000000000000';

/** An SQS record whose body is an EventBridge event, as a bus rule delivers it to a queue. */
export function busRecord(source: string, detailType: string, detail: unknown, receiveCount = 1): SQSRecord {
  return sqsRecord(
    JSON.stringify({ version: '0', id: randomUUID(), source, 'detail-type': detailType, time: new Date().toISOString(), detail }),
    receiveCount,
  );
}

export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test',
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export const RUNTIME_TEST_ENV = {
  RECOPS_STAGE: 'test',
  RECOPS_BUS_NAME: 'recops-test',
  RECOPS_BUCKET_NAME: 'recops-data',
  RECOPS_QUEUE_URL: 'http://127.0.0.1:1/000000000000/watcher',
  RECOPS_PERSONALIZE_ROLE_ARN: 'arn:aws:iam::000000000000:role/personalize',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
} as const;
