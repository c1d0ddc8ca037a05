/**
 * An upload config-intake fails on three times (Lambda's asynchronous invocation and its two
 * retries) is not lost: it waits in config-intake's async DLQ with the reason, across a restart of
 * the local cloud, and uploading the file again once the cause is gone starts the run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CopyObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createClients, type Clients } from '@recops/core/runtime';
import { createLocalCloud, type FaultOptions, type LocalCloud } from '@recops/local';
import { SERVICES } from '@recops/services/manifest';
import { generateSeedData, seedExampleText } from './support/data';

const CONFIG_KEY = 'train/dataset-group-name-1/config.json';
const destroy = (clients: Clients): void => {
  for (const client of Object.values(clients)) client.destroy();
};
const INTAKE = SERVICES.filter((service) => service.name === 'config-intake');

describe('config-intake: an upload that fails after the retries', () => {
  it('goes to the async DLQ with its reason, survives a restart, and the upload again starts the run', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'recops-upload-dlq-'));
    const start = async (faults: FaultOptions): Promise<{ cloud: LocalCloud; clients: Clients; bus: string[] }> => {
      const cloud = await createLocalCloud({ dataDir, manifest: INTAKE, faults, s3RetryDelaysMs: [10, 10] });
      const bus: string[] = [];
      cloud.eventLog.subscribe((entry) => {
        const event = (entry.data as { event?: { 'detail-type'?: string } }).event;
        if (entry.kind === 'bus.event' && event?.['detail-type']) bus.push(event['detail-type']);
      });
      return { cloud, clients: createClients({ endpoint: cloud.endpoint, region: cloud.region, env: {} }), bus };
    };
    let local = await start({ seed: 1, handlerThrowRate: 1, services: ['config-intake'] });
    try {
      const bucket = local.cloud.runner?.names.bucketName as string;
      const dlqName = local.cloud.runner?.names.asyncDeadLetterQueueName('config-intake') as string;
      expect(dlqName).toBe('recops-local-config-intake-async-dlq');
      const peek = async () => {
        const { QueueUrl } = await local.clients.sqs.send(new GetQueueUrlCommand({ QueueName: dlqName }));
        const received = await local.clients.sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, MessageAttributeNames: ['All'] }),
        );
        return received.Messages ?? [];
      };
      const data = generateSeedData();
      const put = (Key: string, Body: string) => local.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));
      await put('train/dataset-group-name-1/users.csv', data.usersCsv);
      await put('train/dataset-group-name-1/interactions.csv', data.interactionsCsv);
      await put(CONFIG_KEY, await seedExampleText());

      let letters = await peek();
      for (const deadline = Date.now() + 30_000; letters.length === 0 && Date.now() < deadline; letters = await peek()) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(letters).toHaveLength(1);
      const record = JSON.parse(letters[0]?.Body ?? '{}');
      expect(record.requestPayload.Records[0].s3.object.key).toBe(CONFIG_KEY);
      expect(record.requestContext).toMatchObject({ condition: 'RetriesExhausted', approximateInvokeCount: 3 });
      expect(letters[0]?.MessageAttributes?.['recops.failure-reason']?.StringValue).toMatch(/config-intake crashed/);
      expect(local.bus).toEqual([]);

      // Restart without the fault: the dead letter is still there, nothing ran meanwhile.
      destroy(local.clients);
      await local.cloud.close();
      local = await start({});
      expect((await peek()).map((message) => message.MessageId)).toEqual([letters[0]?.MessageId]);
      await local.cloud.s3.notificationsSettled();
      expect(local.bus).toEqual([]);

      // Upload the same file again (a copy onto itself, as `aws s3 cp s3://B/K s3://B/K --metadata-directive REPLACE` does).
      await local.clients.s3.send(
        new CopyObjectCommand({ Bucket: bucket, Key: CONFIG_KEY, CopySource: `${bucket}/${CONFIG_KEY}`, MetadataDirective: 'REPLACE' }),
      );
      await local.cloud.s3.notificationsSettled();
      expect(local.bus).toEqual(['Pipeline Requested']);
    } finally {
      destroy(local.clients);
      await local.cloud.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
