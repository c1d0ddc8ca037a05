import {
  CreateCampaignCommand,
  CreateDatasetImportJobCommand,
  CreateEventTrackerCommand,
  CreateFilterCommand,
  CreateSolutionCommand,
  DeleteDatasetCommand,
  DescribeEventTrackerCommand,
} from '@aws-sdk/client-personalize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalPersonalize } from '../../../packages/local/src/personalize';
import type { WireRequest } from '../../../packages/local/src/wire';
import { FakeEngine } from './fake-engine';
import { errorName, type Harness, startHarness, waitFor } from './harness';
import { activeDataset, activeDatasetGroup, activeSolution, trainedVersion } from './setup';

const signed = (service: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
});

describe('Personalize wire: routing and protocol shapes', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ quotas: { campaignsPerDatasetGroup: 1 } });
  });
  afterEach(async () => {
    await h.close();
  });

  it('answers an unknown X-Amz-Target with UnknownOperationException in the JSON 1.1 shape', async () => {
    const response = await fetch(h.endpoint, {
      method: 'POST',
      headers: { ...signed('personalize'), 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonPersonalize.DoSomething' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('answers events operations with 200 and an empty body, and errors with x-amzn-errortype', async () => {
    const datasetGroupArn = await activeDatasetGroup(h.personalize, 'wire');
    const { eventTrackerArn, trackingId } = await h.personalize.send(new CreateEventTrackerCommand({ name: 'wire', datasetGroupArn }));
    await waitFor(
      () => h.personalize.send(new DescribeEventTrackerCommand({ eventTrackerArn })),
      (out) => out.eventTracker?.status === 'ACTIVE',
    );
    const post = (body: unknown) =>
      fetch(`${h.endpoint}/events`, {
        method: 'POST',
        headers: { ...signed('personalize'), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await post({ trackingId, sessionId: 's', eventList: [{ eventType: 'click', sentAt: 1_700_000_000 }] });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('');
    const missing = await post({ trackingId: 'none', sessionId: 's', eventList: [{ eventType: 'click', sentAt: 1 }] });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(await missing.json()).toMatchObject({ __type: 'ResourceNotFoundException' });
  });

  it('owns requests signed for personalize and leaves S3 requests to S3, even on /events', async () => {
    const service = await createLocalPersonalize({ engine: new FakeEngine(), stepDelayMs: 0 });
    const request = (signingName: string | undefined, target?: string): WireRequest => ({
      method: 'POST',
      path: '/events',
      rawPath: '/events',
      query: new URLSearchParams(),
      headers: {},
      body: Buffer.alloc(0),
      signingName,
      target,
    });
    expect(service.wire.matches(request('personalize'))).toBe(true);
    expect(service.wire.matches(request('s3'))).toBe(false);
    expect(service.wire.matches(request(undefined, 'AmazonPersonalize.ListSchemas'))).toBe(true);
    expect(service.wire.matches(request(undefined, 'AmazonSQS.SendMessage'))).toBe(false);
    await service.close();
  });

  it('applies adjusted quotas: a second campaign in the group is LimitExceededException', async () => {
    const { solutionVersionArn } = await trainedVersion(h.personalize, 'quota');
    await h.personalize.send(new CreateCampaignCommand({ name: 'one', solutionVersionArn }));
    const second = h.personalize.send(new CreateCampaignCommand({ name: 'two', solutionVersionArn }));
    await expect(second).rejects.toMatchObject({
      name: 'LimitExceededException',
      message: 'Cannot create a campaign. More than 1 resources in ACTIVE state. Please delete some and try again.',
    });
  });

  it('applies per-dataset-group quotas: a second filter or solution in the group is LimitExceededException naming the group', async () => {
    const quota = await startHarness({ quotas: { filtersPerDatasetGroup: 1, solutionsPerDatasetGroup: 1 } });
    try {
      const datasetGroupArn = await activeDatasetGroup(quota.personalize, 'full');
      await activeDataset(quota.personalize, datasetGroupArn, 'interactions');
      const filterExpression = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")';
      await quota.personalize.send(new CreateFilterCommand({ name: 'one', datasetGroupArn, filterExpression }));
      await expect(
        quota.personalize.send(new CreateFilterCommand({ name: 'two', datasetGroupArn, filterExpression })),
      ).rejects.toMatchObject({
        name: 'LimitExceededException',
        message: `Cannot create a filter. More than 1 filters exist in dataset group ${datasetGroupArn}.`,
      });
      await activeSolution(quota.personalize, datasetGroupArn, 'one');
      const recipeArn = 'arn:aws:personalize:::recipe/aws-user-personalization';
      await expect(quota.personalize.send(new CreateSolutionCommand({ name: 'two', datasetGroupArn, recipeArn }))).rejects.toMatchObject({
        name: 'LimitExceededException',
        message: `Cannot create a solution. More than 1 solutions exist in dataset group ${datasetGroupArn}.`,
      });
      // Another group has room of its own.
      const otherGroupArn = await activeDatasetGroup(quota.personalize, 'other');
      await activeDataset(quota.personalize, otherGroupArn, 'interactions');
      await quota.personalize.send(new CreateFilterCommand({ name: 'three', datasetGroupArn: otherGroupArn, filterExpression }));
    } finally {
      await quota.close();
    }
  });

  it('refuses to delete a dataset with a pending import job', async () => {
    const release = h.engine.hold('importDataset');
    const datasetGroupArn = await activeDatasetGroup(h.personalize, 'busy');
    const datasetArn = await activeDataset(h.personalize, datasetGroupArn, 'interactions');
    await h.personalize.send(
      new CreateDatasetImportJobCommand({ jobName: 'busy', datasetArn, dataSource: { dataLocation: 's3://bucket/x.csv' } }),
    );
    expect(await errorName(h.personalize.send(new DeleteDatasetCommand({ datasetArn })))).toBe('ResourceInUseException');
    release();
  });
});
