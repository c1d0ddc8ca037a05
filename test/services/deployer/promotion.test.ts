/**
 * Promotion to deployment under crashes and duplicates, on the local cloud: the model evaluator
 * stopping between its stored decision and promoted.json, and the campaign deployer's reaction.
 */
import { DescribeCampaignCommand, DescribeSolutionVersionCommand, ListSolutionVersionsCommand } from '@aws-sdk/client-personalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solutionVersionPromoted } from '@recops/events';
import { claimKey, createClients, deliveryAttempt, gateDecisionKey, promotedVersionKey } from '@recops/core/runtime';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { onCampaignActive, onPromoted, type DeployerDependencies } from '../../../services/campaign-deployer/deploy';
import { onSolutionActive } from '../../../services/solution-trainer/train';
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

/** A campaign deployer's dependencies for one delivery attempt of message `messageId`. */
function deployerDeps(messageId: string, receiveCount = 1, personalize = chain.clients.personalize): DeployerDependencies {
  return { ...chain.deps(), personalize, deliveryId: messageId, attempt: deliveryAttempt(messageId, receiveCount, {}) };
}

function hoursFromNow(hours: number): string {
  return new Date(Date.now() + hours * 3_600_000).toISOString();
}

/** The run's Solution Version Promoted for `versionArn`, as the deployer parses it (modelled on the first one published). */
function announcement(run: ReturnType<typeof runOf>, versionArn: string, promotedAt: string) {
  const template = chain.events.find((e) => e.detailType === 'Solution Version Promoted');
  return solutionVersionPromoted.parse({
    ...template?.event,
    detail: { ...template?.detail, ...run, resourceArn: versionArn, promotedAt },
  });
}

/** Records `versionArn` as promoted at `promotedAt` (as the evaluator does) and returns its announcement. */
async function recordAndAnnounce(run: ReturnType<typeof runOf>, versionArn: string, promotedAt: string) {
  await writePromotedVersion(chain.deps().s3, chain.deps().bucketName, DSG, SOLUTION, {
    solutionVersionArn: versionArn,
    solutionArn: versionArn.slice(0, versionArn.lastIndexOf('/')),
    runId: run.runId,
    promotedAt,
    metrics: {},
  });
  return announcement(run, versionArn, promotedAt);
}

/** The campaigns UpdateCampaign was called on (successfully) since mutation `since`. */
function updatedSince(since: number): string[] {
  return chain.mutations
    .slice(since)
    .filter((m) => m.operation === 'UpdateCampaign')
    .map((m) => m.input.campaignArn ?? '')
    .sort();
}

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
    const deploy = await onPromoted(solutionVersionPromoted.parse(promoted[0]?.event), deployerDeps('message-promoted-1'));
    expect(deploy.skipped).toEqual([]);
    expect(deploy.requested.sort()).toEqual(CAMPAIGNS.map((name) => `update ${name} → ${v2}`));
    for (const name of CAMPAIGNS) {
      const arn = chain.campaigns[name] ?? '';
      await servedBy(arn, v2);
      expect((await onCampaignActive(run, arn, 'update', deployerDeps('message-status-1'))).deployed).toEqual([`${name} → ${v2}`]);
    }
    const deployed = chain.events.filter((e) => e.detailType === 'Campaign Deployed' && e.detail.runId === run.runId);
    expect(deployed.map((e) => [e.detail.campaignName, e.detail.solutionVersionArn, e.detail.operation]).sort()).toEqual(
      CAMPAIGNS.map((name) => [name, v2, 'update']),
    );
  }, 120_000);

  it('retries visibly, deploying nothing, while the promotion recorded is older than the one announced', async () => {
    // Prepare: the second version is the last promotion recorded; an event announces the third, later.
    // (Times after the first test's promotion, which was recorded at the wall clock's now.)
    const [, v2, v3] = chain.versions;
    const run = runOf('2026_12_04_09_10_00-lagging1');
    await chain.storeRun(run.runId);
    await writePromotedVersion(chain.deps().s3, chain.deps().bucketName, DSG, SOLUTION, {
      solutionVersionArn: v2,
      solutionArn: v2.slice(0, v2.lastIndexOf('/')),
      runId: '2026_12_04_09_00_00-crash001',
      promotedAt: hoursFromNow(1),
      metrics: {},
    });
    const before = chain.mutations.length;

    // Act + assess: the newer announcement goes back to the queue with the reason, and nothing is deployed.
    await expect(onPromoted(announcement(run, v3, hoursFromNow(2)), deployerDeps('message-promoted-2'))).rejects.toMatchObject({
      retryable: true,
      message: expect.stringContaining(`the last promotion recorded is ${v2}`),
    });
    expect(chain.mutations.slice(before)).toEqual([]);
  });

  it("fails the deployment step of a run whose promotion a later run's superseded; a late copy after the deployment changes nothing", async () => {
    // Prepare: the second version is still the last promotion recorded (by the first test's run).
    const [v1, v2] = chain.versions;
    const deployedRun = runOf('2026_12_04_09_00_00-crash001');
    const superseded = runOf('2026_12_04_08_50_00-supersed');
    await chain.storeRun(superseded.runId);
    const before = chain.mutations.length;

    // Act
    const late = await onPromoted(announcement(deployedRun, v1, hoursFromNow(-24)), deployerDeps('message-promoted-3'));
    const failed = await onPromoted(announcement(superseded, v1, hoursFromNow(-24)), deployerDeps('message-promoted-4'));

    // Assess: the run that deployed its campaigns hears nothing more; the other fails, with the reason.
    const stale = (name: string) => `campaign ${name}: ${v1} is no longer the latest promoted version (${v2})`;
    expect(late).toMatchObject({ requested: [], skipped: CAMPAIGNS.map(stale) });
    expect(late.failed).toBeUndefined();
    expect(failed.requested).toEqual([]);
    const stepFailed = chain.events.filter((e) => e.detailType === 'Step Failed');
    expect(stepFailed.map((e) => [e.detail.runId, e.detail.step, e.detail.resourceKind, e.detail.resourceArn])).toEqual(
      CAMPAIGNS.map(() => [superseded.runId, 'deployment', 'campaign', v1]),
    );
    expect(stepFailed.map((e) => e.detail.reason.split(': run ')[0])).toEqual(CAMPAIGNS.map(stale));
    for (const event of stepFailed) {
      expect(event.detail.reason).toContain(`: run ${deployedRun.runId} promoted it at `);
      expect(event.detail.reason).toMatch(/so the campaign serves that version rather than this run's$/);
    }
    expect(chain.mutations.slice(before)).toEqual([]);
  });
});

describe('Deployer: one UpdateCampaign per run, campaign and version', () => {
  it('updates each campaign once when a second delivery of the promotion found it on its old version too', async () => {
    // Prepare: the third version promoted (later than anything recorded so far).
    const [, , v3] = chain.versions;
    const run = runOf('2026_12_04_09_20_00-twice001');
    await chain.storeRun(run.runId);
    const promoted = await recordAndAnnounce(run, v3, hoursFromNow(2));
    // The second delivery reads the campaigns, then its UpdateCampaign is held until the first
    // delivery is done and its updates have settled (the timing the chaos suite caught).
    let reachedUpdate!: () => void;
    const atUpdate = new Promise<void>((resolve) => {
      reachedUpdate = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held = createClients({ endpoint: chain.cloud.endpoint, region: chain.cloud.region, env: {} }).personalize;
    held.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateCampaignCommand') {
          reachedUpdate();
          await released;
        }
        return next(args);
      },
      { step: 'initialize', name: 'holdUpdateCampaign' },
    );
    const since = chain.mutations.length;

    // Act
    const second = onPromoted(promoted, deployerDeps('message-second', 1, held));
    await atUpdate;
    const [first] = await Promise.allSettled([onPromoted(promoted, deployerDeps('message-first'))]);
    if (first?.status === 'fulfilled') for (const name of CAMPAIGNS) await servedBy(chain.campaigns[name] ?? '', v3);
    release();
    const outcomes = [first, ...(await Promise.allSettled([second]))];

    // Assess: one update per campaign; a delivery that did not update goes back to the queue.
    for (const outcome of outcomes) if (outcome?.status === 'rejected') expect(outcome.reason).toMatchObject({ retryable: true });
    for (const name of CAMPAIGNS) await servedBy(chain.campaigns[name] ?? '', v3);
    const retried = await onPromoted(promoted, deployerDeps('message-first', 2));
    expect(retried.requested).toEqual([]);
    expect(updatedSince(since)).toEqual(CAMPAIGNS.map((name) => chain.campaigns[name]).sort());
    // Campaign Deployed once per campaign, on the version, whichever delivery reports it.
    for (const name of CAMPAIGNS) await onCampaignActive(run, chain.campaigns[name] ?? '', 'update', deployerDeps('message-status-2'));
    const deployed = chain.events.filter((e) => e.detailType === 'Campaign Deployed' && e.detail.runId === run.runId);
    expect(deployed.map((e) => [e.detail.campaignName, e.detail.solutionVersionArn]).sort()).toEqual(CAMPAIGNS.map((name) => [name, v3]));
  }, 60_000);

  it('lets a retry take over the claim of an attempt stopped before UpdateCampaign, and waits while the holder may still run', async () => {
    // Prepare: the first version promoted again; one campaign's update claimed by an attempt whose
    // deadline has passed, the other's by one still running.
    const [v1] = chain.versions;
    const run = runOf('2026_12_04_09_30_00-crashed1');
    await chain.storeRun(run.runId);
    const promoted = await recordAndAnnounce(run, v1, hoursFromNow(3));
    const versionId = v1.slice(v1.lastIndexOf('/') + 1);
    const [stopped, running] = CAMPAIGNS;
    const claims = [
      [stopped, { owner: 'message-c#1#dead', claimedAt: hoursFromNow(-1), until: hoursFromNow(-0.9) }],
      [running, { owner: 'message-d#1#live', claimedAt: hoursFromNow(0), until: hoursFromNow(0.1) }],
    ] as const;
    for (const [name, claim] of claims) {
      const key = claimKey(DSG, run.runId, `campaign-update/${name}/${versionId}`);
      await chain.deps().s3.send(new PutObjectCommand({ Bucket: chain.deps().bucketName, Key: key, Body: JSON.stringify(claim) }));
    }
    const since = chain.mutations.length;

    // Act: the retry of the stopped attempt's message.
    const retry = onPromoted(promoted, deployerDeps('message-c', 2));

    // Assess
    await expect(retry).rejects.toMatchObject({
      retryable: true,
      message: expect.stringContaining(`another delivery holds the update of campaign ${chain.campaigns[running]}`),
    });
    expect(updatedSince(since)).toEqual([chain.campaigns[stopped]]);
  });
});

describe('Trainer: one solution version per run and solution', () => {
  it('creates one version when SQS hands one message to a second attempt while the first is creating it', async () => {
    // Prepare: every CreateSolutionVersion request is counted, refused or not; the first attempt's
    // request is held until the second attempt is done.
    const run = runOf('2026_12_04_09_00_00-trainer1');
    await chain.storeRun(run.runId);
    const solutionArn = chain.versions[0].slice(0, chain.versions[0].lastIndexOf('/'));
    const creates: string[] = [];
    let reachedCreate!: () => void;
    const atCreate = new Promise<void>((resolve) => {
      reachedCreate = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const personalizeOf = (attempt: number) => {
      const client = createClients({ endpoint: chain.cloud.endpoint, region: chain.cloud.region, env: {} }).personalize;
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'CreateSolutionVersionCommand') {
            creates.push(String((args.input as { name?: unknown }).name));
            if (attempt === 1) {
              reachedCreate();
              await released;
            }
          }
          return next(args);
        },
        { step: 'initialize', name: 'countCreates' },
      );
      return client;
    };
    const deliver = (receiveCount: number) =>
      onSolutionActive(
        { ...run, solutionArn },
        { ...chain.deps(), personalize: personalizeOf(receiveCount), attempt: deliveryAttempt('message-train', receiveCount, {}) },
      );

    // Act
    const first = deliver(1);
    await atCreate;
    const [second] = await Promise.allSettled([deliver(2)]);
    release();
    const outcomes = [second, ...(await Promise.allSettled([first]))];

    // Assess: one create; the other attempt reused it or went back to the queue; no step failed.
    const name = chain.plan.solutions[0]?.version?.name ?? '';
    expect(creates).toEqual([name]);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ retryable: true });
      else expect(outcome.value.failed).toBeUndefined();
    }
    const listed = (await chain.clients.personalize.send(new ListSolutionVersionsCommand({ solutionArn }))).solutionVersions ?? [];
    const named = await Promise.all(
      listed.map(
        async (v) =>
          (await chain.clients.personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn: v.solutionVersionArn })))
            .solutionVersion?.name,
      ),
    );
    expect(named.filter((n) => n === name)).toHaveLength(1);
    expect(chain.events.filter((e) => e.detailType === 'Step Failed' && e.detail.runId === run.runId)).toEqual([]);
  });
});
