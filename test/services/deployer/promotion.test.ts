/**
 * Promotion to deployment under crashes and duplicates, on the local cloud: the model evaluator
 * stopping between its stored decision and promoted.json, and the campaign deployer's reaction.
 */
import { DescribeCampaignCommand } from '@aws-sdk/client-personalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solutionVersionPromoted } from '@recops/events';
import { createClients, gateDecisionKey, promotedVersionKey } from '@recops/core/runtime';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { onCampaignActive, onPromoted } from '../../../services/campaign-deployer/deploy';
import { onVersionActive } from '../../../services/model-evaluator/evaluate';
import { writePromotedVersion } from '../../../services/model-records';
import { CAMPAIGNS, DSG, SOLUTION, startPromotionChain, type PromotionChain } from './promotion-chain';

let chain: PromotionChain;

beforeAll(async () => {
  chain = await startPromotionChain();
}, 120_000);

afterAll(async () => {
  await chain?.close();
});

function runOf(runId: string) {
  return { runId, datasetGroupName: DSG, stage: 'prod' };
}

async function objectText(key: string): Promise<string | undefined> {
  const deps = chain.deps();
  try {
    const response = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucketName, Key: key }));
    return await response.Body?.transformToString('utf8');
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** S3 calls of this client fail like a process killed right before it writes promoted.json. */
function crashingBeforePromotedJson() {
  const clients = createClients({ endpoint: chain.cloud.endpoint, region: chain.cloud.region, env: {} });
  clients.s3.middlewareStack.add(
    (next, context) => async (args) => {
      const key = String((args.input as { Key?: unknown }).Key ?? '');
      if (context.commandName === 'PutObjectCommand' && key.endsWith('/promoted.json')) throw new Error('killed before promoted.json');
      return next(args);
    },
    { step: 'initialize', name: 'crashBeforePromotedJson' },
  );
  return { ...chain.deps(), s3: clients.s3 };
}

/** Waits until the campaign serves `versionArn` with its update settled. */
async function servedBy(campaignArn: string, versionArn: string): Promise<void> {
  for (let attempt = 0; attempt < 1200; attempt += 1) {
    const { campaign } = await chain.clients.personalize.send(new DescribeCampaignCommand({ campaignArn }));
    if (campaign?.solutionVersionArn === versionArn && campaign.latestCampaignUpdate?.status === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`campaign ${campaignArn} does not serve ${versionArn}`);
}

describe('Evaluator and deployer: a crash between the decision and promoted.json', () => {
  it("redoes every step after the stored decision on redelivery, so the run's campaigns are deployed", async () => {
    // Prepare: an earlier run promoted the first version; this run trained the second.
    const [v1, v2] = chain.versions;
    const run = runOf('2026_12_04_09_00_00-crash001');
    await chain.storeRun(run.runId);
    await writePromotedVersion(chain.deps().s3, chain.deps().bucketName, DSG, SOLUTION, {
      solutionVersionArn: v1,
      solutionArn: v1.slice(0, v1.lastIndexOf('/')),
      runId: '2026_12_03_09_00_00-earlier1',
      promotedAt: '2026-12-03T09:30:00.000Z',
      metrics: {},
    });

    // Act 1: the first delivery stores its decision and dies before promoted.json.
    await expect(onVersionActive(run, v2, crashingBeforePromotedJson())).rejects.toThrow(/killed before promoted.json/);
    expect(await objectText(gateDecisionKey(DSG, SOLUTION, v2))).toContain('"promoted"');
    expect(JSON.parse((await objectText(promotedVersionKey(DSG, SOLUTION))) ?? '{}')).toMatchObject({ solutionVersionArn: v1 });
    expect(chain.events.filter((e) => e.detailType === 'Solution Version Promoted')).toEqual([]);

    // Act 2: the redelivery finds the decision and carries it out.
    const evaluation = await onVersionActive(run, v2, chain.deps());
    expect(evaluation).toMatchObject({ outcome: 'promoted', republished: true });
    expect(JSON.parse((await objectText(promotedVersionKey(DSG, SOLUTION))) ?? '{}')).toMatchObject({ solutionVersionArn: v2 });
    const promoted = chain.events.filter((e) => e.detailType === 'Solution Version Promoted');
    expect(promoted.map((e) => e.detail.resourceArn)).toEqual([v2]);

    // Assess: the deployer acts on the promotion, and each campaign ends deployed on the version.
    const deployerDeps = { ...chain.deps(), deliveryId: 'message-promoted-1' };
    const deploy = await onPromoted(solutionVersionPromoted.parse(promoted[0]?.event), deployerDeps);
    expect(deploy.skipped).toEqual([]);
    expect(deploy.requested.sort()).toEqual(CAMPAIGNS.map((name) => `update ${name} → ${v2}`));
    for (const name of CAMPAIGNS) {
      const arn = chain.campaigns[name] ?? '';
      await servedBy(arn, v2);
      expect((await onCampaignActive(run, arn, 'update', deployerDeps)).deployed).toEqual([`${name} → ${v2}`]);
    }
    const deployed = chain.events.filter((e) => e.detailType === 'Campaign Deployed' && e.detail.runId === run.runId);
    expect(deployed.map((e) => [e.detail.campaignName, e.detail.solutionVersionArn, e.detail.operation]).sort()).toEqual(
      CAMPAIGNS.map((name) => [name, v2, 'update']),
    );
  }, 120_000);

  it('retries visibly, deploying nothing, while the promotion recorded is older than the one announced; skips an older one', async () => {
    // Prepare: the second version is the last promotion recorded; an event announces the third, later.
    // (Times after the first test's promotion, which was recorded at the wall clock's now.)
    const [v1, v2, v3] = chain.versions;
    const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();
    const run = runOf('2026_12_04_09_10_00-lagging1');
    await chain.storeRun(run.runId);
    await writePromotedVersion(chain.deps().s3, chain.deps().bucketName, DSG, SOLUTION, {
      solutionVersionArn: v2,
      solutionArn: v2.slice(0, v2.lastIndexOf('/')),
      runId: '2026_12_04_09_00_00-crash001',
      promotedAt: hoursFromNow(1),
      metrics: {},
    });
    const template = chain.events.find((e) => e.detailType === 'Solution Version Promoted');
    const announce = (resourceArn: string, promotedAt: string) =>
      solutionVersionPromoted.parse({ ...template?.event, detail: { ...template?.detail, ...run, resourceArn, promotedAt } });
    const before = chain.mutations.length;
    const deployerDeps = { ...chain.deps(), deliveryId: 'message-promoted-2' };

    // Act + assess: the newer announcement goes back to the queue with the reason, and nothing is deployed.
    await expect(onPromoted(announce(v3, hoursFromNow(2)), deployerDeps)).rejects.toMatchObject({
      retryable: true,
      message: expect.stringContaining(`the last promotion recorded is ${v2}`),
    });
    // A late announcement of an older version is skipped, with the reason.
    const late = await onPromoted(announce(v1, hoursFromNow(-24)), deployerDeps);
    expect(late.requested).toEqual([]);
    expect(late.skipped).toEqual(CAMPAIGNS.map((name) => `campaign ${name}: ${v1} is no longer the latest promoted version (${v2})`));
    expect(chain.mutations.slice(before)).toEqual([]);
  });
});
