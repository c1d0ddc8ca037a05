import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateEventTrackerCommand,
  CreateFilterCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  DeleteDatasetCommand,
  DescribeAlgorithmCommand,
  DeleteDatasetGroupCommand,
  DeleteEventTrackerCommand,
  DeleteFilterCommand,
  DeleteSchemaCommand,
  DeleteSolutionCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeEventTrackerCommand,
  DescribeFeatureTransformationCommand,
  DescribeFilterCommand,
  DescribeRecipeCommand,
  DescribeSchemaCommand,
  DescribeSolutionCommand,
  ListDatasetGroupsCommand,
  ListDatasetsCommand,
  ListEventTrackersCommand,
  ListFiltersCommand,
  ListRecipesCommand,
  ListSchemasCommand,
  ListSolutionsCommand,
  UpdateDatasetCommand,
  UpdateSolutionCommand,
} from '@aws-sdk/client-personalize';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { personalize } from '@recops/local';
import { errorName, type Harness, SCHEMAS, startHarness, waitFor } from './harness';
import { activeDataset, activeDatasetGroup, activeSolution } from './setup';

const PREFIX = 'arn:aws:personalize:us-east-1:000000000000:';

describe('Personalize control plane: dataset groups, schemas, datasets', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('returns a dataset group that goes from CREATE PENDING to ACTIVE and is listed', async () => {
    const created = await h.personalize.send(new CreateDatasetGroupCommand({ name: 'dg1', domain: 'VIDEO_ON_DEMAND' }));
    expect(created).toMatchObject({ datasetGroupArn: `${PREFIX}dataset-group/dg1`, domain: 'VIDEO_ON_DEMAND' });
    const active = await waitFor(
      () => h.personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn: created.datasetGroupArn })),
      (out) => out.datasetGroup?.status === 'ACTIVE',
    );
    expect(active.datasetGroup).toMatchObject({ name: 'dg1', domain: 'VIDEO_ON_DEMAND' });
    expect(active.datasetGroup?.creationDateTime).toBeInstanceOf(Date);
    const listed = await h.personalize.send(new ListDatasetGroupsCommand({}));
    expect(listed.datasetGroups?.map((group) => group.name)).toEqual(['dg1']);
  });

  it('rejects a taken name, a bad name and an unknown ARN with the service exceptions', async () => {
    await h.personalize.send(new CreateDatasetGroupCommand({ name: 'taken' }));
    expect(await errorName(h.personalize.send(new CreateDatasetGroupCommand({ name: 'taken' })))).toBe('ResourceAlreadyExistsException');
    expect(await errorName(h.personalize.send(new CreateDatasetGroupCommand({ name: '-bad name' })))).toBe('InvalidInputException');
    expect(await errorName(h.personalize.send(new CreateDatasetGroupCommand({ name: 'x'.repeat(64) })))).toBe('InvalidInputException');
    expect(await errorName(h.personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn: `${PREFIX}dataset-group/nope` })))).toBe(
      'ResourceNotFoundException',
    );
    expect(await errorName(h.personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn: 'not-an-arn' })))).toBe(
      'InvalidInputException',
    );
  });

  it('reports each successful Create/Update/Delete call with its names and ARNs, and no read or refused call', async () => {
    await h.close();
    const mutations: personalize.PersonalizeMutation[] = [];
    h = await startHarness({ onMutation: (mutation) => mutations.push(mutation) });
    const created = await h.personalize.send(new CreateDatasetGroupCommand({ name: 'recorded' }));
    await h.personalize.send(new CreateDatasetGroupCommand({ name: 'recorded' })).catch(() => undefined);
    await h.personalize.send(new ListDatasetGroupsCommand({}));
    await h.personalize.send(new DeleteDatasetGroupCommand({ datasetGroupArn: created.datasetGroupArn }));
    expect(mutations).toEqual([
      { operation: 'CreateDatasetGroup', input: { name: 'recorded' }, output: { datasetGroupArn: `${PREFIX}dataset-group/recorded` } },
      { operation: 'DeleteDatasetGroup', input: { datasetGroupArn: `${PREFIX}dataset-group/recorded` }, output: {} },
    ]);
  });

  it('limits dataset groups to the quota with LimitExceededException', async () => {
    for (let index = 0; index < 5; index += 1) await h.personalize.send(new CreateDatasetGroupCommand({ name: `g${index}` }));
    expect(await errorName(h.personalize.send(new CreateDatasetGroupCommand({ name: 'g5' })))).toBe('LimitExceededException');
  });

  it('stores a schema as given and refuses invalid ones and deleting one in use', async () => {
    const { schemaArn } = await h.personalize.send(new CreateSchemaCommand({ name: 'inter', schema: SCHEMAS.interactions }));
    expect(schemaArn).toBe(`${PREFIX}schema/inter`);
    const described = await h.personalize.send(new DescribeSchemaCommand({ schemaArn }));
    expect(described.schema).toMatchObject({ name: 'inter', schema: SCHEMAS.interactions });
    expect(await errorName(h.personalize.send(new CreateSchemaCommand({ name: 'broken', schema: '{not json' })))).toBe(
      'InvalidInputException',
    );
    const nested = JSON.stringify({
      type: 'record',
      name: 'Items',
      fields: [{ name: 'ITEM_ID', type: { type: 'array', items: 'string' } }],
    });
    expect(await errorName(h.personalize.send(new CreateSchemaCommand({ name: 'nested', schema: nested })))).toBe('InvalidInputException');

    const datasetGroupArn = await activeDatasetGroup(h.personalize, 'dsg');
    await h.personalize.send(new CreateDatasetCommand({ name: 'ds', schemaArn, datasetGroupArn, datasetType: 'Interactions' }));
    expect(await errorName(h.personalize.send(new DeleteSchemaCommand({ schemaArn })))).toBe('ResourceInUseException');
    const { schemaArn: unused } = await h.personalize.send(new CreateSchemaCommand({ name: 'unused', schema: SCHEMAS.items }));
    await h.personalize.send(new DeleteSchemaCommand({ schemaArn: unused }));
    const listed = await h.personalize.send(new ListSchemasCommand({}));
    expect(listed.schemas?.map((schema) => schema.name)).toEqual(['inter']);
  });

  it('names datasets by group and type, checks the schema fits the type, and allows one per type', async () => {
    const datasetGroupArn = await activeDatasetGroup(h.personalize, 'shop');
    const { schemaArn: itemsSchema } = await h.personalize.send(new CreateSchemaCommand({ name: 'items', schema: SCHEMAS.items }));
    const error = h.personalize.send(
      new CreateDatasetCommand({ name: 'wrong', schemaArn: itemsSchema, datasetGroupArn, datasetType: 'Interactions' }),
    );
    await expect(error).rejects.toThrow(/USER_ID/);
    const datasetArn = await activeDataset(h.personalize, datasetGroupArn, 'interactions');
    expect(datasetArn).toBe(`${PREFIX}dataset/shop/INTERACTIONS`);
    const described = await h.personalize.send(new DescribeDatasetCommand({ datasetArn }));
    expect(described.dataset).toMatchObject({ datasetType: 'INTERACTIONS', datasetGroupArn, status: 'ACTIVE' });
    const { schemaArn } = await h.personalize.send(new CreateSchemaCommand({ name: 'again', schema: SCHEMAS.interactions }));
    expect(
      await errorName(
        h.personalize.send(new CreateDatasetCommand({ name: 'second', schemaArn, datasetGroupArn, datasetType: 'INTERACTIONS' })),
      ),
    ).toBe('ResourceAlreadyExistsException');
    expect(
      await errorName(h.personalize.send(new CreateDatasetCommand({ name: 'bad', schemaArn, datasetGroupArn, datasetType: 'Clicks' }))),
    ).toBe('InvalidInputException');
    const listed = await h.personalize.send(new ListDatasetsCommand({ datasetGroupArn }));
    expect(listed.datasets?.map((dataset) => dataset.datasetArn)).toEqual([datasetArn]);
  });

  it('updates a dataset schema through latestDatasetUpdate', async () => {
    const datasetGroupArn = await activeDatasetGroup(h.personalize, 'upd');
    const datasetArn = await activeDataset(h.personalize, datasetGroupArn, 'items');
    const wider = JSON.stringify({
      ...JSON.parse(SCHEMAS.items),
      fields: [...JSON.parse(SCHEMAS.items).fields, { name: 'PRICE', type: 'float' }],
    });
    const { schemaArn } = await h.personalize.send(new CreateSchemaCommand({ name: 'items-v2', schema: wider }));
    await h.personalize.send(new UpdateDatasetCommand({ datasetArn, schemaArn }));
    const updated = await waitFor(
      () => h.personalize.send(new DescribeDatasetCommand({ datasetArn })),
      (out) => out.dataset?.latestDatasetUpdate?.status === 'ACTIVE',
    );
    expect(updated.dataset?.schemaArn).toBe(schemaArn);
  });

  it('refuses to delete a dataset group with datasets, then deletes it after its children', async () => {
    const datasetGroupArn = await activeDatasetGroup(h.personalize, 'gone');
    const datasetArn = await activeDataset(h.personalize, datasetGroupArn, 'interactions');
    expect(await errorName(h.personalize.send(new DeleteDatasetGroupCommand({ datasetGroupArn })))).toBe('ResourceInUseException');
    await h.personalize.send(new DeleteDatasetCommand({ datasetArn }));
    await waitFor(
      () => errorName(h.personalize.send(new DescribeDatasetCommand({ datasetArn }))),
      (name) => name === 'ResourceNotFoundException',
    );
    await h.personalize.send(new DeleteDatasetGroupCommand({ datasetGroupArn }));
    const deleting = await h.personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn })).catch(() => undefined);
    if (deleting !== undefined) expect(deleting.datasetGroup?.status).toBe('DELETE PENDING');
    await waitFor(
      () => errorName(h.personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn }))),
      (name) => name === 'ResourceNotFoundException',
    );
    expect(h.engine.callsOf('deleteDatasetGroup')).toEqual([datasetGroupArn]);
  });
});

describe('Personalize control plane: state preconditions', () => {
  let h: Harness;
  beforeEach(async () => {
    // Steps never elapse here: every resource stays where its create left it.
    h = await startHarness({ stepDelayMs: 3_600_000 });
  });
  afterEach(async () => {
    await h.close();
  });

  it('returns ResourceInUseException for children of a dataset group that is not ACTIVE yet', async () => {
    const { datasetGroupArn } = await h.personalize.send(new CreateDatasetGroupCommand({ name: 'slow' }));
    const described = await h.personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn }));
    expect(described.datasetGroup?.status).toBe('CREATE PENDING');
    const { schemaArn } = await h.personalize.send(new CreateSchemaCommand({ name: 's', schema: SCHEMAS.interactions }));
    expect(
      await errorName(h.personalize.send(new CreateDatasetCommand({ name: 'd', schemaArn, datasetGroupArn, datasetType: 'Interactions' }))),
    ).toBe('ResourceInUseException');
    expect(
      await errorName(
        h.personalize.send(new CreateSolutionCommand({ name: 's', datasetGroupArn, recipeArn: 'arn:aws:personalize:::recipe/aws-sims' })),
      ),
    ).toBe('ResourceInUseException');
    expect(await errorName(h.personalize.send(new DeleteDatasetGroupCommand({ datasetGroupArn })))).toBe('ResourceInUseException');
  });
});

describe('Personalize control plane: solutions, filters, event trackers, recipes', () => {
  let h: Harness;
  let datasetGroupArn: string;
  beforeEach(async () => {
    h = await startHarness();
    datasetGroupArn = await activeDatasetGroup(h.personalize, 'main');
  });
  afterEach(async () => {
    await h.close();
  });

  it('creates, describes, lists, updates and deletes a solution', async () => {
    const solutionArn = await activeSolution(h.personalize, datasetGroupArn, 'sol', 'aws-sims');
    const described = await h.personalize.send(new DescribeSolutionCommand({ solutionArn }));
    expect(described.solution).toMatchObject({
      name: 'sol',
      recipeArn: 'arn:aws:personalize:::recipe/aws-sims',
      datasetGroupArn,
      performAutoTraining: true,
      performHPO: false,
      status: 'ACTIVE',
    });
    const listed = await h.personalize.send(new ListSolutionsCommand({ datasetGroupArn }));
    expect(listed.solutions?.map((solution) => solution.solutionArn)).toEqual([solutionArn]);
    await h.personalize.send(new UpdateSolutionCommand({ solutionArn, performAutoTraining: false }));
    const updated = await waitFor(
      () => h.personalize.send(new DescribeSolutionCommand({ solutionArn })),
      (out) => out.solution?.latestSolutionUpdate?.status === 'ACTIVE',
    );
    expect(updated.solution?.performAutoTraining).toBe(false);
    await h.personalize.send(new DeleteSolutionCommand({ solutionArn }));
    await waitFor(
      () => errorName(h.personalize.send(new DescribeSolutionCommand({ solutionArn }))),
      (name) => name === 'ResourceNotFoundException',
    );
  });

  it('rejects unknown and domain recipes for solutions', async () => {
    expect(
      await errorName(
        h.personalize.send(new CreateSolutionCommand({ name: 'x', datasetGroupArn, recipeArn: 'arn:aws:personalize:::recipe/aws-nope' })),
      ),
    ).toBe('ResourceNotFoundException');
    expect(
      await errorName(
        h.personalize.send(
          new CreateSolutionCommand({ name: 'y', datasetGroupArn, recipeArn: 'arn:aws:personalize:::recipe/aws-vod-top-picks' }),
        ),
      ),
    ).toBe('InvalidInputException');
    expect(await errorName(h.personalize.send(new CreateSolutionCommand({ name: 'z', datasetGroupArn })))).toBe('InvalidInputException');
  });

  it('validates filter expressions with the engine and lists filters under "Filters"', async () => {
    const expression = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")';
    const { filterArn } = await h.personalize.send(
      new CreateFilterCommand({ name: 'no-clicks', datasetGroupArn, filterExpression: expression }),
    );
    expect(filterArn).toBe(`${PREFIX}filter/no-clicks`);
    const active = await waitFor(
      () => h.personalize.send(new DescribeFilterCommand({ filterArn })),
      (out) => out.filter?.status === 'ACTIVE',
    );
    expect(active.filter).toMatchObject({ filterExpression: expression, datasetGroupArn });
    const bad = h.personalize.send(new CreateFilterCommand({ name: 'bad', datasetGroupArn, filterExpression: 'EXCLUDE ItemID WHER x' }));
    await expect(bad).rejects.toMatchObject({
      name: 'InvalidInputException',
      message: expect.stringContaining('Could not create filter. Invalid filter expression'),
    });
    const listed = await h.personalize.send(new ListFiltersCommand({ datasetGroupArn }));
    expect(listed.Filters?.map((filter) => filter.name)).toEqual(['no-clicks']);
    await h.personalize.send(new DeleteFilterCommand({ filterArn }));
    await waitFor(
      () => errorName(h.personalize.send(new DescribeFilterCommand({ filterArn }))),
      (name) => name === 'ResourceNotFoundException',
    );
  });

  it('allows one event tracker per dataset group and shows its trackingId on the Interactions dataset', async () => {
    const datasetArn = await activeDataset(h.personalize, datasetGroupArn, 'interactions');
    const created = await h.personalize.send(new CreateEventTrackerCommand({ name: 'tracker', datasetGroupArn }));
    expect(created.trackingId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await errorName(h.personalize.send(new CreateEventTrackerCommand({ name: 'second', datasetGroupArn })))).toBe(
      'ResourceAlreadyExistsException',
    );
    const tracker = await waitFor(
      () => h.personalize.send(new DescribeEventTrackerCommand({ eventTrackerArn: created.eventTrackerArn })),
      (out) => out.eventTracker?.status === 'ACTIVE',
    );
    expect(tracker.eventTracker).toMatchObject({ trackingId: created.trackingId, accountId: '000000000000', datasetGroupArn });
    const dataset = await h.personalize.send(new DescribeDatasetCommand({ datasetArn }));
    expect(dataset.dataset?.trackingId).toBe(created.trackingId);
    const listed = await h.personalize.send(new ListEventTrackersCommand({ datasetGroupArn }));
    expect(listed.eventTrackers?.map((entry) => entry.eventTrackerArn)).toEqual([created.eventTrackerArn]);
    await h.personalize.send(new DeleteEventTrackerCommand({ eventTrackerArn: created.eventTrackerArn }));
    await waitFor(
      () => h.personalize.send(new DescribeDatasetCommand({ datasetArn })),
      (out) => out.dataset?.trackingId === undefined,
    );
  });

  it('lists recipes, filtered by domain, and describes one', async () => {
    const all = await h.personalize.send(new ListRecipesCommand({}));
    expect(all.recipes?.map((recipe) => recipe.name)).toContain('aws-user-personalization');
    const vod = await h.personalize.send(new ListRecipesCommand({ domain: 'VIDEO_ON_DEMAND' }));
    expect(vod.recipes?.every((recipe) => recipe.domain === 'VIDEO_ON_DEMAND')).toBe(true);
    const sims = await h.personalize.send(new DescribeRecipeCommand({ recipeArn: 'arn:aws:personalize:::recipe/aws-sims' }));
    expect(sims.recipe).toMatchObject({ name: 'aws-sims', recipeType: 'RELATED_ITEMS', status: 'ACTIVE' });
    expect(await errorName(h.personalize.send(new DescribeRecipeCommand({ recipeArn: 'arn:aws:personalize:::recipe/aws-none' })))).toBe(
      'ResourceNotFoundException',
    );
    const algorithm = await h.personalize.send(new DescribeAlgorithmCommand({ algorithmArn: sims.recipe?.algorithmArn }));
    expect(algorithm.algorithm?.name).toBe('aws-sims');
    const transformation = await h.personalize.send(
      new DescribeFeatureTransformationCommand({ featureTransformationArn: sims.recipe?.featureTransformationArn }),
    );
    expect(transformation.featureTransformation?.status).toBe('ACTIVE');
  });
});
