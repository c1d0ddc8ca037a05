/**
 * A campaign name another dataset group's campaign already uses (Personalize names are
 * account-wide) fails the deployment permanently, naming that group, instead of retrying as "not
 * listed yet". Mocked: a campaign needs a trained version, which the other ops tests build on the
 * local cloud at a cost this one case does not need.
 */
import {
  CreateCampaignCommand,
  DescribeCampaignCommand,
  DescribeSolutionCommand,
  ListCampaignsCommand,
  PersonalizeClient,
  UpdateCampaignCommand,
} from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { deployCampaign, PermanentOpsError, RetryableOpsError } from '@recops/core/ops';

const ARN = 'arn:aws:personalize:us-east-1:123456789012';
const personalize = mockClient(PersonalizeClient);
const client = new PersonalizeClient({ region: 'us-east-1' });
const spec = {
  solutionArn: `${ARN}:solution/mine`,
  name: 'shared-campaign',
  solutionVersionArn: `${ARN}:solution/mine/v2`,
  minProvisionedTPS: 1,
};
const taken = Object.assign(new Error('Campaign already exists'), { name: 'ResourceAlreadyExistsException', $metadata: {} });

/** No campaign on our solution; account-wide, one of that name. */
function listCampaigns(): void {
  personalize
    .on(ListCampaignsCommand)
    .callsFake((input: { solutionArn?: string }) =>
      input.solutionArn === undefined
        ? { campaigns: [{ name: 'shared-campaign', campaignArn: `${ARN}:campaign/shared-campaign` }] }
        : { campaigns: [] },
    );
}

describe('Operation: deployCampaign with a name taken elsewhere', () => {
  afterEach(() => personalize.reset());

  it("fails permanently, naming the other dataset group, when another group's campaign has the name", async () => {
    listCampaigns();
    personalize.on(CreateCampaignCommand).rejects(taken);
    personalize.on(DescribeCampaignCommand).resolves({ campaign: { solutionVersionArn: `${ARN}:solution/theirs/v1` } });
    personalize.on(DescribeSolutionCommand).resolves({ solution: { datasetGroupArn: `${ARN}:dataset-group/other-group` } });

    const attempt = deployCampaign(client, spec);

    await expect(attempt).rejects.toBeInstanceOf(PermanentOpsError);
    await expect(attempt).rejects.toThrow(
      `deploy campaign shared-campaign: the name is already used by a campaign of the dataset group ${ARN}:dataset-group/other-group; Personalize names are account-wide, so choose another name`,
    );
  });

  it('retries when the campaign on its own solution is only not listed yet', async () => {
    listCampaigns();
    personalize.on(CreateCampaignCommand).rejects(taken);
    personalize.on(DescribeCampaignCommand).resolves({ campaign: { solutionVersionArn: `${ARN}:solution/mine/v1` } });

    await expect(deployCampaign(client, spec)).rejects.toBeInstanceOf(RetryableOpsError);
  });
});

describe('Operation: deployCampaign when its update fails', () => {
  afterEach(() => personalize.reset());

  it('gives its claim up, so the retry does not wait out the claim', async () => {
    const campaignArn = `${ARN}:campaign/shared-campaign`;
    personalize.on(ListCampaignsCommand).resolves({ campaigns: [{ name: 'shared-campaign', campaignArn }] });
    personalize.on(DescribeCampaignCommand).resolves({
      campaign: {
        campaignArn,
        name: 'shared-campaign',
        status: 'ACTIVE',
        solutionVersionArn: `${ARN}:solution/mine/v1`,
        minProvisionedTPS: 1,
      },
    });
    personalize
      .on(UpdateCampaignCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }));
    const events: string[] = [];

    const attempt = deployCampaign(client, {
      ...spec,
      claim: async () => (events.push('claim'), true),
      release: async () => void events.push('release'),
    });

    await expect(attempt).rejects.toThrow(/Rate exceeded/);
    expect(events).toEqual(['claim', 'release']);
  });
});
