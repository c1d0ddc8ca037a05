import {
  CreateCampaignCommand,
  DescribeCampaignCommand,
  DescribeSolutionCommand,
  UpdateCampaignCommand,
  paginateListCampaigns,
  type Campaign,
  type CampaignConfig,
  type CampaignSummary,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { isAlreadyExists, toOpsError } from './classify';
import { PermanentOpsError, ResourceNotReadyError, RetryableOpsError } from './errors';
import { STATUS_ACTIVE, call, findInPages, isFailedStatus, requireArn, toTagList } from './shared';
import type { TagMap } from './shared';

interface CampaignSpec {
  readonly solutionArn: string;
  readonly name: string;
  /** The version the campaign must serve. */
  readonly solutionVersionArn: string;
  readonly minProvisionedTPS: number;
  readonly campaignConfig?: CampaignConfig;
  readonly tags?: TagMap;
  /**
   * Asked right before UpdateCampaign: true when this caller may request the update (e.g. a claim
   * on the run's update of this campaign to this version). Two deliveries that both find the
   * campaign on its old version would otherwise both update it; the one that loses requests
   * nothing and follows the holder's update once Personalize shows it.
   */
  readonly claim?: () => Promise<boolean>;
  /** Gives the claim up when UpdateCampaign fails, so a retry need not wait it out. */
  readonly release?: () => Promise<void>;
}

/** What `deployCampaign` did and what the campaign's state is now. */
interface CampaignDeployment {
  readonly arn: string;
  /**
   * `create`: a create is in flight (started now or by an earlier delivery); `update`: an update to
   * this version is in flight (started now or earlier); `none`: the campaign already serves the
   * version, ACTIVE, with no update in flight.
   */
  readonly operation: 'create' | 'update' | 'none';
  /** True when this call made the Create/UpdateCampaign request. */
  readonly requested: boolean;
}

const IN_FLIGHT = new Set(['CREATE PENDING', 'CREATE IN_PROGRESS']);

/** The campaign named `name` on `solutionArn`, described; undefined when there is none. */
async function findCampaign(client: PersonalizeClient, solutionArn: string, name: string): Promise<Campaign | undefined> {
  const summary = await call(`ListCampaigns ${solutionArn}`, () =>
    findInPages<CampaignSummary>(paginateListCampaigns({ client }, { solutionArn }), 'campaigns', (c) => c.name === name),
  );
  if (summary?.campaignArn === undefined) return undefined;
  const arn = summary.campaignArn;
  const described = await call(`DescribeCampaign ${arn}`, () => client.send(new DescribeCampaignCommand({ campaignArn: arn })));
  return described.campaign;
}

/**
 * Where a same-named campaign that is not on `spec.solutionArn` lives: `the dataset group <arn>`
 * (or `the solution <arn>` when the solution cannot be described); undefined when there is none.
 */
async function campaignElsewhere(client: PersonalizeClient, spec: CampaignSpec): Promise<string | undefined> {
  const found = await findInPages<CampaignSummary>(paginateListCampaigns({ client }, {}), 'campaigns', (c) => c.name === spec.name);
  if (found?.campaignArn === undefined) return undefined;
  const { campaign } = await client.send(new DescribeCampaignCommand({ campaignArn: found.campaignArn }));
  const versionArn = campaign?.solutionVersionArn;
  if (versionArn === undefined) return undefined;
  // arn:…:solution/<solution>/<version id>: the version's solution.
  const solutionArn = versionArn.slice(0, versionArn.lastIndexOf('/'));
  if (solutionArn === spec.solutionArn) return undefined;
  const { solution } = await client.send(new DescribeSolutionCommand({ solutionArn }));
  return solution?.datasetGroupArn !== undefined ? `the dataset group ${solution.datasetGroupArn}` : `the solution ${solutionArn}`;
}

/**
 * Makes the campaign serve `solutionVersionArn`: creates it, or updates it to that version (and
 * the spec's TPS and config). Safe under duplicate and late deliveries: a create or update already
 * heading for this version is not repeated, and an update to another version still in flight is
 * retried later (Personalize allows one update at a time). Deliveries racing each other are
 * serialised by `spec.claim`: only its holder updates.
 */
async function deployCampaign(client: PersonalizeClient, spec: CampaignSpec): Promise<CampaignDeployment> {
  const attempted = `deploy campaign ${spec.name}`;
  const existing = await findCampaign(client, spec.solutionArn, spec.name);
  if (existing === undefined) {
    try {
      const response = await client.send(
        new CreateCampaignCommand({
          name: spec.name,
          solutionVersionArn: spec.solutionVersionArn,
          minProvisionedTPS: spec.minProvisionedTPS,
          ...(spec.campaignConfig !== undefined && { campaignConfig: spec.campaignConfig }),
          tags: toTagList(spec.tags),
        }),
      );
      return { arn: requireArn(response.campaignArn, 'CreateCampaign'), operation: 'create', requested: true };
    } catch (error) {
      if (!isAlreadyExists(error)) throw toOpsError(error, `CreateCampaign ${spec.name}`);
      const elsewhere = await call(`ListCampaigns ${spec.name}`, () => campaignElsewhere(client, spec));
      if (elsewhere !== undefined) {
        throw new PermanentOpsError(
          `${attempted}: the name is already used by a campaign of ${elsewhere}; Personalize names are account-wide, so choose another name`,
          { cause: error },
        );
      }
      // Lost a race with another delivery (or the listing lags): decide again from a fresh look.
      throw new RetryableOpsError(`${attempted}: the campaign already exists but is not listed yet; retrying`, { cause: error });
    }
  }
  const arn = requireArn(existing.campaignArn, 'DescribeCampaign');
  const status = existing.status ?? 'UNKNOWN';
  const update = existing.latestCampaignUpdate;
  if (IN_FLIGHT.has(status)) {
    if (existing.solutionVersionArn === spec.solutionVersionArn) return { arn, operation: 'create', requested: false };
    throw new ResourceNotReadyError(arn, status);
  }
  if (update?.status !== undefined && IN_FLIGHT.has(update.status)) {
    if (update.solutionVersionArn === spec.solutionVersionArn) return { arn, operation: 'update', requested: false };
    throw new RetryableOpsError(
      `${attempted}: campaign ${arn} is updating to ${update.solutionVersionArn ?? 'another version'}; retrying after it`,
    );
  }
  if (status !== STATUS_ACTIVE && !isFailedStatus(status)) throw new ResourceNotReadyError(arn, status);
  const serves = existing.solutionVersionArn === spec.solutionVersionArn;
  const sameTps = existing.minProvisionedTPS === spec.minProvisionedTPS;
  if (status === STATUS_ACTIVE && serves && sameTps) return { arn, operation: 'none', requested: false };
  if (spec.claim !== undefined && !(await spec.claim())) {
    const latest = (await describeCampaign(client, arn)).latestCampaignUpdate;
    if (latest?.solutionVersionArn === spec.solutionVersionArn && latest.status !== undefined && !isFailedStatus(latest.status)) {
      // The holder's update is in flight or done: follow it (Campaign Deployed comes from its end).
      return { arn, operation: 'update', requested: false };
    }
    throw new RetryableOpsError(
      `${attempted}: another delivery holds the update of campaign ${arn} to ${spec.solutionVersionArn} and has not requested it yet; retrying`,
    );
  }
  try {
    await call(`UpdateCampaign ${arn}`, () =>
      client.send(
        new UpdateCampaignCommand({
          campaignArn: arn,
          solutionVersionArn: spec.solutionVersionArn,
          minProvisionedTPS: spec.minProvisionedTPS,
          ...(spec.campaignConfig !== undefined && { campaignConfig: spec.campaignConfig }),
        }),
      ),
    );
  } catch (error) {
    // Best effort: a failed release leaves the claim to lapse at its deadline. A retry looks at the
    // campaign first, so an update that was made after all is followed, not requested again.
    await spec.release?.().catch(() => undefined);
    throw error;
  }
  return { arn, operation: 'update', requested: true };
}

/** Describes a campaign by ARN. */
async function describeCampaign(client: PersonalizeClient, campaignArn: string): Promise<Campaign> {
  const described = await call(`DescribeCampaign ${campaignArn}`, () => client.send(new DescribeCampaignCommand({ campaignArn })));
  if (described.campaign === undefined) throw new RetryableOpsError(`DescribeCampaign ${campaignArn}: no campaign in the response`);
  return described.campaign;
}

export { deployCampaign, describeCampaign, findCampaign };
export type { CampaignDeployment, CampaignSpec };
