/**
 * campaign-deployer: on Solution Version Promoted, makes each campaign of the solution serve the
 * promoted version (or the version the file pins, CDK `campaigns[].solutionversion`): creates the
 * campaign, or updates it, and asks the watcher to follow the create or the update
 * (`latestCampaignUpdate`). On Campaign Status Changed ACTIVE it checks the campaign really serves
 * a settled version and publishes Campaign Deployed, once per run and campaign.
 *
 * A solution the file does not train (CDK `createNewSolutionVersion: false`) sees no Promoted: its
 * campaigns pinned to a version (`solutionversion`) are deployed when the run finds the solution
 * ACTIVE (Solution Status Changed), and the run counts them as goals.
 *
 * Rejected versions never get here: nothing subscribes the deployer to Solution Version Rejected.
 * A Promoted that is no longer the solution's latest promotion (a late or duplicated event) deploys
 * nothing, so a campaign never steps back to an older version (its run fails the deployment step
 * with the reason, unless it deployed the campaign already). One newer than the latest promotion
 * recorded (the evaluator stopped before recording it) returns to the queue until it is recorded.
 */
import { campaignDeployed, PIPELINE_STEP, type solutionVersionPromoted } from '@recops/events';
import type { CampaignPlan, Plan } from '@recops/core';
import { deployCampaign, describeCampaign, findCampaign } from '@recops/core/ops';
import {
  claimForAttempt,
  releaseAttempt,
  claimKey,
  claimOnce,
  isClaimed,
  publish,
  RetryLaterError,
  type ChainDependencies,
  type ClaimAttempt,
} from '@recops/core/runtime';
import { loadPlanIfStored, readPromotedVersion, solutionOfVersion, type PromotedVersion } from '../model-records';
import { permanentFailureOf, publishStepFailed, requestWatch, type RunRef } from '../run-events';

export interface DeployerDependencies extends ChainDependencies {
  /** SQS messageId of the record: owner of the Campaign Deployed claim (stable across its retries). */
  readonly deliveryId: string;
  /** This delivery attempt: holder of the claim on a campaign update (see `claimForAttempt`). */
  readonly attempt: ClaimAttempt;
}

export interface DeployReport {
  readonly requested: string[];
  readonly watched: string[];
  readonly deployed: string[];
  readonly skipped: string[];
  failed?: string;
}

const emptyReport = (): DeployReport => ({ requested: [], watched: [], deployed: [], skipped: [] });

type Promoted = ReturnType<typeof solutionVersionPromoted.parse>;

export async function onPromoted(promoted: Promoted, deps: DeployerDependencies): Promise<DeployReport> {
  const report = emptyReport();
  const run: RunRef = promoted;
  const plan = await loadPlanIfStored(deps.s3, deps.bucketName, run);
  const solution = plan?.solutions.find((s) => s.name === promoted.solutionName);
  if (solution === undefined || solution.campaigns.length === 0) {
    report.skipped.push(`${promoted.solutionName}: no campaign in the plan of run ${run.runId}`);
    return report;
  }
  const latest = await readPromotedVersion(deps.s3, deps.bucketName, run.datasetGroupName, promoted.solutionName);
  if (latest !== undefined && latest.solutionVersionArn !== promoted.resourceArn && latest.promotedAt < promoted.promotedAt) {
    // The evaluator records a promotion before announcing it: a record older than this event means
    // it has not finished (its redelivery writes it). Deploying nothing here would end the run
    // nowhere, and deploying anyway could let a late older promotion win: wait for the record.
    throw new RetryLaterError(
      `${promoted.solutionName}: ${promoted.resourceArn} was promoted at ${promoted.promotedAt}, but the last promotion recorded is ${latest.solutionVersionArn} at ${latest.promotedAt}; retrying until the model evaluator records it`,
    );
  }
  const stale = latest !== undefined && latest.solutionVersionArn !== promoted.resourceArn;
  for (const campaign of solution.campaigns) {
    const pinned = campaign.solutionVersionArn !== undefined;
    if (stale && !pinned) {
      await supersede(run, campaign, promoted.resourceArn, latest, deps, report);
      continue;
    }
    try {
      await deployOne(run, campaign, campaign.solutionVersionArn ?? promoted.resourceArn, deps, report);
    } catch (error) {
      const failure = permanentFailureOf(error);
      await publishStepFailed(run, deps, PIPELINE_STEP.deployment, 'campaign', failure);
      report.failed = `campaign ${campaign.name}: ${failure.reason}`;
    }
  }
  return report;
}

/**
 * A promotion of the run that a later one (another run's) superseded: the campaign is not stepped
 * back to it. When the run has not deployed the campaign and no create or update to its version is
 * in flight, its goal cannot be met any more, so the step fails with the reason instead of leaving
 * the run waiting; otherwise (a late copy of the event) the deployment under way concludes it.
 */
async function supersede(
  run: RunRef,
  campaign: CampaignPlan,
  versionArn: string,
  latest: PromotedVersion,
  deps: DeployerDependencies,
  report: DeployReport,
): Promise<void> {
  const why = `campaign ${campaign.name}: ${versionArn} is no longer the latest promoted version (${latest.solutionVersionArn})`;
  if (await isClaimed(deps.s3, deps.bucketName, deployedClaimKey(run, campaign))) {
    report.skipped.push(why);
    return;
  }
  const found = await findCampaign(deps.personalize, solutionOfVersion(versionArn).solutionArn, campaign.name);
  if (found?.solutionVersionArn === versionArn || found?.latestCampaignUpdate?.solutionVersionArn === versionArn) {
    report.skipped.push(`${why}; the campaign's deployment of it is under way`);
    return;
  }
  const reason = `${why}: run ${latest.runId} promoted it at ${latest.promotedAt}, so the campaign serves that version rather than this run's`;
  await publishStepFailed(run, deps, PIPELINE_STEP.deployment, 'campaign', { resourceArn: versionArn, reason, errors: [] });
  report.failed = reason;
}

function deployedClaimKey(run: RunRef, campaign: CampaignPlan): string {
  return claimKey(run.datasetGroupName, run.runId, `campaign-deployed/${campaign.name}`);
}

/**
 * Solution Status Changed ACTIVE: when the run's file does not train this solution, its campaigns
 * pinned to a version serve that version (unpinned ones wait for a promotion: validation warns).
 */
export async function onSolutionActive(run: RunRef, solutionArn: string, deps: DeployerDependencies): Promise<DeployReport> {
  const report = emptyReport();
  const name = solutionArn.slice(solutionArn.lastIndexOf('/') + 1);
  const plan = await loadPlanIfStored(deps.s3, deps.bucketName, run);
  const solution = plan?.solutions.find((s) => s.name === name);
  if (solution === undefined || solution.version !== undefined) {
    report.skipped.push(
      `${name}: ${solution === undefined ? `not in the plan of run ${run.runId}` : 'trained by the run: deployed after the gate'}`,
    );
    return report;
  }
  for (const campaign of solution.campaigns) {
    if (campaign.solutionVersionArn === undefined) {
      report.skipped.push(`campaign ${campaign.name}: not pinned, and the run trains no version of ${name}`);
      continue;
    }
    try {
      await deployOne(run, campaign, campaign.solutionVersionArn, deps, report);
    } catch (error) {
      const failure = permanentFailureOf(error);
      await publishStepFailed(run, deps, PIPELINE_STEP.deployment, 'campaign', failure);
      report.failed = `campaign ${campaign.name}: ${failure.reason}`;
    }
  }
  return report;
}

async function deployOne(
  run: RunRef,
  campaign: CampaignPlan,
  solutionVersionArn: string,
  deps: DeployerDependencies,
  report: DeployReport,
): Promise<void> {
  const { solutionArn } = solutionOfVersion(solutionVersionArn);
  // One UpdateCampaign per run, campaign and version, however many deliveries find it on its old version.
  const versionId = solutionVersionArn.slice(solutionVersionArn.lastIndexOf('/') + 1);
  const key = claimKey(run.datasetGroupName, run.runId, `campaign-update/${campaign.name}/${versionId}`);
  const result = await deployCampaign(deps.personalize, {
    solutionArn,
    name: campaign.name,
    solutionVersionArn,
    minProvisionedTPS: campaign.minProvisionedTPS,
    ...(campaign.campaignConfig !== undefined && { campaignConfig: campaign.campaignConfig as never }),
    tags: campaign.tags,
    // An S3 failure here is not an OpsError: the record returns to the queue and is retried as is.
    claim: async () => (await claimForAttempt(deps.s3, deps.bucketName, key, deps.attempt, deps.now())).claimed,
    release: () => releaseAttempt(deps.s3, deps.bucketName, key, deps.attempt, deps.now()),
  });
  if (result.requested) report.requested.push(`${result.operation} ${campaign.name} → ${solutionVersionArn}`);
  if (result.operation === 'none') {
    await publishDeployed(run, deps, report, { campaignArn: result.arn, campaign, solutionVersionArn, operation: 'unchanged' });
    return;
  }
  await requestWatch(run, deps, report, 'campaign', result.arn, result.operation);
}

/** Campaign Status Changed ACTIVE: the create or update the deployer asked for is done. */
export async function onCampaignActive(
  run: RunRef,
  campaignArn: string,
  operation: 'create' | 'update',
  deps: DeployerDependencies,
): Promise<DeployReport> {
  const report = emptyReport();
  const campaign = await describeCampaign(deps.personalize, campaignArn);
  const update = campaign.latestCampaignUpdate;
  if (
    campaign.status !== 'ACTIVE' ||
    (update?.status !== undefined && update.status !== 'ACTIVE') ||
    campaign.solutionVersionArn === undefined
  ) {
    report.skipped.push(`campaign ${campaignArn} is ${campaign.status ?? '?'} (update ${update?.status ?? 'none'}): not settled`);
    return report;
  }
  const plan = await loadPlanIfStored(deps.s3, deps.bucketName, run);
  const planned = findPlannedCampaign(plan, campaign.name ?? '');
  if (planned === undefined) {
    report.skipped.push(`campaign ${campaign.name ?? campaignArn} is not in the plan of run ${run.runId}`);
    return report;
  }
  await publishDeployed(run, deps, report, { campaignArn, campaign: planned, solutionVersionArn: campaign.solutionVersionArn, operation });
  return report;
}

function findPlannedCampaign(plan: Plan | undefined, name: string): CampaignPlan | undefined {
  for (const solution of plan?.solutions ?? []) {
    const found = solution.campaigns.find((c) => c.name === name);
    if (found !== undefined) return found;
  }
  return undefined;
}

async function publishDeployed(
  run: RunRef,
  deps: DeployerDependencies,
  report: DeployReport,
  deployed: { campaignArn: string; campaign: CampaignPlan; solutionVersionArn: string; operation: 'create' | 'update' | 'unchanged' },
): Promise<void> {
  const claim = await claimOnce(deps.s3, deps.bucketName, deployedClaimKey(run, deployed.campaign), deps.deliveryId, deps.now());
  if (!claim.claimed) {
    report.skipped.push(`Campaign Deployed ${deployed.campaign.name}: already published for run ${run.runId}`);
    return;
  }
  const entry = campaignDeployed.entry(
    {
      runId: run.runId,
      datasetGroupName: run.datasetGroupName,
      stage: run.stage,
      resourceArn: deployed.campaignArn,
      campaignName: deployed.campaign.name,
      solutionName: solutionOfVersion(deployed.solutionVersionArn).solutionName,
      solutionVersionArn: deployed.solutionVersionArn,
      operation: deployed.operation,
      pinned: deployed.campaign.solutionVersionArn !== undefined,
      deployedAt: deps.now().toISOString(),
    },
    deps.busName,
  );
  await publish(deps.eventBridge, [entry]);
  report.deployed.push(`${deployed.campaign.name} → ${deployed.solutionVersionArn}`);
}
