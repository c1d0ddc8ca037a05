import {
  CreateRecommenderCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  ListRecommendersCommand,
  ListSolutionVersionsCommand,
  ListSolutionsCommand,
  PersonalizeClient,
  StopSolutionVersionCreationCommand,
} from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ResourceFailedError, ResourceNotReadyError, ensureRecommender, ensureSolution, ensureSolutionVersion } from '@recops/core/ops';

const ARN = 'arn:aws:personalize:us-east-1:000000000000';
const SOLUTION = `${ARN}:solution/sims`;
const personalize = mockClient(PersonalizeClient);
const client = new PersonalizeClient({ region: 'us-east-1' });

beforeEach(() => personalize.reset());

describe('Operation: ensureSolutionVersion', () => {
  const spec = { solutionArn: SOLUTION, name: 'run-7f3a', trainingMode: 'FULL', tags: { 'recops:runId': '7f3a' } };

  it('creates one version named for the run when the solution is ACTIVE', async () => {
    // Prepare
    personalize
      .on(ListSolutionVersionsCommand)
      .resolvesOnce({ solutionVersions: [] })
      .resolves({ solutionVersions: [{ solutionVersionArn: `${SOLUTION}/aaaa0001` }] });
    personalize.on(DescribeSolutionCommand).resolves({ solution: { status: 'ACTIVE' } });
    personalize.on(CreateSolutionVersionCommand).resolves({ solutionVersionArn: `${SOLUTION}/aaaa0001` });
    personalize.on(DescribeSolutionVersionCommand).resolves({
      solutionVersion: { solutionVersionArn: `${SOLUTION}/aaaa0001`, name: 'run-7f3a', status: 'CREATE PENDING' },
    });

    // Act
    const result = await ensureSolutionVersion(client, spec);

    // Assess
    expect(result).toEqual({ arn: `${SOLUTION}/aaaa0001`, created: true, status: 'CREATE PENDING' });
    expect(personalize.commandCalls(CreateSolutionVersionCommand)[0]?.args[0].input).toEqual({
      solutionArn: SOLUTION,
      name: 'run-7f3a',
      trainingMode: 'FULL',
      tags: [{ tagKey: 'recops:runId', tagValue: '7f3a' }],
    });
  });

  it("describes each of the solution's other versions once, however often one call looks the name up", async () => {
    // Prepare: twenty versions of earlier runs; the run's own version appears once created.
    const history = Array.from({ length: 20 }, (_, i) => `${SOLUTION}/old${String(i).padStart(5, '0')}`);
    const mine = `${SOLUTION}/aaaa0001`;
    personalize
      .on(ListSolutionVersionsCommand)
      .resolvesOnce({ solutionVersions: history.map((solutionVersionArn) => ({ solutionVersionArn })) })
      .resolvesOnce({ solutionVersions: history.map((solutionVersionArn) => ({ solutionVersionArn })) })
      .resolves({ solutionVersions: [...history, mine].map((solutionVersionArn) => ({ solutionVersionArn })) });
    personalize.on(DescribeSolutionCommand).resolves({ solution: { status: 'ACTIVE' } });
    personalize.on(CreateSolutionVersionCommand).resolves({ solutionVersionArn: mine });
    personalize.on(DescribeSolutionVersionCommand).callsFake(({ solutionVersionArn }: { solutionVersionArn: string }) => ({
      solutionVersion: {
        solutionVersionArn,
        name: solutionVersionArn === mine ? 'run-7f3a' : `run-${solutionVersionArn.slice(-5)}`,
        status: 'ACTIVE',
      },
    }));

    // Act: looked up before the claim, after it, and after the create.
    const result = await ensureSolutionVersion(client, { ...spec, claim: async () => true });

    // Assess
    expect(result).toMatchObject({ arn: mine, created: true });
    const described = personalize.commandCalls(DescribeSolutionVersionCommand).map((c) => c.args[0].input.solutionVersionArn);
    expect(described.filter((arn) => arn !== mine).sort()).toEqual(history);
  });

  it('reuses the version of the run on a repeated event instead of training a second one', async () => {
    personalize.on(ListSolutionVersionsCommand).resolves({
      solutionVersions: [{ solutionVersionArn: `${SOLUTION}/old00001` }, { solutionVersionArn: `${SOLUTION}/aaaa0001` }],
    });
    personalize
      .on(DescribeSolutionVersionCommand, { solutionVersionArn: `${SOLUTION}/old00001` })
      .resolves({ solutionVersion: { solutionVersionArn: `${SOLUTION}/old00001`, name: 'run-0000', status: 'ACTIVE' } })
      .on(DescribeSolutionVersionCommand, { solutionVersionArn: `${SOLUTION}/aaaa0001` })
      .resolves({ solutionVersion: { solutionVersionArn: `${SOLUTION}/aaaa0001`, name: 'run-7f3a', status: 'CREATE IN_PROGRESS' } });

    const result = await ensureSolutionVersion(client, spec);

    expect(result).toEqual({ arn: `${SOLUTION}/aaaa0001`, created: false, status: 'CREATE IN_PROGRESS' });
    expect(personalize.commandCalls(CreateSolutionVersionCommand)).toHaveLength(0);
  });

  it('describes only versions created since the run started', async () => {
    personalize.on(ListSolutionVersionsCommand).resolves({
      solutionVersions: [
        { solutionVersionArn: `${SOLUTION}/old00001`, creationDateTime: new Date('2024-01-01T00:00:00Z') },
        { solutionVersionArn: `${SOLUTION}/aaaa0001`, creationDateTime: new Date('2026-11-25T10:00:00Z') },
      ],
    });
    personalize.on(DescribeSolutionVersionCommand).resolves({
      solutionVersion: { solutionVersionArn: `${SOLUTION}/aaaa0001`, name: 'run-7f3a', status: 'ACTIVE' },
    });

    await ensureSolutionVersion(client, { ...spec, createdAfter: new Date('2026-11-25T09:59:00Z') });

    const described = personalize.commandCalls(DescribeSolutionVersionCommand).map((c) => c.args[0].input.solutionVersionArn);
    expect(described).toEqual([`${SOLUTION}/aaaa0001`]);
  });

  it('keeps the oldest and stops its own version when a concurrent delivery created one too', async () => {
    // Prepare: the first look-up sees nothing; after our create, two versions carry the run's name.
    personalize
      .on(ListSolutionVersionsCommand)
      .resolvesOnce({ solutionVersions: [] })
      .resolves({ solutionVersions: [{ solutionVersionArn: `${SOLUTION}/bbbb0002` }, { solutionVersionArn: `${SOLUTION}/aaaa0001` }] });
    personalize.on(DescribeSolutionCommand).resolves({ solution: { status: 'ACTIVE' } });
    personalize.on(CreateSolutionVersionCommand).resolves({ solutionVersionArn: `${SOLUTION}/bbbb0002` });
    personalize
      .on(DescribeSolutionVersionCommand, { solutionVersionArn: `${SOLUTION}/aaaa0001` })
      .resolves({
        solutionVersion: {
          solutionVersionArn: `${SOLUTION}/aaaa0001`,
          name: 'run-7f3a',
          status: 'CREATE PENDING',
          creationDateTime: new Date(1000),
        },
      })
      .on(DescribeSolutionVersionCommand, { solutionVersionArn: `${SOLUTION}/bbbb0002` })
      .resolves({
        solutionVersion: {
          solutionVersionArn: `${SOLUTION}/bbbb0002`,
          name: 'run-7f3a',
          status: 'CREATE PENDING',
          creationDateTime: new Date(2000),
        },
      });
    personalize.on(StopSolutionVersionCreationCommand).resolves({});

    // Act
    const result = await ensureSolutionVersion(client, spec);

    // Assess
    expect(result).toEqual({ arn: `${SOLUTION}/aaaa0001`, created: false, status: 'CREATE PENDING' });
    expect(personalize.commandCalls(StopSolutionVersionCreationCommand)[0]?.args[0].input).toEqual({
      solutionVersionArn: `${SOLUTION}/bbbb0002`,
    });
  });

  it('gives its claim up when the create fails, so the retry does not wait out the claim', async () => {
    personalize.on(ListSolutionVersionsCommand).resolves({ solutionVersions: [] });
    personalize.on(DescribeSolutionCommand).resolves({ solution: { status: 'ACTIVE' } });
    personalize
      .on(CreateSolutionVersionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }));
    const events: string[] = [];
    const claimed = { claim: async () => (events.push('claim'), true), release: async () => void events.push('release') };

    await expect(ensureSolutionVersion(client, { ...spec, ...claimed })).rejects.toThrow(/Rate exceeded/);

    expect(events).toEqual(['claim', 'release']);
  });

  it('gives its claim up when the look-up right after claiming fails', async () => {
    personalize
      .on(ListSolutionVersionsCommand)
      .resolvesOnce({ solutionVersions: [] })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }));
    personalize.on(DescribeSolutionCommand).resolves({ solution: { status: 'ACTIVE' } });
    const events: string[] = [];
    const claimed = { claim: async () => (events.push('claim'), true), release: async () => void events.push('release') };

    await expect(ensureSolutionVersion(client, { ...spec, ...claimed })).rejects.toThrow(/Rate exceeded/);

    expect(events).toEqual(['claim', 'release']);
    expect(personalize.commandCalls(CreateSolutionVersionCommand)).toHaveLength(0);
  });

  it('throws a retryable error while the solution is not ACTIVE yet', async () => {
    personalize.on(ListSolutionVersionsCommand).resolves({ solutionVersions: [] });
    personalize.on(DescribeSolutionCommand).resolves({ solution: { status: 'CREATE IN_PROGRESS' } });

    await expect(ensureSolutionVersion(client, spec)).rejects.toBeInstanceOf(ResourceNotReadyError);
    expect(personalize.commandCalls(CreateSolutionVersionCommand)).toHaveLength(0);
  });

  it('throws a permanent error carrying the reason when the solution failed', async () => {
    personalize.on(ListSolutionVersionsCommand).resolves({ solutionVersions: [] });
    personalize.on(DescribeSolutionCommand).resolves({ solution: { status: 'CREATE FAILED' } });

    const error = await ensureSolutionVersion(client, spec).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceFailedError);
    expect((error as ResourceFailedError).retryable).toBe(false);
  });
});

describe('Operation: ensureSolution', () => {
  it('refuses a solution of the same name with another recipe', async () => {
    personalize.on(ListSolutionsCommand).resolves({ solutions: [{ name: 'sims', solutionArn: SOLUTION }] });
    personalize.on(DescribeSolutionCommand).resolves({ solution: { recipeArn: 'arn:aws:personalize:::recipe/aws-sims' } });

    await expect(
      ensureSolution(client, {
        datasetGroupArn: `${ARN}:dataset-group/g1`,
        name: 'sims',
        recipeArn: 'arn:aws:personalize:::recipe/aws-similar-items',
      }),
    ).rejects.toThrow(
      'solution "sims" already exists with a different definition: recipeArn "arn:aws:personalize:::recipe/aws-sims" differs from "arn:aws:personalize:::recipe/aws-similar-items"',
    );
  });

  it("creates the solution with the file's settings", async () => {
    personalize.on(ListSolutionsCommand).resolves({ solutions: [] });
    personalize.on(CreateSolutionCommand).resolves({ solutionArn: SOLUTION });

    const result = await ensureSolution(client, {
      datasetGroupArn: `${ARN}:dataset-group/g1`,
      name: 'sims',
      recipeArn: 'arn:aws:personalize:::recipe/aws-sims',
      performAutoTraining: false,
    });

    expect(result).toEqual({ arn: SOLUTION, created: true, status: 'CREATE PENDING' });
    expect(personalize.commandCalls(CreateSolutionCommand)[0]?.args[0].input).toMatchObject({ performAutoTraining: false });
  });
});

describe('Operation: ensureRecommender', () => {
  it('reuses the recommender of the same name and recipe', async () => {
    personalize.on(ListRecommendersCommand).resolves({
      recommenders: [
        {
          name: 'top-picks',
          recommenderArn: `${ARN}:recommender/top-picks`,
          recipeArn: 'arn:aws:personalize:::recipe/aws-vod-top-picks',
          status: 'ACTIVE',
        },
      ],
    });

    const result = await ensureRecommender(client, {
      datasetGroupArn: `${ARN}:dataset-group/g1`,
      name: 'top-picks',
      recipeArn: 'arn:aws:personalize:::recipe/aws-vod-top-picks',
    });

    expect(result).toEqual({ arn: `${ARN}:recommender/top-picks`, created: false, status: 'ACTIVE' });
    expect(personalize.commandCalls(CreateRecommenderCommand)).toHaveLength(0);
  });
});
