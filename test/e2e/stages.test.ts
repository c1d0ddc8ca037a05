/**
 * Issue 14, stage isolation: two stages in one account (one local cloud; its own stage `qa` and a
 * second runner of every service for `prod`, each signing as recops-<stage>-<service>) take the same
 * parameter file and never touch each other's Personalize resources: both runs complete, each
 * stage holds only its own dataset group, solutions and campaigns, an update on one stage leaves
 * the other as it was, and `recops cleanup` on `qa` deletes only qa's resources.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeCampaignCommand,
  ListCampaignsCommand,
  ListDatasetGroupsCommand,
  ListEventTrackersCommand,
  ListFiltersCommand,
  ListSchemasCommand,
  ListSolutionsCommand,
  ListSolutionVersionsCommand,
} from '@aws-sdk/client-personalize';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createClients, type Clients } from '@recops/core/runtime';
import { createLocalCloud, runner as localRunner, type LocalCloud } from '@recops/local';
import { SERVICES } from '@recops/services/manifest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recops } from '../cli/run-recops';
import { generateSeedData, seedBatchInput, seedBatchInputKey, seedExampleText } from './support/data';

const RUN_TIMEOUT_MS = 180_000;
const GROUP = 'dataset-group-name-1';
const CONFIG_KEY = `train/${GROUP}/config.json`;
const STAGES = ['qa', 'prod'] as const;
type Stage = (typeof STAGES)[number];

interface StageEvent {
  readonly detailType: string;
  readonly detail: Record<string, any>;
}

/** What Personalize holds for one dataset group, by name. */
interface GroupInventory {
  readonly solutions: string[];
  readonly solutionVersions: string[];
  readonly campaigns: { name: string; minProvisionedTPS: number | undefined }[];
  readonly filters: string[];
  readonly eventTrackers: string[];
}

async function groupArnOf(clients: Clients, name: string): Promise<string | undefined> {
  const groups = (await clients.personalize.send(new ListDatasetGroupsCommand({ maxResults: 100 }))).datasetGroups ?? [];
  return groups.find((g) => g.name === name)?.datasetGroupArn;
}

async function inventoryOf(clients: Clients, datasetGroupArn: string): Promise<GroupInventory> {
  const p = clients.personalize;
  const solutions = (await p.send(new ListSolutionsCommand({ datasetGroupArn, maxResults: 100 }))).solutions ?? [];
  const solutionVersions: string[] = [];
  const campaigns: GroupInventory['campaigns'] = [];
  for (const solution of solutions) {
    const versions = (await p.send(new ListSolutionVersionsCommand({ solutionArn: solution.solutionArn, maxResults: 100 })))
      .solutionVersions;
    solutionVersions.push(...(versions ?? []).map((v) => v.solutionVersionArn ?? '?'));
    for (const c of (await p.send(new ListCampaignsCommand({ solutionArn: solution.solutionArn, maxResults: 100 }))).campaigns ?? []) {
      const { campaign } = await p.send(new DescribeCampaignCommand({ campaignArn: c.campaignArn }));
      campaigns.push({ name: c.name ?? '?', minProvisionedTPS: campaign?.minProvisionedTPS });
    }
  }
  const filters = (await p.send(new ListFiltersCommand({ datasetGroupArn, maxResults: 100 }))).Filters ?? [];
  const trackers = (await p.send(new ListEventTrackersCommand({ datasetGroupArn, maxResults: 100 }))).eventTrackers ?? [];
  return {
    solutions: solutions.map((s) => s.name ?? '?').sort(),
    solutionVersions: solutionVersions.sort(),
    campaigns: campaigns.sort((a, b) => a.name.localeCompare(b.name)),
    filters: filters.map((f) => f.name ?? '?').sort(),
    eventTrackers: trackers.map((t) => t.name ?? '?').sort(),
  };
}

describe('E2E: two stages in one account', () => {
  let dir: string;
  let cloud: LocalCloud;
  let prodRunner: localRunner.Runner;
  let clients: Clients;
  const events: Record<Stage, StageEvent[]> = { qa: [], prod: [] };
  const saved: Record<string, string | undefined> = {};
  /** Calls the local IAM denied (each service signs as recops-<stage>-<service>). */
  const denials: string[] = [];
  const bucketOf = (stage: Stage) => localRunner.localNames(stage).bucketName;

  /** The outcome of the next run of `stage` after `from` events (Pipeline Completed or Failed). */
  async function outcomeAfter(stage: Stage, from: number): Promise<StageEvent> {
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const found = events[stage].slice(from).find((e) => e.detailType === 'Pipeline Completed' || e.detailType === 'Pipeline Failed');
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no outcome of stage ${stage}'s run; its bus so far: ${events[stage].map((e) => e.detailType).join(', ')}`);
  }

  async function upload(stage: Stage, key: string, body: string): Promise<void> {
    await clients.s3.send(new PutObjectCommand({ Bucket: bucketOf(stage), Key: key, Body: body }));
  }

  beforeAll(async () => {
    for (const [key, value] of Object.entries({
      RECOPS_WATCH_MAX_DELAY_SECONDS: '1',
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
      POWERTOOLS_METRICS_DISABLED: 'true',
    })) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    dir = await mkdtemp(join(tmpdir(), 'recops-stages-'));
    cloud = await createLocalCloud({ dataDir: join(dir, 'cloud'), stage: 'qa', manifest: SERVICES, personalizeStepDelayMs: 50 });
    const bus = cloud.bus;
    if (!bus) throw new Error('the local cloud has no bus services');
    // The second stage: every service again, with prod's queues, bus, bucket, schedule group and keys.
    prodRunner = await localRunner.startRunner({
      manifest: SERVICES,
      endpoint: cloud.endpoint,
      stage: 'prod',
      sqs: bus.sqs,
      eventBridge: bus.eventBridge,
      scheduler: bus.scheduler,
      s3: cloud.s3,
      ...(cloud.iam ? { iam: cloud.iam } : {}),
    });
    clients = createClients({ endpoint: cloud.endpoint, region: cloud.region, env: {} });
    cloud.eventLog.subscribe((entry) => {
      if (entry.kind === 'iam.access-denied') denials.push(JSON.stringify(entry.data));
      if (entry.kind !== 'bus.event') return;
      const data = entry.data as { bus?: string; event?: Record<string, any> };
      const stage = STAGES.find((s) => localRunner.localNames(s).busName === data.bus);
      if (stage && data.event) events[stage].push({ detailType: data.event['detail-type'], detail: data.event.detail ?? {} });
    });
  }, 60_000);

  afterAll(async () => {
    await prodRunner?.close();
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it(
    'runs one parameter file on both stages; each stage holds and reports only its own resources',
    async () => {
      // Act: the same file and data, uploaded to both stages at once.
      const data = generateSeedData();
      const file = await seedExampleText();
      await Promise.all(
        STAGES.map(async (stage) => {
          await upload(stage, `train/${GROUP}/users.csv`, data.usersCsv);
          await upload(stage, `train/${GROUP}/interactions.csv`, data.interactionsCsv);
          await upload(stage, seedBatchInputKey(), seedBatchInput());
          await upload(stage, CONFIG_KEY, file);
        }),
      );
      const [qaOutcome, prodOutcome] = await Promise.all(STAGES.map((stage) => outcomeAfter(stage, 0)));

      // Both runs complete, each on its own dataset group.
      expect(qaOutcome?.detailType, JSON.stringify(qaOutcome?.detail)).toBe('Pipeline Completed');
      expect(prodOutcome?.detailType, JSON.stringify(prodOutcome?.detail)).toBe('Pipeline Completed');
      expect(qaOutcome?.detail).toMatchObject({ stage: 'qa', datasetGroupName: `qa-${GROUP}` });
      expect(prodOutcome?.detail).toMatchObject({ stage: 'prod', datasetGroupName: GROUP });
      // Each stage's services ran as their own roles, within their grants.
      for (const stage of STAGES)
        expect(cloud.iam?.principalFor(`recops-${stage}-solution-trainer`)?.roleName).toBe(`recops-${stage}-solution-trainer`);
      expect(denials).toEqual([]);

      // Personalize: two dataset groups; qa's resources all carry qa's prefix, prod's the file's names.
      const qaGroup = await groupArnOf(clients, `qa-${GROUP}`);
      const prodGroup = await groupArnOf(clients, GROUP);
      expect(qaGroup).toBeDefined();
      expect(prodGroup).toBeDefined();
      const qa = await inventoryOf(clients, qaGroup as string);
      const prod = await inventoryOf(clients, prodGroup as string);
      expect(prod.solutions).toEqual(['popularity-count-solution', 'sims-solution', 'user-personalization-solution']);
      expect(qa.solutions).toEqual(prod.solutions.map((name) => `qa-${name}`));
      expect(prod.campaigns.map((c) => c.name)).toEqual(['user-personalization-campaign']);
      expect(qa.campaigns.map((c) => c.name)).toEqual(['qa-user-personalization-campaign']);
      expect(qa.filters).toEqual(prod.filters.map((name) => `qa-${name}`));
      expect(qa.eventTrackers).toEqual(prod.eventTrackers.map((name) => `qa-${name}`));
      expect(qa.solutionVersions).toHaveLength(3);
      expect(prod.solutionVersions).toHaveLength(3);
      for (const arn of qa.solutionVersions) expect(arn).toMatch(/:solution\/qa-/);
      for (const arn of prod.solutionVersions) expect(arn).not.toMatch(/:solution\/qa-/);
      const schemas = (await clients.personalize.send(new ListSchemasCommand({ maxResults: 100 }))).schemas ?? [];
      const schemaNames = schemas.map((s) => s.name ?? '?');
      expect(schemaNames.filter((name) => name.startsWith('qa-'))).toHaveLength(schemaNames.length / 2);

      // Every ARN a stage's events name is one of that stage's resources.
      const named = (stage: Stage) =>
        events[stage].flatMap((e) => (typeof e.detail.resourceArn === 'string' ? [e.detail.resourceArn as string] : []));
      const scopedArn = /:(dataset-group|dataset|schema|solution|campaign|filter|batch-inference-job|dataset-import-job)\/qa-/;
      const eventTracker = /:event-tracker\//;
      for (const arn of named('qa')) if (!eventTracker.test(arn)) expect(arn).toMatch(scopedArn);
      for (const arn of named('prod')) expect(arn).not.toMatch(/\/qa-/);

      // The CLI finds each stage's resources by the file's names.
      const endpoint = ['--endpoint', cloud.endpoint];
      const status = await Promise.all(
        STAGES.map((stage) => recops(['status', '--dataset-group', GROUP, '--json', ...endpoint, '--stage', stage])),
      );
      for (const [i, stage] of STAGES.entries()) {
        const runs = JSON.parse(status[i]?.stdout ?? '[]') as { datasetGroupName: string; runId: string }[];
        expect(
          runs.map((r) => r.datasetGroupName),
          status[i]?.stderr,
        ).toEqual([stage === 'qa' ? `qa-${GROUP}` : GROUP]);
      }
      const recommended = await Promise.all(
        STAGES.map((stage) =>
          recops(['recommend', '--campaign', 'user-personalization-campaign', '--user', 'u1', '--json', ...endpoint, '--stage', stage]),
        ),
      );
      expect(JSON.parse(recommended[0]?.stdout ?? '{}'), recommended[0]?.stderr).toMatchObject({
        campaign: 'qa-user-personalization-campaign',
      });
      expect(JSON.parse(recommended[1]?.stdout ?? '{}'), recommended[1]?.stderr).toMatchObject({
        campaign: 'user-personalization-campaign',
      });
    },
    RUN_TIMEOUT_MS + 120_000,
  );

  it(
    "updates one stage's campaign without touching the other's, and cleans up qa leaving prod whole",
    async () => {
      const prodGroup = (await groupArnOf(clients, GROUP)) as string;
      const qaGroup = (await groupArnOf(clients, `qa-${GROUP}`)) as string;
      const prodBefore = await inventoryOf(clients, prodGroup);
      const qaBefore = await inventoryOf(clients, qaGroup);

      // Act: qa's file raises its campaign's minimum TPS; prod keeps its file.
      const file = JSON.parse(await seedExampleText()) as Record<string, any>;
      const solution = file['solutions'].find((s: any) => s.campaigns?.length > 0);
      solution.campaigns[0].serviceConfig.minProvisionedTPS = 2;
      const from = events.qa.length;
      await upload('qa', CONFIG_KEY, JSON.stringify(file));
      const outcome = await outcomeAfter('qa', from);
      expect(outcome.detailType, JSON.stringify(outcome.detail)).toBe('Pipeline Completed');

      // qa's campaign changed; prod's resources are as they were.
      const qaAfter = await inventoryOf(clients, qaGroup);
      expect(qaAfter.campaigns).toEqual([{ name: 'qa-user-personalization-campaign', minProvisionedTPS: 2 }]);
      expect(qaAfter.solutionVersions.length).toBeGreaterThan(qaBefore.solutionVersions.length);
      expect(await inventoryOf(clients, prodGroup)).toEqual(prodBefore);

      // Act: clean up qa with the CLI, by the file's group name.
      const cleanup = await recops(['cleanup', '--dataset-group', GROUP, '--yes', '--endpoint', cloud.endpoint, '--stage', 'qa']);
      expect(cleanup.code, cleanup.stderr).toBe(0);
      expect(cleanup.stdout).toContain(`Cleanup of dataset group qa-${GROUP}`);

      // qa's group is gone; prod's group, solutions, versions and campaign are untouched.
      expect(await groupArnOf(clients, `qa-${GROUP}`)).toBeUndefined();
      expect(await groupArnOf(clients, GROUP)).toBe(prodGroup);
      expect(await inventoryOf(clients, prodGroup)).toEqual(prodBefore);
      const [prodCampaign] = prodBefore.campaigns;
      expect(prodCampaign?.minProvisionedTPS).toBe(1);
      // And prod refuses a cleanup by the same name.
      const refused = await recops(['cleanup', '--dataset-group', GROUP, '--yes', '--endpoint', cloud.endpoint, '--stage', 'prod']);
      expect(refused.code).not.toBe(0);
      expect(await groupArnOf(clients, GROUP)).toBe(prodGroup);
    },
    // A run, then the CLI's cleanup (its own process, polling deletions) on a loaded 2-core machine.
    RUN_TIMEOUT_MS + 420_000,
  );
});
