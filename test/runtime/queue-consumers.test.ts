/**
 * Issue 6: every queue consumer of the manifest answers SQS with a partial batch response, so a bad
 * record returns alone to its queue (and reaches the DLQ after maxReceiveCount) while the others are
 * deleted. Checked on the handler module the manifest names, not on a service's own logic.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SERVICES } from '@recops/services/manifest';
import { sqsRecord } from './fixtures';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
});

const ENV = {
  RECOPS_STAGE: 'test',
  RECOPS_BUS_NAME: 'recops-test',
  RECOPS_BUCKET_NAME: 'recops-data',
  RECOPS_QUEUE_URL: 'http://127.0.0.1:1/000000000000/queue',
  RECOPS_PERSONALIZE_ROLE_ARN: 'arn:aws:iam::000000000000:role/personalize',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
} as const;

const mocks = [mockClient(PersonalizeClient), mockClient(EventBridgeClient), mockClient(S3Client), mockClient(SQSClient)];

const CONTEXT = { awsRequestId: 'req', functionName: 'test', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

type SqsMain = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

async function handlerOf(handlerPath: string): Promise<SqsMain> {
  const [file, exported] = [handlerPath.slice(0, handlerPath.lastIndexOf('.')), handlerPath.slice(handlerPath.lastIndexOf('.') + 1)];
  const module = (await import(join(import.meta.dirname, '..', '..', `${file}.ts`))) as Record<string, SqsMain>;
  const main = module[exported];
  if (typeof main !== 'function') throw new Error(`${handlerPath} exports no function ${exported}`);
  return main;
}

const consumers = SERVICES.filter((s) => s.queue !== undefined);

describe('Handler: every queue consumer of the manifest', () => {
  beforeEach(() => {
    for (const [name, value] of Object.entries(ENV)) vi.stubEnv(name, value);
    for (const mock of mocks) mock.reset();
  });
  afterEach(() => vi.unstubAllEnvs());

  it('has queue consumers to check', () => {
    expect(consumers.map((s) => s.name)).toEqual(
      expect.arrayContaining(['dataset-provisioner', 'status-watcher', 'solution-trainer', 'run-tracker']),
    );
  });

  it.each(consumers.map((s) => [s.name, s.handler] as const))(
    '%s returns each bad record as a batch item failure, and an empty list for an empty batch',
    async (_name, handlerPath) => {
      // Prepare: a body that is not JSON, and a bus event of a type no service subscribes to.
      const main = await handlerOf(handlerPath);
      const notJson = sqsRecord('{not json');
      const unknown = sqsRecord(
        JSON.stringify({
          version: '0',
          id: randomUUID(),
          source: 'elsewhere',
          'detail-type': 'Nothing',
          time: new Date().toISOString(),
          detail: {},
        }),
      );

      // Act
      const response = await main({ Records: [notJson, unknown] }, CONTEXT);
      const empty = await main({ Records: [] }, CONTEXT);

      // Assess: the batch is answered record by record, never thrown as a whole.
      expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([notJson.messageId, unknown.messageId].sort());
      expect(empty).toEqual({ batchItemFailures: [] });
      expect(mocks[0]?.calls()).toHaveLength(0);
    },
  );
});
