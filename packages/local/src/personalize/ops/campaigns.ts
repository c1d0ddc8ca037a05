/** Campaign: Create / Describe / List / Update / Delete. */
import { isLatestVersionAlias, ResourceKind, resourceArn } from '../arns';
import { describe, ensureAbsent, findResource, latestActiveVersion, requireBelow, requireStatus, type ServiceContext } from '../context';
import { InvalidInputError, ResourceInUseError, ResourceNotFoundError } from '../errors';
import { optionalInteger, optionalObject, readTags, requireArn, requireName, type Json } from '../input';
import { CREATE_CHAIN, Status, subStatus } from '../lifecycle';
import { findRecipe } from '../recipes';
import { nowSeconds, type Resource } from '../store';
import { byParent, listPage, type Operations, startCreate, startDelete, TIMES } from './common';

/** Resolves `solution/<n>/$LATEST` and checks the version can serve (ACTIVE, not a segment recipe). */
function servableVersion(ctx: ServiceContext, arn: string): Resource {
  let version: Resource | undefined;
  if (isLatestVersionAlias(arn)) {
    const solution = findResource(ctx, ResourceKind.solution, arn.slice(0, -'/$LATEST'.length));
    version = latestActiveVersion(ctx, solution.arn);
    if (version === undefined) throw new ResourceNotFoundError(`Solution ${solution.arn} has no ACTIVE solution version.`);
  } else {
    version = findResource(ctx, ResourceKind.solutionVersion, arn);
  }
  requireStatus(version, [Status.active], 'deploying it in a campaign');
  const recipe = findRecipe(version.fields['recipeArn'] as string);
  if (recipe?.recipeType === 'USER_SEGMENTATION') {
    throw new InvalidInputError(`Solution version ${version.arn} uses a USER_SEGMENTATION recipe, which serves batch segment jobs only.`);
  }
  return version;
}

function createCampaign(ctx: ServiceContext, input: Json): Json {
  const name = requireName(input);
  const requested = requireArn(input, 'solutionVersionArn');
  const minProvisionedTPS = optionalInteger(input, 'minProvisionedTPS', 1, 500) ?? 1;
  const campaignConfig = optionalObject(input, 'campaignConfig');
  const tags = readTags(input);
  const arn = resourceArn(ResourceKind.campaign, name);
  ensureAbsent(ctx, ResourceKind.campaign, arn);
  const version = servableVersion(ctx, requested);
  const datasetGroupArn = version.fields['datasetGroupArn'] as string;
  requireBelow(
    ctx.store.list(ResourceKind.campaign, (campaign) => campaign.hidden['datasetGroupArn'] === datasetGroupArn).length,
    ctx.quotas.campaignsPerDatasetGroup,
    `Cannot create a campaign. More than ${ctx.quotas.campaignsPerDatasetGroup} resources in ACTIVE state. Please delete some and try again.`,
  );
  const fields: Record<string, unknown> = { solutionVersionArn: version.arn, minProvisionedTPS };
  if (campaignConfig !== undefined) fields['campaignConfig'] = campaignConfig;
  startCreate(ctx, {
    kind: ResourceKind.campaign,
    arn,
    name,
    fields,
    tags,
    hidden: { datasetGroupArn, solutionArn: version.fields['solutionArn'] },
  });
  return { campaignArn: arn };
}

/**
 * The old configuration keeps serving while latestCampaignUpdate runs the create chain; the campaign
 * itself stays ACTIVE (a campaign-level "UPDATE …" status is not documented).
 */
function updateCampaign(ctx: ServiceContext, input: Json): Json {
  const campaign = findResource(ctx, ResourceKind.campaign, requireArn(input, 'campaignArn'));
  const requested = input['solutionVersionArn'] === undefined ? undefined : requireArn(input, 'solutionVersionArn');
  const minProvisionedTPS = optionalInteger(input, 'minProvisionedTPS', 1, 500);
  const campaignConfig = optionalObject(input, 'campaignConfig');
  requireStatus(campaign, [Status.active, Status.createFailed], 'updating it');
  const running = (campaign.fields['latestCampaignUpdate'] as { status?: string } | undefined)?.status;
  if (running === Status.createPending || running === Status.createInProgress) {
    throw new ResourceInUseError(`Campaign ${campaign.arn} has an update in progress.`);
  }
  const version = requested === undefined ? undefined : servableVersion(ctx, requested);
  const now = nowSeconds();
  const summary: Record<string, unknown> = {
    solutionVersionArn: version?.arn ?? campaign.fields['solutionVersionArn'],
    minProvisionedTPS: minProvisionedTPS ?? campaign.fields['minProvisionedTPS'],
    status: Status.createPending,
    creationDateTime: now,
    lastUpdatedDateTime: now,
  };
  const config = campaignConfig ?? campaign.fields['campaignConfig'];
  if (config !== undefined) summary['campaignConfig'] = config;
  ctx.store.update(campaign.arn, (target) => {
    target.fields['latestCampaignUpdate'] = summary;
  });
  resumeCampaignUpdate(ctx, campaign.arn);
  return { campaignArn: campaign.arn };
}

export function resumeCampaignUpdate(ctx: ServiceContext, arn: string): void {
  ctx.lifecycle.chain(arn, {
    states: CREATE_CHAIN,
    slot: subStatus('latestCampaignUpdate'),
    work: async (resource) => {
      const update = resource.fields['latestCampaignUpdate'] as Record<string, unknown>;
      const version = ctx.store.get(update['solutionVersionArn'] as string);
      if (version === undefined || version.status !== Status.active) {
        throw new Error(`Solution version ${String(update['solutionVersionArn'])} is no longer ACTIVE.`);
      }
      return (target) => {
        target.fields['solutionVersionArn'] = version.arn;
        target.fields['minProvisionedTPS'] = update['minProvisionedTPS'];
        if (update['campaignConfig'] !== undefined) target.fields['campaignConfig'] = update['campaignConfig'];
        target.hidden['solutionArn'] = version.fields['solutionArn'];
        if (target.status === Status.createFailed) {
          target.status = Status.active;
          delete target.failureReason;
        }
      };
    },
  });
}

/**
 * Campaigns with campaignConfig.syncWithLatestSolutionVersion follow their solution: when a newer
 * version becomes ACTIVE they update to it.
 */
export function syncCampaigns(ctx: ServiceContext, version: Resource): void {
  const campaigns = ctx.store.list(
    ResourceKind.campaign,
    (campaign) =>
      campaign.hidden['solutionArn'] === version.fields['solutionArn'] &&
      (campaign.fields['campaignConfig'] as { syncWithLatestSolutionVersion?: boolean } | undefined)?.syncWithLatestSolutionVersion ===
        true &&
      campaign.fields['solutionVersionArn'] !== version.arn &&
      campaign.status === Status.active,
  );
  for (const campaign of campaigns) {
    try {
      updateCampaign(ctx, { campaignArn: campaign.arn, solutionVersionArn: version.arn });
    } catch {
      // An update already running keeps the campaign on its course; the next version syncs it.
    }
  }
}

function deleteCampaign(ctx: ServiceContext, input: Json): Json {
  const campaign = findResource(ctx, ResourceKind.campaign, requireArn(input, 'campaignArn'));
  startDelete(ctx, campaign, (resource) => ctx.store.remove([resource.arn]));
  return {};
}

export const campaignOperations: Operations = {
  CreateCampaign: createCampaign,
  DescribeCampaign: (ctx, input) => ({ campaign: describe(findResource(ctx, ResourceKind.campaign, requireArn(input, 'campaignArn'))) }),
  ListCampaigns: (ctx, input) => {
    const filter = byParent(input, 'solutionArn', 'ListCampaigns');
    const solutionArn = input['solutionArn'];
    return listPage(ctx, input, {
      kind: ResourceKind.campaign,
      key: 'campaigns',
      members: ['name', 'campaignArn', 'status', ...TIMES, 'failureReason'],
      scope: filter.scope,
      ...(solutionArn === undefined ? {} : { where: (resource: Resource) => resource.hidden['solutionArn'] === solutionArn }),
    });
  },
  UpdateCampaign: updateCampaign,
  DeleteCampaign: deleteCampaign,
};
