import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import { eventMatches, queueNotifications } from '../../../packages/local/src/s3/configured-notifications';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('S3: notification configurations set through the API', () => {
  let dir: string;
  let cloud: LocalCloud;
  let s3: S3Client;
  let sqs: SQSClient;
  let queueUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recops-s3-notify-'));
    cloud = await createLocalCloud({ dataDir: dir });
    s3 = new S3Client({ endpoint: cloud.endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
    sqs = new SQSClient({ endpoint: cloud.endpoint, region: 'us-east-1', credentials });
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'uploads' }))).QueueUrl!;
    await s3.send(new CreateBucketCommand({ Bucket: 'notify-bucket' }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'notify-bucket',
        NotificationConfiguration: {
          QueueConfigurations: [
            {
              Id: 'csv-uploads',
              QueueArn: 'arn:aws:sqs:us-east-1:000000000000:uploads',
              Events: ['s3:ObjectCreated:*'],
              Filter: {
                Key: {
                  FilterRules: [
                    { Name: 'prefix', Value: 'in/' },
                    { Name: 'suffix', Value: '.csv' },
                  ],
                },
              },
            },
          ],
        },
      }),
    );
  });

  afterAll(async () => {
    s3.destroy();
    sqs.destroy();
    await cloud.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends matching ObjectCreated records to the configured queue, and nothing for other keys', async () => {
    for (const key of ['in/a b.csv', 'in/a.txt', 'out/b.csv']) {
      await s3.send(new PutObjectCommand({ Bucket: 'notify-bucket', Key: key, Body: 'x' }));
    }
    await cloud.s3.notificationsSettled();
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const records = (received.Messages ?? []).flatMap((message) => (JSON.parse(message.Body!) as S3Event).Records);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      eventSource: 'aws:s3',
      eventName: 'ObjectCreated:Put',
      s3: { configurationId: 'csv-uploads', bucket: { name: 'notify-bucket' }, object: { key: 'in/a+b.csv', size: 1 } },
    });
  });
});

describe('Function: queueNotifications', () => {
  it('returns no destinations without a configuration and reads rule names in any case', () => {
    expect(queueNotifications(undefined)).toEqual([]);
    const xml =
      '<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:us-east-1:000000000000:q</Queue>' +
      '<Event>s3:ObjectCreated:Put</Event><Filter><S3Key><FilterRule><Name>Suffix</Name><Value>.csv</Value></FilterRule></S3Key></Filter>' +
      '</QueueConfiguration></NotificationConfiguration>';
    expect(queueNotifications(xml)).toEqual([
      { queueArn: 'arn:aws:sqs:us-east-1:000000000000:q', events: ['s3:ObjectCreated:Put'], suffix: '.csv' },
    ]);
  });

  it('matches s3:ObjectCreated:* against every ObjectCreated event and exact names only otherwise', () => {
    expect(eventMatches('s3:ObjectCreated:*', 'ObjectCreated:CompleteMultipartUpload')).toBe(true);
    expect(eventMatches('s3:ObjectCreated:Put', 'ObjectCreated:Put')).toBe(true);
    expect(eventMatches('s3:ObjectCreated:Put', 'ObjectCreated:Copy')).toBe(false);
  });
});
