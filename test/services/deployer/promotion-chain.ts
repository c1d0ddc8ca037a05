/**
 * The deploy half of a run on the local cloud (real SDK clients, real engine), for the model
 * evaluator and campaign deployer: a dataset group with interactions, one popularity solution with
 * three trained versions, campaigns serving the first, and a run whose stored plan names them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import { loadParameterFile, resolvePlan, type Plan } from '@recops/core';
import {
  ResourceKind,
  StatusPhase,
  deployCampaign,
  describeStatus,
  ensureDataset,
  ensureDatasetGroup,
  ensureImportJob,
  ensureSchema,
  ensureSolution,
  ensureSolutionVersion,
  statusPhase,
} from '@recops/core/ops';
import { createClients, type ChainDependencies, type Clients } from '@recops/core/runtime';
import { plannedRunKey, plannedRunOf } from '../../support/planned-run';

export const DSG = 'claims-dsg';
export const SOLUTION = 'claims-popular';
export const CAMPAIGNS = ['claims-a', 'claims-b'] as const;
const BUCKET = 'recops-claims-test';
const BUS = 'recops-claims-test';

/** A bus event as the local cloud logged it. */
interface LoggedEvent {
  readonly detailType: string;
  readonly detail: Record<string, any>;
  /** The whole event, as a subscriber's queue receives it. */
  readonly event: Record<string, any>;
}

export interface PromotionChain {
  readonly cloud: LocalCloud;
  readonly clients: Clients;
  readonly plan: Plan;
  /** Three ACTIVE versions of the solution, oldest first; every campaign serves the first. */
  readonly versions: readonly [string, string, string];
  /** Campaign ARNs by name. */
  readonly campaigns: Readonly<Record<string, string>>;
  /** Every event put on the bus so far. */
  readonly events: LoggedEvent[];
  /** Successful Personalize Create/Update calls so far (the cloud's record), as `operation name-or-arn`. */
  readonly mutations: { operation: string; input: Record<string, string> }[];
  /** Stores the plan as run `runId`'s document, as the run door does. */
  storeRun(runId: string): Promise<void>;
  /** What a chain handler gets, on these clients. */
  deps(): ChainDependencies;
  /** Waits until the resource is ACTIVE (or fails the test with its status). */
  settle(kind: ResourceKind, arn: string): Promise<void>;
  close(): Promise<void>;
}

/** 60 users × 25 interactions over 80 items: enough to import and train a popularity model. */
function interactionsCsv(): string {
  const rows = ['USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE'];
  for (let user = 0; user < 60; user += 1) {
    for (let n = 0; n < 25; n += 1) rows.push(`u${user},i${(user * 7 + n * n) % 80},${1_700_000_000 + user * 1000 + n},view`);
  }
  return `${rows.join('\n')}\n`;
}

const INTERACTIONS_SCHEMA = {
  type: 'record',
  name: 'Interactions',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'ITEM_ID', type: 'string' },
    { name: 'TIMESTAMP', type: 'long' },
    { name: 'EVENT_TYPE', type: 'string' },
  ],
  version: '1.0',
};

function claimsPlan(): Plan {
  const text = JSON.stringify({
    datasetGroup: { serviceConfig: { name: DSG } },
    solutions: [
      {
        serviceConfig: { name: SOLUTION, recipeArn: 'arn:aws:personalize:::recipe/aws-popularity-count' },
        campaigns: CAMPAIGNS.map((name) => ({ serviceConfig: { name, minProvisionedTPS: 1 } })),
      },
    ],
  });
  const { file } = loadParameterFile(text);
  return resolvePlan(file, { stage: 'prod', bucket: BUCKET, configKey: `train/${DSG}/config.json`, runStamp: '2026_12_04_09_00_00' });
}

export async function startPromotionChain(): Promise<PromotionChain> {
  const dataDir = await mkdtemp(join(tmpdir(), 'recops-claims-'));
  const cloud = await createLocalCloud({ dataDir, personalizeStepDelayMs: 10 });
  const clients = createClients({ endpoint: cloud.endpoint, region: cloud.region, env: {} });
  const { personalize, s3 } = clients;
  const events: LoggedEvent[] = [];
  const mutations: { operation: string; input: Record<string, string> }[] = [];
  cloud.eventLog.subscribe((entry) => {
    if (entry.kind === 'bus.event') {
      const raw = (entry.data as { event?: Record<string, any> }).event;
      if (raw) events.push({ detailType: raw['detail-type'], detail: raw.detail ?? {}, event: raw });
    }
    if (entry.kind === 'personalize.mutation') mutations.push(entry.data as { operation: string; input: Record<string, string> });
  });

  const settle = async (kind: ResourceKind, arn: string): Promise<void> => {
    for (let attempt = 0; attempt < 1200; attempt += 1) {
      const status = await describeStatus(personalize, kind, arn);
      if (statusPhase(status.status) !== StatusPhase.inProgress) {
        if (status.status !== 'ACTIVE') throw new Error(`${kind} ${arn} ended ${status.status}: ${status.failureReason ?? ''}`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`${kind} ${arn} did not settle`);
  };

  await cloud.s3.ensureBucket(BUCKET);
  await clients.eventBridge.send(new CreateEventBusCommand({ Name: BUS }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'data/interactions.csv', Body: interactionsCsv() }));
  const group = await ensureDatasetGroup(personalize, { name: DSG });
  await settle(ResourceKind.datasetGroup, group.arn);
  const schema = await ensureSchema(personalize, { name: `${DSG}-interactions`, schema: INTERACTIONS_SCHEMA });
  const dataset = await ensureDataset(personalize, {
    datasetGroupArn: group.arn,
    datasetType: 'Interactions',
    name: `${DSG}-interactions`,
    schemaArn: schema.arn,
  });
  await settle(ResourceKind.dataset, dataset.arn);
  const job = await ensureImportJob(personalize, {
    datasetArn: dataset.arn,
    jobName: `${DSG}-import`,
    dataLocation: `s3://${BUCKET}/data/interactions.csv`,
    roleArn: 'arn:aws:iam::000000000000:role/personalize',
  });
  await settle(ResourceKind.datasetImportJob, job.arn);
  const solution = await ensureSolution(personalize, {
    datasetGroupArn: group.arn,
    name: SOLUTION,
    recipeArn: 'arn:aws:personalize:::recipe/aws-popularity-count',
    performAutoTraining: false,
  });
  await settle(ResourceKind.solution, solution.arn);
  const versions: string[] = [];
  for (const name of ['claims-v1', 'claims-v2', 'claims-v3']) {
    const version = await ensureSolutionVersion(personalize, { solutionArn: solution.arn, name, trainingMode: 'FULL' });
    await settle(ResourceKind.solutionVersion, version.arn);
    versions.push(version.arn);
  }
  const campaigns: Record<string, string> = {};
  for (const name of CAMPAIGNS) {
    const created = await deployCampaign(personalize, {
      solutionArn: solution.arn,
      name,
      solutionVersionArn: versions[0] ?? '',
      minProvisionedTPS: 1,
    });
    await settle(ResourceKind.campaign, created.arn);
    campaigns[name] = created.arn;
  }
  mutations.length = 0;
  events.length = 0;

  const plan = claimsPlan();
  return {
    cloud,
    clients,
    plan,
    versions: versions as [string, string, string],
    campaigns,
    events,
    mutations,
    storeRun: async (runId) => {
      const document = plannedRunOf(plan, { runId });
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: plannedRunKey(document), Body: JSON.stringify(document) }));
    },
    deps: () => ({ personalize, s3, eventBridge: clients.eventBridge, busName: BUS, bucketName: BUCKET, now: () => new Date() }),
    settle,
    close: async () => {
      await cloud.close();
      await rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
}
