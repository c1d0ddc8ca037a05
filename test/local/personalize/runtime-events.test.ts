import {
  CreateEventTrackerCommand,
  CreateFilterCommand,
  CreateRecommenderCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
  DescribeRecommenderCommand,
  StopRecommenderCommand,
} from '@aws-sdk/client-personalize';
import { PutEventsCommand, PutItemsCommand, PutUsersCommand } from '@aws-sdk/client-personalize-events';
import {
  GetActionRecommendationsCommand,
  GetPersonalizedRankingCommand,
  GetRecommendationsCommand,
} from '@aws-sdk/client-personalize-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionEvent, RankInput, RecommendInput } from '@recops/engine';
import { errorName, type Harness, startHarness, waitFor } from './harness';
import { activeCampaign, activeDataset, activeDatasetGroup, activeSolution, settledVersion, trainedVersion } from './setup';

describe('Personalize runtime and events over REST', () => {
  let h: Harness;
  let datasetGroupArn: string;
  let campaignArn: string;
  let rankingCampaignArn: string;
  let filterArn: string;
  let trackingId: string;
  let itemsArn: string;
  let usersArn: string;

  beforeAll(async () => {
    h = await startHarness();
    const trained = await trainedVersion(h.personalize, 'rt');
    datasetGroupArn = trained.datasetGroupArn;
    campaignArn = await activeCampaign(h.personalize, trained.solutionVersionArn, 'rt');
    const ranking = await activeSolution(h.personalize, datasetGroupArn, 'rank', 'aws-personalized-ranking');
    const rankingVersion = await settledVersion(h.personalize, ranking);
    rankingCampaignArn = await activeCampaign(h.personalize, rankingVersion.solutionVersionArn as string, 'rank');
    const filter = await h.personalize.send(
      new CreateFilterCommand({ name: 'genre', datasetGroupArn, filterExpression: 'INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)' }),
    );
    filterArn = filter.filterArn as string;
    await waitFor(
      () => h.personalize.send(new DescribeFilterCommand({ filterArn })),
      (out) => out.filter?.status === 'ACTIVE',
    );
    const tracker = await h.personalize.send(new CreateEventTrackerCommand({ name: 'tracker', datasetGroupArn }));
    trackingId = tracker.trackingId as string;
    await waitFor(
      () => h.personalize.send(new DescribeEventTrackerCommand({ eventTrackerArn: tracker.eventTrackerArn })),
      (out) => out.eventTracker?.status === 'ACTIVE',
    );
    itemsArn = await activeDataset(h.personalize, datasetGroupArn, 'items');
    usersArn = await activeDataset(h.personalize, datasetGroupArn, 'users');
  });
  afterAll(async () => {
    await h.close();
  });

  it('returns recommendations with scores and a recommendationId, passing filter and context to the engine', async () => {
    const out = await h.runtime.send(
      new GetRecommendationsCommand({
        campaignArn,
        userId: 'u1',
        numResults: 3,
        filterArn,
        filterValues: { GENRE: '"Comedy"' },
        context: { DEVICE: 'mobile' },
      }),
    );
    expect(out.itemList).toEqual([
      { itemId: 'i1', score: 1 },
      { itemId: 'i2', score: 0.5 },
      { itemId: 'i3', score: 1 / 3 },
    ]);
    expect(out.recommendationId).toMatch(/^RID-/);
    const call = h.engine.callsOf('getRecommendations').at(-1) as RecommendInput;
    expect(call).toMatchObject({
      userId: 'u1',
      numResults: 3,
      context: { DEVICE: 'mobile' },
      filter: { filterArn, filterExpression: 'INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)', filterValues: { GENRE: '"Comedy"' } },
    });
    const defaults = await h.runtime.send(new GetRecommendationsCommand({ campaignArn, userId: 'u1' }));
    expect(defaults.itemList).toHaveLength(25);
  });

  it('answers bad runtime requests with InvalidInputException and unknown ARNs with ResourceNotFoundException', async () => {
    expect(await errorName(h.runtime.send(new GetRecommendationsCommand({ campaignArn, userId: 'u1', numResults: 501 })))).toBe(
      'InvalidInputException',
    );
    expect(await errorName(h.runtime.send(new GetRecommendationsCommand({ campaignArn })))).toBe('InvalidInputException');
    expect(await errorName(h.runtime.send(new GetRecommendationsCommand({ userId: 'u1' })))).toBe('InvalidInputException');
    expect(await errorName(h.runtime.send(new GetRecommendationsCommand({ campaignArn, userId: 'bad-user' })))).toBe(
      'InvalidInputException',
    );
    const missing = 'arn:aws:personalize:us-east-1:000000000000:campaign/none';
    expect(await errorName(h.runtime.send(new GetRecommendationsCommand({ campaignArn: missing, userId: 'u1' })))).toBe(
      'ResourceNotFoundException',
    );
    const noFilter = 'arn:aws:personalize:us-east-1:000000000000:filter/none';
    expect(await errorName(h.runtime.send(new GetRecommendationsCommand({ campaignArn, userId: 'u1', filterArn: noFilter })))).toBe(
      'ResourceNotFoundException',
    );
    expect(await errorName(h.runtime.send(new GetPersonalizedRankingCommand({ campaignArn, userId: 'u1', inputList: ['a'] })))).toBe(
      'InvalidInputException',
    );
    expect(await errorName(h.runtime.send(new GetActionRecommendationsCommand({ campaignArn, userId: 'u1' })))).toBe(
      'InvalidInputException',
    );
  });

  it('sends the error name in both the x-amzn-errortype header and the body __type', async () => {
    const response = await fetch(`${h.endpoint}/recommendations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/personalize/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify({ campaignArn: 'arn:aws:personalize:us-east-1:000000000000:campaign/none', userId: 'u1' }),
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(await response.json()).toMatchObject({ __type: 'ResourceNotFoundException', message: expect.stringContaining('campaign/none') });
  });

  it('ranks an input list for a user on a PERSONALIZED_RANKING campaign', async () => {
    const out = await h.runtime.send(
      new GetPersonalizedRankingCommand({ campaignArn: rankingCampaignArn, userId: 'u1', inputList: ['a', 'b', 'c'] }),
    );
    expect(out.personalizedRanking?.map((item) => item.itemId)).toEqual(['c', 'b', 'a']);
    expect(out.recommendationId).toMatch(/^RID-/);
    expect((h.engine.callsOf('getPersonalizedRanking').at(-1) as RankInput).inputList).toEqual(['a', 'b', 'c']);
    expect(await errorName(h.runtime.send(new GetRecommendationsCommand({ campaignArn: rankingCampaignArn, userId: 'u1' })))).toBe(
      'InvalidInputException',
    );
  });

  it('hands PutEvents to the engine for the tracker’s dataset group with properties parsed', async () => {
    await h.events.send(
      new PutEventsCommand({
        trackingId,
        sessionId: 's1',
        userId: 'u1',
        eventList: [
          {
            eventType: 'click',
            sentAt: new Date(1_700_000_000_500),
            itemId: 'i9',
            eventValue: 4.5,
            properties: { numberOfRatings: '12' },
            impression: ['i9', 'i8'],
            recommendationId: 'RID-1',
          },
        ],
      }),
    );
    const call = h.engine.callsOf('putEvents').at(-1) as { datasetGroupArn: string; events: InteractionEvent[] };
    expect(call.datasetGroupArn).toBe(datasetGroupArn);
    expect(call.events).toEqual([
      {
        sessionId: 's1',
        userId: 'u1',
        eventType: 'click',
        sentAt: 1_700_000_000.5,
        itemId: 'i9',
        eventValue: 4.5,
        properties: { numberOfRatings: '12' },
        impression: ['i9', 'i8'],
        recommendationId: 'RID-1',
      },
    ]);
  });

  it('rejects PutEvents with an unknown trackingId, too many events or reserved property keys', async () => {
    const event = { eventType: 'click', sentAt: new Date() };
    expect(await errorName(h.events.send(new PutEventsCommand({ trackingId: 'nope', sessionId: 's', eventList: [event] })))).toBe(
      'ResourceNotFoundException',
    );
    expect(
      await errorName(
        h.events.send(new PutEventsCommand({ trackingId, sessionId: 's', eventList: Array.from({ length: 11 }, () => event) })),
      ),
    ).toBe('InvalidInputException');
    expect(
      await errorName(
        h.events.send(
          new PutEventsCommand({ trackingId, sessionId: 's', eventList: [{ ...event, properties: JSON.stringify({ userId: 'x' }) }] }),
        ),
      ),
    ).toBe('InvalidInputException');
  });

  it('hands PutItems and PutUsers to the engine and checks the dataset type', async () => {
    await h.events.send(
      new PutItemsCommand({ datasetArn: itemsArn, items: [{ itemId: 'i100', properties: JSON.stringify({ genre: 'Comedy' }) }] }),
    );
    expect(h.engine.callsOf('putItems').at(-1)).toEqual({
      datasetArn: itemsArn,
      items: [{ itemId: 'i100', properties: { genre: 'Comedy' } }],
    });
    await h.events.send(new PutUsersCommand({ datasetArn: usersArn, users: [{ userId: 'u100' }] }));
    expect(h.engine.callsOf('putUsers').at(-1)).toEqual({ datasetArn: usersArn, users: [{ userId: 'u100' }] });
    expect(await errorName(h.events.send(new PutItemsCommand({ datasetArn: usersArn, items: [{ itemId: 'x' }] })))).toBe(
      'InvalidInputException',
    );
    const missing = 'arn:aws:personalize:us-east-1:000000000000:dataset/none/ITEMS';
    expect(await errorName(h.events.send(new PutItemsCommand({ datasetArn: missing, items: [{ itemId: 'x' }] })))).toBe(
      'ResourceNotFoundException',
    );
  });

  it('serves a recommender by its ARN and refuses it while stopped', async () => {
    const vod = await activeDatasetGroup(h.personalize, 'vod', 'VIDEO_ON_DEMAND');
    const { recommenderArn } = await h.personalize.send(
      new CreateRecommenderCommand({ name: 'picks', datasetGroupArn: vod, recipeArn: 'arn:aws:personalize:::recipe/aws-vod-top-picks' }),
    );
    await waitFor(
      () => h.personalize.send(new DescribeRecommenderCommand({ recommenderArn })),
      (out) => out.recommender?.status === 'ACTIVE',
    );
    const out = await h.runtime.send(new GetRecommendationsCommand({ recommenderArn, userId: 'u1', numResults: 2 }));
    expect(out.itemList?.map((item) => item.itemId)).toEqual(['i1', 'i2']);
    expect((h.engine.callsOf('getRecommendations').at(-1) as RecommendInput).solutionVersionArn).toBe(recommenderArn);
    expect(await errorName(h.runtime.send(new GetRecommendationsCommand({ recommenderArn, campaignArn, userId: 'u1' })))).toBe(
      'InvalidInputException',
    );
    await h.personalize.send(new StopRecommenderCommand({ recommenderArn }));
    await waitFor(
      () => h.personalize.send(new DescribeRecommenderCommand({ recommenderArn })),
      (o) => o.recommender?.status === 'INACTIVE',
    );
    expect(await errorName(h.runtime.send(new GetRecommendationsCommand({ recommenderArn, userId: 'u1' })))).toBe('InvalidInputException');
  });
});
