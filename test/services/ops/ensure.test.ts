import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateEventTrackerCommand,
  DescribeEventTrackerCommand,
  ListEventTrackersCommand,
  CreateFilterCommand,
  CreateSchemaCommand,
  DescribeDatasetCommand,
  DescribeFilterCommand,
  DescribeSchemaCommand,
  ListDatasetGroupsCommand,
  ListDatasetImportJobsCommand,
  ListDatasetsCommand,
  ListFiltersCommand,
  ListSchemasCommand,
  PersonalizeClient,
  ResourceAlreadyExistsException,
  UpdateDatasetCommand,
} from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ResourceConflictError,
  RetryableOpsError,
  ensureDataset,
  ensureDatasetGroup,
  ensureEventTracker,
  ensureFilter,
  ensureImportJob,
  ensureSchema,
  schemaRevisionName,
} from '@recops/core/ops';
import { usersSchema } from './schemas';

const ARN = 'arn:aws:personalize:us-east-1:000000000000';
const personalize = mockClient(PersonalizeClient);
const client = new PersonalizeClient({ region: 'us-east-1' });

beforeEach(() => personalize.reset());
afterEach(() => personalize.reset());

describe('Operation: ensureDatasetGroup', () => {
  it('creates the group when none of that name exists', async () => {
    // Prepare
    personalize
      .on(ListDatasetGroupsCommand)
      .resolves({ datasetGroups: [{ name: 'other', datasetGroupArn: `${ARN}:dataset-group/other` }] });
    personalize.on(CreateDatasetGroupCommand).resolves({ datasetGroupArn: `${ARN}:dataset-group/g1` });

    // Act
    const result = await ensureDatasetGroup(client, { name: 'g1', tags: { team: 'recs' } });

    // Assess
    expect(result).toEqual({ arn: `${ARN}:dataset-group/g1`, created: true, status: 'CREATE PENDING' });
    expect(personalize.commandCalls(CreateDatasetGroupCommand)[0]?.args[0].input).toEqual({
      name: 'g1',
      tags: [{ tagKey: 'team', tagValue: 'recs' }],
    });
  });

  it('reuses the group of the same name, found on a later page, without creating', async () => {
    personalize
      .on(ListDatasetGroupsCommand, {})
      .resolves({ datasetGroups: [], nextToken: 't2' })
      .on(ListDatasetGroupsCommand, { nextToken: 't2' })
      .resolves({ datasetGroups: [{ name: 'g1', datasetGroupArn: `${ARN}:dataset-group/g1`, status: 'ACTIVE' }] });

    const result = await ensureDatasetGroup(client, { name: 'g1' });

    expect(result).toEqual({ arn: `${ARN}:dataset-group/g1`, created: false, status: 'ACTIVE' });
    expect(personalize.commandCalls(CreateDatasetGroupCommand)).toHaveLength(0);
  });

  it('reuses the winner when a concurrent create raced it', async () => {
    personalize
      .on(ListDatasetGroupsCommand)
      .resolvesOnce({ datasetGroups: [] })
      .resolves({ datasetGroups: [{ name: 'g1', datasetGroupArn: `${ARN}:dataset-group/g1`, status: 'CREATE PENDING' }] });
    personalize.on(CreateDatasetGroupCommand).rejects(new ResourceAlreadyExistsException({ message: 'exists', $metadata: {} }));

    const result = await ensureDatasetGroup(client, { name: 'g1' });

    expect(result).toMatchObject({ arn: `${ARN}:dataset-group/g1`, created: false });
  });

  it('throws a retryable error when the raced winner is not listed yet', async () => {
    personalize.on(ListDatasetGroupsCommand).resolves({ datasetGroups: [] });
    personalize.on(CreateDatasetGroupCommand).rejects(new ResourceAlreadyExistsException({ message: 'exists', $metadata: {} }));

    await expect(ensureDatasetGroup(client, { name: 'g1' })).rejects.toBeInstanceOf(RetryableOpsError);
  });

  it('refuses a group of the same name in another domain', async () => {
    personalize.on(ListDatasetGroupsCommand).resolves({ datasetGroups: [{ name: 'g1', datasetGroupArn: `${ARN}:dataset-group/g1` }] });

    await expect(ensureDatasetGroup(client, { name: 'g1', domain: 'ECOMMERCE' })).rejects.toThrow(
      'dataset group "g1" already exists with a different definition: domain null differs from "ECOMMERCE"',
    );
  });
});

describe('Operation: ensureSchema', () => {
  const listed = { schemas: [{ name: 'users-schema', schemaArn: `${ARN}:schema/users-schema` }] };

  it('reuses a schema with the same name and definition', async () => {
    personalize.on(ListSchemasCommand).resolves(listed);
    personalize.on(DescribeSchemaCommand).resolves({ schema: { schema: JSON.stringify(usersSchema) } });

    const result = await ensureSchema(client, { name: 'users-schema', schema: usersSchema });

    expect(result).toEqual({ outcome: 'reused', arn: `${ARN}:schema/users-schema`, name: 'users-schema' });
    expect(personalize.commandCalls(CreateSchemaCommand)).toHaveLength(0);
  });

  it('creates a revision schema when the file only adds optional columns', async () => {
    // Prepare
    const desired = { ...usersSchema, fields: [...usersSchema.fields, { name: 'CITY', type: ['null', 'string'], categorical: true }] };
    const revision = schemaRevisionName('users-schema', desired);
    personalize.on(ListSchemasCommand).resolves(listed);
    personalize.on(DescribeSchemaCommand).resolves({ schema: { schema: JSON.stringify(usersSchema) } });
    personalize.on(CreateSchemaCommand).resolves({ schemaArn: `${ARN}:schema/${revision}` });

    // Act
    const result = await ensureSchema(client, { name: 'users-schema', schema: desired });

    // Assess
    expect(result).toEqual({
      outcome: 'evolved',
      arn: `${ARN}:schema/${revision}`,
      name: revision,
      previousArn: `${ARN}:schema/users-schema`,
      addedFields: ['CITY'],
    });
    expect(revision).toMatch(/^users-schema-[0-9a-f]{8}$/);
    expect(personalize.commandCalls(CreateSchemaCommand)[0]?.args[0].input.name).toBe(revision);
  });

  it('explains which field changed when the change is not an optional addition', async () => {
    personalize.on(ListSchemasCommand).resolves(listed);
    personalize.on(DescribeSchemaCommand).resolves({ schema: { schema: JSON.stringify(usersSchema) } });
    const desired = {
      ...usersSchema,
      fields: [
        { name: 'USER_ID', type: 'string' },
        { name: 'GENDER', type: 'int' },
      ],
    };

    const error = await ensureSchema(client, { name: 'users-schema', schema: desired }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ResourceConflictError);
    expect((error as Error).message).toBe(
      'schema "users-schema" already exists with a different definition: field GENDER: type "string" changed to "int"; field GENDER: categorical true changed to null',
    );
  });
});

describe('Operation: ensureDataset', () => {
  const spec = {
    datasetGroupArn: `${ARN}:dataset-group/g1`,
    datasetType: 'Users',
    name: 'users-data',
    schemaArn: `${ARN}:schema/users-schema-abcd1234`,
  };

  it('finds the dataset by type and moves it to a schema that only adds optional columns', async () => {
    // Prepare
    personalize.on(ListDatasetsCommand).resolves({ datasets: [{ datasetType: 'USERS', datasetArn: `${ARN}:dataset/g1/USERS` }] });
    personalize.on(DescribeDatasetCommand).resolves({ dataset: { schemaArn: `${ARN}:schema/users-schema`, status: 'ACTIVE' } });
    const evolved = { ...usersSchema, fields: [...usersSchema.fields, { name: 'CITY', type: ['null', 'string'] }] };
    personalize
      .on(DescribeSchemaCommand, { schemaArn: `${ARN}:schema/users-schema` })
      .resolves({ schema: { schema: JSON.stringify(usersSchema) } })
      .on(DescribeSchemaCommand, { schemaArn: spec.schemaArn })
      .resolves({ schema: { schema: JSON.stringify(evolved) } });
    personalize.on(UpdateDatasetCommand).resolves({ datasetArn: `${ARN}:dataset/g1/USERS` });

    // Act
    const result = await ensureDataset(client, spec);

    // Assess
    expect(result.schemaUpdate).toEqual({
      fromSchemaArn: `${ARN}:schema/users-schema`,
      toSchemaArn: spec.schemaArn,
      addedFields: ['CITY'],
    });
    expect(personalize.commandCalls(UpdateDatasetCommand)[0]?.args[0].input).toEqual({
      datasetArn: `${ARN}:dataset/g1/USERS`,
      schemaArn: spec.schemaArn,
    });
    expect(personalize.commandCalls(CreateDatasetCommand)).toHaveLength(0);
  });

  it('does not request the same schema update twice', async () => {
    personalize.on(ListDatasetsCommand).resolves({ datasets: [{ datasetType: 'Users', datasetArn: `${ARN}:dataset/g1/USERS` }] });
    personalize.on(DescribeDatasetCommand).resolves({
      dataset: {
        schemaArn: `${ARN}:schema/users-schema`,
        status: 'ACTIVE',
        latestDatasetUpdate: { schemaArn: spec.schemaArn, status: 'UPDATE IN_PROGRESS' },
      },
    });
    personalize.on(DescribeSchemaCommand).resolves({ schema: { schema: JSON.stringify(usersSchema) } });

    await ensureDataset(client, spec);

    expect(personalize.commandCalls(UpdateDatasetCommand)).toHaveLength(0);
  });

  it('creates the dataset when the group has none of that type', async () => {
    personalize
      .on(ListDatasetsCommand)
      .resolves({ datasets: [{ datasetType: 'Interactions', datasetArn: `${ARN}:dataset/g1/INTERACTIONS` }] });
    personalize.on(CreateDatasetCommand).resolves({ datasetArn: `${ARN}:dataset/g1/USERS` });

    const result = await ensureDataset(client, spec);

    expect(result).toEqual({ arn: `${ARN}:dataset/g1/USERS`, created: true, status: 'CREATE PENDING' });
  });
});

describe('Operation: ensureImportJob', () => {
  it('reuses the job of the same name with its final status and reason', async () => {
    personalize.on(ListDatasetImportJobsCommand).resolves({
      datasetImportJobs: [
        {
          jobName: 'run-1-users-0',
          datasetImportJobArn: `${ARN}:dataset-import-job/run-1-users-0`,
          status: 'CREATE FAILED',
          failureReason: 'bad row 3',
        },
      ],
    });

    const result = await ensureImportJob(client, {
      datasetArn: `${ARN}:dataset/g1/USERS`,
      jobName: 'run-1-users-0',
      dataLocation: 's3://bucket/train/g1/users.csv',
    });

    expect(result).toEqual({
      arn: `${ARN}:dataset-import-job/run-1-users-0`,
      created: false,
      status: 'CREATE FAILED',
      failureReason: 'bad row 3',
    });
    expect(personalize.commandCalls(CreateDatasetImportJobCommand)).toHaveLength(0);
  });

  it('creates the job with the data location and import mode', async () => {
    personalize.on(ListDatasetImportJobsCommand).resolves({ datasetImportJobs: [] });
    personalize.on(CreateDatasetImportJobCommand).resolves({ datasetImportJobArn: `${ARN}:dataset-import-job/j` });

    await ensureImportJob(client, {
      datasetArn: `${ARN}:dataset/g1/USERS`,
      jobName: 'j',
      dataLocation: 's3://bucket/train/g1/users/',
      roleArn: 'arn:aws:iam::000000000000:role/p',
      importMode: 'FULL',
    });

    expect(personalize.commandCalls(CreateDatasetImportJobCommand)[0]?.args[0].input).toEqual({
      jobName: 'j',
      datasetArn: `${ARN}:dataset/g1/USERS`,
      dataSource: { dataLocation: 's3://bucket/train/g1/users/' },
      roleArn: 'arn:aws:iam::000000000000:role/p',
      importMode: 'FULL',
    });
  });
});

describe('Operation: ensureFilter', () => {
  it('refuses a filter of the same name with another expression', async () => {
    personalize.on(ListFiltersCommand).resolves({ Filters: [{ name: 'f', filterArn: `${ARN}:filter/f` }] });
    personalize.on(DescribeFilterCommand).resolves({ filter: { filterExpression: 'EXCLUDE ItemID WHERE Items.X IN ("a")' } });

    await expect(
      ensureFilter(client, {
        datasetGroupArn: `${ARN}:dataset-group/g1`,
        name: 'f',
        filterExpression: 'INCLUDE ItemID WHERE Items.X IN ("a")',
      }),
    ).rejects.toThrow(/filter "f" already exists with a different definition: filterExpression/);
    expect(personalize.commandCalls(CreateFilterCommand)).toHaveLength(0);
  });
});

describe('Operation: ensureEventTracker', () => {
  it("reuses the group's one tracker whatever its name, with its trackingId", async () => {
    personalize.on(ListEventTrackersCommand).resolves({
      eventTrackers: [{ name: 'older-name', eventTrackerArn: `${ARN}:event-tracker/older`, status: 'ACTIVE' }],
    });
    personalize.on(DescribeEventTrackerCommand).resolves({ eventTracker: { trackingId: 'tid-1', status: 'ACTIVE' } });

    const result = await ensureEventTracker(client, { datasetGroupArn: `${ARN}:dataset-group/g1`, name: 'tracker' });

    expect(result).toEqual({ arn: `${ARN}:event-tracker/older`, created: false, status: 'ACTIVE', trackingId: 'tid-1' });
    expect(personalize.commandCalls(CreateEventTrackerCommand)).toHaveLength(0);
  });
});
