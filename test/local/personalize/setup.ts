/** Builds resource chains through the SDK, waiting for ACTIVE the way a client would. */
import {
  CreateCampaignCommand,
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { SCHEMAS, waitFor } from './harness';

const isSettled = (status: string | undefined): boolean => status === 'ACTIVE' || status === 'CREATE FAILED';

export async function activeDatasetGroup(
  client: PersonalizeClient,
  name: string,
  domain?: 'VIDEO_ON_DEMAND' | 'ECOMMERCE',
): Promise<string> {
  const { datasetGroupArn } = await client.send(new CreateDatasetGroupCommand({ name, ...(domain ? { domain } : {}) }));
  await waitFor(
    () => client.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
    (out) => out.datasetGroup?.status === 'ACTIVE',
  );
  return datasetGroupArn as string;
}

export async function activeDataset(
  client: PersonalizeClient,
  datasetGroupArn: string,
  type: 'interactions' | 'items' | 'users',
  options: { schemaName?: string; domain?: 'VIDEO_ON_DEMAND' | 'ECOMMERCE' } = {},
): Promise<string> {
  const { schemaArn } = await client.send(
    new CreateSchemaCommand({
      name: options.schemaName ?? `${type}-schema-${Math.random().toString(36).slice(2, 8)}`,
      schema: SCHEMAS[type],
      ...(options.domain ? { domain: options.domain } : {}),
    }),
  );
  const { datasetArn } = await client.send(
    new CreateDatasetCommand({
      name: `${type}-ds`,
      schemaArn,
      datasetGroupArn,
      datasetType: type === 'interactions' ? 'Interactions' : type === 'items' ? 'Items' : 'Users',
    }),
  );
  await waitFor(
    () => client.send(new DescribeDatasetCommand({ datasetArn })),
    (out) => out.dataset?.status === 'ACTIVE',
  );
  return datasetArn as string;
}

export async function settledImport(client: PersonalizeClient, datasetArn: string, jobName: string) {
  const { datasetImportJobArn } = await client.send(
    new CreateDatasetImportJobCommand({
      jobName,
      datasetArn,
      dataSource: { dataLocation: 's3://bucket/interactions.csv' },
      roleArn: 'arn:aws:iam::000000000000:role/p',
    }),
  );
  const out = await waitFor(
    () => client.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn })),
    (o) => isSettled(o.datasetImportJob?.status),
  );
  return out.datasetImportJob!;
}

export async function activeSolution(
  client: PersonalizeClient,
  datasetGroupArn: string,
  name: string,
  recipe = 'aws-user-personalization',
): Promise<string> {
  const { solutionArn } = await client.send(
    new CreateSolutionCommand({ name, datasetGroupArn, recipeArn: `arn:aws:personalize:::recipe/${recipe}` }),
  );
  await waitFor(
    () => client.send(new DescribeSolutionCommand({ solutionArn })),
    (out) => out.solution?.status === 'ACTIVE',
  );
  return solutionArn as string;
}

export async function settledVersion(client: PersonalizeClient, solutionArn: string, trainingMode?: 'FULL' | 'UPDATE') {
  const { solutionVersionArn } = await client.send(
    new CreateSolutionVersionCommand({ solutionArn, ...(trainingMode ? { trainingMode } : {}) }),
  );
  const out = await waitFor(
    () => client.send(new DescribeSolutionVersionCommand({ solutionVersionArn })),
    (o) => isSettled(o.solutionVersion?.status),
  );
  return out.solutionVersion!;
}

export async function activeCampaign(client: PersonalizeClient, solutionVersionArn: string, name: string): Promise<string> {
  const { campaignArn } = await client.send(new CreateCampaignCommand({ name, solutionVersionArn }));
  await waitFor(
    () => client.send(new DescribeCampaignCommand({ campaignArn })),
    (out) => out.campaign?.status === 'ACTIVE',
  );
  return campaignArn as string;
}

/** A dataset group with an Interactions dataset, a solution of `recipe` and an ACTIVE version. */
export async function trainedVersion(client: PersonalizeClient, prefix: string, recipe = 'aws-user-personalization') {
  const datasetGroupArn = await activeDatasetGroup(client, `${prefix}-dsg`);
  const datasetArn = await activeDataset(client, datasetGroupArn, 'interactions');
  const solutionArn = await activeSolution(client, datasetGroupArn, `${prefix}-sol`, recipe);
  const version = await settledVersion(client, solutionArn);
  return { datasetGroupArn, datasetArn, solutionArn, solutionVersionArn: version.solutionVersionArn as string };
}
