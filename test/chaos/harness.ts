/**
 * The chaos suite: many pipeline runs on small generated data, uploaded and scheduled, against a
 * local cloud in its own process with faults switched on (Personalize throttling, handler crashes
 * by throw and by process exit between the handler's return and the batch delete, duplicate and
 * reordered deliveries), one kill -9 right after an acknowledged upload, and poison runs whose
 * dataset group Personalize fails on every call, so their message ends in a DLQ. Then the fault is removed, the DLQs are redriven and the
 * poison runs must complete.
 *
 * What it counts, from a queue of its own subscribed to the bus (durable across kills, unlike the
 * event log's last lines), Personalize's List/Describe answers and the cloud's event log:
 * - lost: an upload or a schedule firing that started no run; stuck: a run with no outcome;
 * - failed with a reason: Pipeline Failed carrying a reason or errors;
 * - duplicates: two Personalize resources of one name in one parent (dataset groups, schemas,
 *   datasets, import jobs, solutions, versions, filters, event trackers, campaigns, batch jobs), and
 *   two UpdateCampaign calls to one version of one campaign;
 * - dead letters: every message in every DLQ, whether it is poison, and the reason it carries;
 * - redriven: poison runs that completed after the redrive.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeSolutionVersionCommand,
  ListBatchInferenceJobsCommand,
  ListCampaignsCommand,
  ListDatasetGroupsCommand,
  ListDatasetImportJobsCommand,
  ListDatasetsCommand,
  ListEventTrackersCommand,
  ListFiltersCommand,
  ListSchemasCommand,
  ListSolutionsCommand,
  ListSolutionVersionsCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { HeadObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { ConflictException, CreateScheduleCommand, CreateScheduleGroupCommand, GetScheduleCommand } from '@aws-sdk/client-scheduler';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  StartMessageMoveTaskCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { loadParameterFile, resolvePlan, stageScopedName } from '@recops/core';
import { createClients, type Clients } from '@recops/core/runtime';
import { FAULTS_ENV, personalize, readEventLog, superviseLocalCloud, type FaultOptions, type SupervisedCloud } from '@recops/local';
import { SERVICES } from '@recops/services/manifest';
import { generateSeedData } from '../e2e/support/data';

const ROOT = resolve(import.meta.dirname, '../..');
const CLOUD_PROCESS = resolve(import.meta.dirname, 'fixtures/cloud-process.ts');
const STAGE = 'chaos';
const PREFIX = `recops-${STAGE}`;
const BUCKET = `${PREFIX}-data`;
const BUS = PREFIX;
const SCHEDULE_GROUP = `${PREFIX}-schedules`;
/**
 * The suite's one-time firings live in a group of their own: recops reconciles its schedule group
 * to the parameter file, so a firing written over one of its schedules is undone by any late
 * delivery of an upload run's Dataset Group ACTIVE, and the firing is lost to the suite, not to recops.
 */
const FIRE_GROUP = `${PREFIX}-chaos-fires`;
const OBSERVER_QUEUE = 'chaos-observer';
/**
 * The poison run's dataset group name: Personalize answers every call naming it with 500 (the fault),
 * so the dataset provisioner fails on every delivery of its Pipeline Requested.
 */
const POISON_TEXT = 'chaos-poison';
/** The service whose message the poison sends to its DLQ. */
const POISON_SERVICE = 'dataset-provisioner';
const OUTCOMES = ['Pipeline Completed', 'Pipeline Failed'];

export interface ChaosOptions {
  /** Pipeline runs in all (uploads and schedule firings), poison runs included. */
  readonly runs: number;
  /** Dataset groups the runs share (each runs its runs one after the other). Default min(4, runs). */
  readonly groups?: number;
  /** Poison runs (each in a dataset group of its own). Default 1. */
  readonly poisonRuns?: number;
  readonly seed?: number;
  readonly personalizeThrottleRate?: number;
  /** Handler invocations that throw before the handler runs. */
  readonly handlerThrowRate?: number;
  /** Batches after which the process SIGKILLs itself before the delete (the first life exits sooner, see below). */
  readonly handlerExitRate?: number;
  /** The same in the cloud's first life, which the harness restarts itself after its first exit. Default 0.04. */
  readonly firstLifeExitRate?: number;
  readonly duplicateRate?: number;
  readonly reorderMaxDelayMs?: number;
  /** How long an action may take to start its run, and a run to end, before it counts as lost or stuck. */
  readonly startTimeoutMs?: number;
  readonly runTimeoutMs?: number;
  readonly log?: (line: string) => void;
  /** Queue visibility timeout (and handler timeout) in the cloud, seconds. Default 8. */
  readonly visibilitySeconds?: number;
  /**
   * maxReceiveCount of every queue. Default 5 (deployed: 10): a record failing on every delivery
   * backs off 10, 20, 40, 80 s before its DLQ, instead of reaching 15-minute steps.
   */
  readonly maxReceives?: number;
  /** Keep the cloud's data directory (its path is in the report) instead of removing it. */
  readonly keepData?: boolean;
}

interface DeadLetter {
  readonly queue: string;
  readonly detailType: string;
  readonly runId: string | undefined;
  readonly poison: boolean;
  /** The message attribute carrying the failure's reason, when there is one. */
  readonly reason: string | undefined;
}

interface RunRecord {
  readonly group: string;
  readonly action: 'upload' | 'schedule-full' | 'schedule-import';
  readonly poison: boolean;
  runId?: string;
  outcome?: string;
  reason?: string;
  /** Pipeline Completed/Failed events carrying this run's id (distinct event ids). */
  outcomeEvents: number;
  /** Outcome events beyond the one a run may publish (a poison run: one Pipeline Failed before the redrive, then one Pipeline Completed). */
  extraOutcomes: number;
  /** The reason of a poison run's Pipeline Failed before the redrive (the dead letter's). */
  deadLetterFailure?: string;
  /** Distinct runs this one action started (counted for the dataset groups' sequential runs). */
  runsStarted: number;
}

export interface ChaosReport {
  readonly seed: number;
  readonly runs: number;
  readonly completed: number;
  readonly failedWithReason: number;
  readonly failedWithoutReason: number;
  /** Actions (upload or schedule firing) that started no run. */
  readonly lost: number;
  /** Runs with no outcome after the redrive. */
  readonly stuck: number;
  /** Personalize duplicates, described. */
  readonly duplicates: readonly string[];
  /** Runs whose one action started more than one run, or that ended more than once. */
  readonly duplicateOutcomes: readonly string[];
  readonly poisonRuns: number;
  /** Poison runs that were in a DLQ (their message) before the redrive. */
  readonly poisonDeadLettered: number;
  /** Of those, with a reason attribute. */
  readonly poisonWithReason: number;
  /** Poison runs that ended in Pipeline Failed with a reason before the redrive (the dead letter failing its run). */
  readonly poisonFailedWithReason: number;
  /** Dead letters that were not poison (each a finding). */
  readonly otherDeadLetters: readonly DeadLetter[];
  readonly redriven: number;
  readonly faults: Readonly<Record<string, number>>;
  /** kill -9 asked for (after an upload) and process exits after a receive, before the delete. */
  readonly kills: { readonly afterUpload: number; readonly afterReceive: number };
  readonly wallSeconds: number;
  readonly dataDir: string;
  readonly records: readonly RunRecord[];
}

/** Park–Miller generator: the same choices for the same seed. */
function random(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  return () => {
    state = (state * 16807) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** The chaos parameter file of one dataset group: every name carries the group (Personalize names are account-wide). */
function chaosParameterFile(group: string): string {
  const interactionsFields = [
    { name: 'ITEM_ID', type: 'string' },
    { name: 'USER_ID', type: 'string' },
    { name: 'TIMESTAMP', type: 'long' },
    { name: 'EVENT_TYPE', type: 'string' },
    { name: 'EVENT_VALUE', type: 'float' },
  ];
  const schema = (name: string, fields: unknown[]) => ({
    type: 'record',
    name,
    namespace: 'com.amazonaws.personalize.schema',
    fields,
  });
  return JSON.stringify(
    {
      datasetGroup: { serviceConfig: { name: group }, workflowConfig: { schedules: { import: 'cron(0 */6 * * ? *)' } } },
      datasets: {
        users: {
          dataset: { serviceConfig: { name: `${group}-users` } },
          schema: {
            serviceConfig: {
              name: `${group}-users-schema`,
              schema: schema('users', [
                { name: 'USER_ID', type: 'string' },
                { name: 'AGE', type: 'int' },
                { name: 'GENDER', type: 'string', categorical: true },
              ]),
            },
          },
        },
        interactions: {
          dataset: { serviceConfig: { name: `${group}-interactions` } },
          schema: { serviceConfig: { name: `${group}-interactions-schema`, schema: schema('interactions', interactionsFields) } },
        },
      },
      solutions: [
        {
          serviceConfig: { name: `${group}-sims`, recipeArn: 'arn:aws:personalize:::recipe/aws-sims' },
          workflowConfig: { schedules: { full: 'cron(0 0 ? * 1 *)' } },
        },
        {
          serviceConfig: { name: `${group}-up`, recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization' },
          // Every new version goes live: each run that trains it updates the campaign.
          workflowConfig: { schedules: { full: 'cron(0 2 ? * 1 *)' }, promotionGate: { margin: -1 } },
          campaigns: [{ serviceConfig: { name: `${group}-campaign`, minProvisionedTPS: 1 } }],
          batchInferenceJobs: [{ serviceConfig: {}, workflowConfig: { schedule: 'cron(0 3 * * ? *)' } }],
        },
      ],
      eventTracker: { serviceConfig: { name: `${group}-tracker` } },
      filters: [
        {
          serviceConfig: {
            name: `${group}-clicked`,
            filterExpression: 'INCLUDE ItemID WHERE Interactions.EVENT_TYPE in ("click", "stream")',
          },
        },
      ],
    },
    null,
    2,
  );
}

interface BusEvent {
  readonly id: string;
  /** Seen after the redrive started. */
  readonly afterRedrive: boolean;
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
}

/** A started cloud process, replaced on restarts; the endpoint stays the same. */
class ChaosCloud {
  supervisor!: SupervisedCloud;
  port = 0;
  kills9 = 0;
  /** Unasked exits of the processes before the current supervisor's. */
  private earlierCrashes = 0;
  constructor(
    private readonly dataDir: string,
    private readonly settings: Record<string, string>,
    private readonly log: (line: string) => void,
    private readonly children: SupervisedCloud[],
  ) {}

  /** Processes that died unasked: each one a SIGKILL after a receive, before the delete. */
  get crashes(): number {
    return this.earlierCrashes + (this.supervisor?.crashes ?? 0);
  }

  async start(faults: FaultOptions, restartOnExit: boolean): Promise<void> {
    this.earlierCrashes = this.crashes;
    this.supervisor = await superviseLocalCloud({
      command: [process.execPath, '--import', 'tsx', CLOUD_PROCESS, this.dataDir, '{port}'],
      cwd: ROOT,
      env: { ...process.env, ...this.settings, [FAULTS_ENV]: JSON.stringify(faults) },
      restartOnExit,
      readyTimeoutMs: 120_000,
      ...(this.port ? { port: this.port } : {}),
      onOutput: (stream, text) => {
        if (stream === 'stderr' && /Error|error/.test(text)) this.log(`cloud stderr: ${text.trim().slice(0, 500)}`);
      },
    });
    this.port = Number(new URL(this.supervisor.endpoint).port);
    this.children.push(this.supervisor);
  }

  get endpoint(): string {
    return this.supervisor.endpoint;
  }
}

/** Retries a call the harness makes while the cloud restarts (a connection refused is not an answer). */
/** Metadata key of the harness's id of one write (see `put`). */
const UPLOAD_ID_METADATA = 'chaos-upload';

function s3Settings(endpoint: string): S3ClientConfig {
  return { endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}

async function retrying<T>(what: string, call: () => Promise<T>, attempts = 30): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts) throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
      await sleep(1_000);
    }
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const children: SupervisedCloud[] = [];
  try {
    return await runChaosWith(options, children);
  } finally {
    // On failure too: no cloud process outlives the suite.
    for (const child of children) await child.stop().catch(() => undefined);
  }
}

async function runChaosWith(options: ChaosOptions, children: SupervisedCloud[]): Promise<ChaosReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const seed = options.seed ?? Math.floor(Math.random() * 2_147_483_646) + 1;
  const next = random(seed);
  const poisonRuns = Math.min(options.poisonRuns ?? 1, options.runs);
  const normalRuns = options.runs - poisonRuns;
  const groupCount = Math.max(1, Math.min(options.groups ?? 4, normalRuns));
  const startTimeoutMs = options.startTimeoutMs ?? 240_000;
  const runTimeoutMs = options.runTimeoutMs ?? 300_000;
  const chaosFaults: FaultOptions = {
    seed,
    personalizeThrottleRate: options.personalizeThrottleRate ?? 0.1,
    handlerThrowRate: options.handlerThrowRate ?? 0.045,
    handlerExitRate: options.handlerExitRate ?? 0.005,
    duplicateRate: options.duplicateRate ?? 0.2,
    reorderMaxDelayMs: options.reorderMaxDelayMs ?? 1_500,
  };
  const poisonFaults: FaultOptions = { poisonText: POISON_TEXT };
  const dataDir = await mkdtemp(join(tmpdir(), 'recops-chaos-'));
  const cloud = new ChaosCloud(
    dataDir,
    {
      CHAOS_VISIBILITY_SECONDS: String(options.visibilitySeconds ?? 8),
      CHAOS_MAX_RECEIVES: String(options.maxReceives ?? 5),
    },
    log,
    children,
  );
  // First life: crashes after a receive come sooner, so at least one happens before the other
  // restarts; the harness starts the second life itself (restartOnExit off) once it did.
  await cloud.start({ ...chaosFaults, ...poisonFaults, handlerExitRate: options.firstLifeExitRate ?? 0.04 }, false);
  let clients: Clients = createClients({ endpoint: cloud.endpoint, region: 'us-east-1', env: {} });
  let secondLife: Promise<void> | undefined;
  const watchFirstLife = setInterval(() => {
    if (secondLife !== undefined || cloud.supervisor.crashes === 0) return;
    log('the cloud exited after a receive, before the delete: starting it again');
    secondLife = cloud.start({ ...chaosFaults, ...poisonFaults }, true).then(() => {
      clients = createClients({ endpoint: cloud.endpoint, region: 'us-east-1', env: {} });
    });
  }, 200);

  // ---- observer: a queue of our own with every Pipeline event, durable across kills ----
  const observerUrl = (await retrying('CreateQueue', () => clients.sqs.send(new CreateQueueCommand({ QueueName: OBSERVER_QUEUE }))))
    .QueueUrl as string;
  const observerArn = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: observerUrl, AttributeNames: ['QueueArn'] })))
    .Attributes?.QueueArn as string;
  await clients.eventBridge.send(
    new PutRuleCommand({
      Name: 'chaos-observer',
      EventBusName: BUS,
      EventPattern: JSON.stringify({ 'detail-type': ['Pipeline Requested', ...OUTCOMES] }),
    }),
  );
  await clients.eventBridge.send(
    new PutTargetsCommand({ Rule: 'chaos-observer', EventBusName: BUS, Targets: [{ Id: 'queue', Arn: observerArn }] }),
  );
  const seen = new Map<string, BusEvent>();
  let observing = true;
  let redriving = false;
  const observe = (async () => {
    while (observing) {
      try {
        const received = await clients.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: observerUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        const messages = received.Messages ?? [];
        for (const message of messages) {
          const event = JSON.parse(message.Body ?? '{}') as { id: string; 'detail-type': string; detail: Record<string, unknown> };
          if (!seen.has(event.id))
            seen.set(event.id, { id: event.id, afterRedrive: redriving, detailType: event['detail-type'], detail: event.detail ?? {} });
        }
        if (messages.length > 0)
          await clients.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl: observerUrl,
              Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
            }),
          );
      } catch {
        await sleep(500); // restarting
      }
    }
  })();
  // Events carry the stage's Personalize names (`chaos-<group>`).
  const eventsOf = (group: string) => [...seen.values()].filter((e) => e.detail.datasetGroupName === stageScopedName(STAGE, group));
  const outcomesOf = (runId: string) => [...seen.values()].filter((e) => e.detail.runId === runId && OUTCOMES.includes(e.detailType));

  const waitUntil = async (deadlineMs: number, probe: () => boolean): Promise<boolean> => {
    const deadline = Date.now() + deadlineMs;
    while (Date.now() < deadline) {
      if (probe()) return true;
      await sleep(250);
    }
    return probe();
  };

  // ---- the runs ----
  const data = generateSeedData({ users: 40, items: 30, interactionsPerUser: 30, seed });
  const groups = Array.from({ length: groupCount }, (_, i) => `chaos-g${i + 1}`);
  const poisonGroups = Array.from({ length: poisonRuns }, (_, i) => `${POISON_TEXT}-g${i + 1}`);
  const plans = new Map<string, RunRecord['action'][]>();
  for (const [i, group] of groups.entries()) {
    const count = Math.floor(normalRuns / groupCount) + (i < normalRuns % groupCount ? 1 : 0);
    const actions: RunRecord['action'][] = ['upload'];
    for (let k = 1; k < count; k++) {
      const pick = next();
      actions.push(pick < 0.4 ? 'upload' : pick < 0.8 ? 'schedule-full' : 'schedule-import');
    }
    plans.set(group, actions);
  }
  // The kill -9 right after an acknowledged upload: the second upload of the first group (or its first).
  const killAfter = { group: groups[0] as string, index: (plans.get(groups[0] as string) ?? []).indexOf('upload', 1) };
  if (killAfter.index < 0) killAfter.index = 0;
  const records: RunRecord[] = [];

  /**
   * A PUT whose retries never write twice. A PUT cut off by a restart (the kill -9 after another
   * group's upload, or an exit after a receive) may have landed before its answer was lost, and a
   * parameter file written twice is two uploads, hence two runs. So each write carries an id in its
   * metadata, the object is read back before any new try, and the SDK's own retries are off.
   */
  let uploads = 0;
  const put = async (key: string, body: string): Promise<void> => {
    uploads += 1;
    const uploadId = `${seed}-${uploads}`;
    await retrying(`PutObject ${key}`, async () => {
      const landed = await clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(
        (head) => head.Metadata?.[UPLOAD_ID_METADATA] === uploadId,
        (error: unknown) => {
          if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
          throw error;
        },
      );
      if (landed) return;
      const once = new S3Client({ ...s3Settings(cloud.endpoint), maxAttempts: 1 });
      try {
        await once.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, Metadata: { [UPLOAD_ID_METADATA]: uploadId } }));
      } finally {
        once.destroy();
      }
    });
  };

  const uploadGroup = async (group: string, withData: boolean): Promise<void> => {
    const text = chaosParameterFile(group);
    if (withData) {
      await put(`train/${group}/users.csv`, data.usersCsv);
      await put(`train/${group}/interactions.csv`, data.interactionsCsv);
      await put(`batch/${group}/${group}-up/job_config.json`, ['u1', 'u7', 'u33'].map((userId) => JSON.stringify({ userId })).join('\n'));
    }
    await put(`train/${group}/config.json`, text);
  };

  let firings = 0;
  const fireSoon = async (group: string, kind: 'full' | 'import'): Promise<void> => {
    const configKey = `train/${group}/config.json`;
    const plan = resolvePlan(loadParameterFile(chaosParameterFile(group)).file, { bucket: BUCKET, configKey, stage: STAGE });
    const solution = stageScopedName(STAGE, `${group}-up`);
    const schedule = plan.schedules.find((s) => s.kind === kind && (kind === 'import' || s.target.solutionName === solution));
    if (schedule === undefined) throw new Error(`${group} has no ${kind} schedule`);
    firings += 1;
    const name = `fire-${firings}`;
    await retrying(`fire ${schedule.name} as ${FIRE_GROUP}/${name}`, async () => {
      const stored = await clients.scheduler.send(new GetScheduleCommand({ Name: schedule.name, GroupName: SCHEDULE_GROUP }));
      await ignoreConflict(clients.scheduler.send(new CreateScheduleGroupCommand({ Name: FIRE_GROUP })));
      // The same target and input as recops' schedule, so the run starter cannot tell the difference.
      await ignoreConflict(
        clients.scheduler.send(
          new CreateScheduleCommand({
            Name: name,
            GroupName: FIRE_GROUP,
            ScheduleExpression: `at(${new Date(Date.now() + 1500).toISOString().slice(0, 19)})`,
            FlexibleTimeWindow: { Mode: 'OFF' },
            Target: stored.Target,
            ActionAfterCompletion: 'DELETE',
          }),
        ),
      );
    });
  };

  /** Does one action and follows its run to its outcome (or gives up: lost or stuck). */
  const perform = async (group: string, action: RunRecord['action'], index: number, poison: boolean): Promise<RunRecord> => {
    const record: RunRecord = { group, action, poison, outcomeEvents: 0, extraOutcomes: 0, runsStarted: 0 };
    records.push(record);
    const before = new Set(eventsOf(group).map((e) => e.detail.runId as string));
    if (action === 'upload') await uploadGroup(group, index === 0);
    else await fireSoon(group, action === 'schedule-full' ? 'full' : 'import');
    if (group === killAfter.group && index === killAfter.index) {
      log(`kill -9 right after the upload of ${group} #${index}`);
      await secondLife;
      await cloud.supervisor.kill9AndRestart();
      cloud.kills9 += 1;
    }
    const fresh = () => [...new Set(eventsOf(group).map((e) => e.detail.runId as string))].filter((id) => !before.has(id));
    await waitUntil(startTimeoutMs, () => fresh().length > 0);
    const [runId] = fresh();
    if (runId === undefined) {
      log(`LOST: ${group} #${index} ${action} started no run`);
      return record;
    }
    record.runId = runId;
    if (poison) return record; // followed after the redrive
    await waitUntil(runTimeoutMs, () => outcomesOf(runId).length > 0);
    // The group's next action starts only now: any other new run is a second run of this one action.
    record.runsStarted = fresh().length;
    return record;
  };

  const settle = (record: RunRecord): void => {
    if (record.runId === undefined) return;
    const outcomes = outcomesOf(record.runId);
    record.outcomeEvents = outcomes.length;
    // Consumers take the last outcome of a run (a run failed by a dead letter completes after its redrive).
    const last = outcomes.at(-1);
    if (last === undefined) return;
    record.outcome = last.detailType;
    const reasonOf = (event: BusEvent): string | undefined => {
      const reason =
        event.detail.reason ?? (Array.isArray(event.detail.errors) && event.detail.errors.length > 0 ? event.detail.errors : undefined);
      return reason === undefined ? undefined : typeof reason === 'string' ? reason : JSON.stringify(reason);
    };
    const reason = reasonOf(last);
    if (reason !== undefined) record.reason = reason;
    if (record.poison) {
      const failedBefore = outcomes.filter((e) => !e.afterRedrive && e.detailType === 'Pipeline Failed');
      const completedBefore = outcomes.filter((e) => !e.afterRedrive && e.detailType === 'Pipeline Completed');
      const after = outcomes.filter((e) => e.afterRedrive);
      const failure = failedBefore[0];
      if (failure !== undefined) record.deadLetterFailure = reasonOf(failure) ?? '';
      record.extraOutcomes = Math.max(0, failedBefore.length - 1) + completedBefore.length + Math.max(0, after.length - 1);
    } else {
      record.extraOutcomes = Math.max(0, outcomes.length - 1);
    }
  };

  log(`seed ${seed}: ${options.runs} runs (${poisonRuns} poison) over ${groupCount} dataset groups`);
  const poisonDone = Promise.all(poisonGroups.map((group) => perform(group, 'upload', 0, true)));
  await Promise.all(
    groups.map(async (group) => {
      for (const [index, action] of (plans.get(group) ?? []).entries()) {
        const record = await perform(group, action, index, false);
        settle(record);
        log(
          `${group} #${index} ${action}: ${record.outcome ?? (record.runId ? 'STUCK' : 'LOST')}${record.reason ? ` (${record.reason.slice(0, 160)})` : ''}`,
        );
      }
    }),
  );
  await poisonDone;
  clearInterval(watchFirstLife);
  await secondLife;

  // ---- the poison in its DLQ, with its reason ----
  const queueUrl = async (name: string) => (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl as string;
  const consumers = SERVICES.filter((s) => s.queue !== undefined).map((s) => s.name);
  const poisonDlq = await queueUrl(`${PREFIX}-${POISON_SERVICE}-dlq`);
  const poisonRunIds = new Set(records.filter((r) => r.poison && r.runId).map((r) => r.runId as string));
  const poisonInDlq = async (): Promise<Message[]> => {
    const received = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: poisonDlq, MaxNumberOfMessages: 10, VisibilityTimeout: 0, MessageAttributeNames: ['All'] }),
    );
    return (received.Messages ?? []).filter((m) => m.Body?.includes(POISON_TEXT));
  };
  let poisonLetters: Message[] = [];
  const dlqDeadline = Date.now() + runTimeoutMs;
  while (Date.now() < dlqDeadline) {
    poisonLetters = await poisonInDlq();
    const runs = new Set(poisonLetters.map((m) => (JSON.parse(m.Body ?? '{}') as { detail?: { runId?: string } }).detail?.runId));
    if ([...poisonRunIds].every((id) => runs.has(id))) break;
    await sleep(1_000);
  }
  const deadLetters: DeadLetter[] = [];
  for (const service of consumers) {
    const url = await queueUrl(`${PREFIX}-${service}-dlq`);
    // Read every message once (each stays hidden while we read the rest), then make them visible for the redrive.
    const held: Message[] = [];
    for (;;) {
      const received = await clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60, MessageAttributeNames: ['All'] }),
      );
      if ((received.Messages ?? []).length === 0) break;
      held.push(...(received.Messages ?? []));
    }
    for (const message of held) {
      const body = JSON.parse(message.Body ?? '{}') as { 'detail-type'?: string; detail?: { runId?: string } };
      const reasonAttribute = Object.entries(message.MessageAttributes ?? {}).find(([name]) => /reason/i.test(name))?.[1];
      deadLetters.push({
        queue: service,
        detailType: body['detail-type'] ?? '?',
        runId: body.detail?.runId,
        poison: message.Body?.includes(POISON_TEXT) ?? false,
        reason: reasonAttribute?.StringValue || undefined,
      });
      await clients.sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle as string, VisibilityTimeout: 0 }),
      );
    }
  }
  // A poison run's letters; anything else in a DLQ (another run's, or one with no run) is reported apart.
  const isPoisonLetter = (d: DeadLetter) => d.poison && d.queue === POISON_SERVICE && d.runId !== undefined && poisonRunIds.has(d.runId);
  const poisonLettered = deadLetters.filter(isPoisonLetter);
  const poisonRunsLettered = new Set(poisonLettered.map((d) => d.runId));
  log(
    `dead letters: ${deadLetters.map((d) => `${d.queue}:${d.detailType}:${d.runId}${d.reason ? ' (reason)' : ''}`).join(', ') || 'none'}`,
  );

  // The run tracker fails a dead-lettered run a moment after its copy lands in the DLQ: wait for that
  // Pipeline Failed, so it is not taken for the outcome of the redrive.
  await waitUntil(runTimeoutMs, () => [...poisonRunIds].every((id) => outcomesOf(id).some((e) => e.detailType === 'Pipeline Failed')));

  // ---- remove the fault, redrive, and the poison runs must complete ----
  log('restarting the cloud without the poison, then redriving every DLQ');
  redriving = true;
  await cloud.supervisor.stop();
  await cloud.start(chaosFaults, true);
  clients = createClients({ endpoint: cloud.endpoint, region: 'us-east-1', env: {} });
  for (const service of consumers) {
    const url = await queueUrl(`${PREFIX}-${service}-dlq`);
    const attributes = await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'] }),
    );
    if (Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0) === 0) continue;
    const SourceArn = attributes.Attributes?.QueueArn as string;
    const DestinationArn = (
      await clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: await queueUrl(`${PREFIX}-${service}`), AttributeNames: ['QueueArn'] }),
      )
    ).Attributes?.QueueArn;
    // The service's own queue: a copy its handler dead-lettered (SendMessage) has no source SQS remembers.
    await clients.sqs.send(new StartMessageMoveTaskCommand({ SourceArn, DestinationArn }));
  }
  const poisonRecords = records.filter((r) => r.poison && r.runId);
  await waitUntil(runTimeoutMs, () =>
    poisonRecords.every((r) => outcomesOf(r.runId as string).some((e) => e.afterRedrive && OUTCOMES.includes(e.detailType))),
  );
  log('poison runs ended; counting');
  // Let late duplicates land before counting.
  await sleep(3_000);
  for (const record of records) settle(record);
  const redriven = poisonRecords.filter((r) =>
    outcomesOf(r.runId as string).some((e) => e.afterRedrive && e.detailType === 'Pipeline Completed'),
  ).length;

  // ---- duplicates: Personalize's answers and the cloud's records ----
  // Counted through a client that outlasts the injected throttling (the cloud still runs with it).
  const counting = new PersonalizeClient({
    endpoint: cloud.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 20,
  });
  const duplicates = await personalizeDuplicates(counting);
  counting.destroy();
  const entries = await readEventLog(dataDir);
  const updates = new Map<string, number>();
  for (const entry of entries) {
    if (entry.kind !== personalize.PERSONALIZE_MUTATION_LOG_KIND || entry.data.operation !== 'UpdateCampaign') continue;
    const input = entry.data.input as Record<string, string>;
    const key = `${input.campaignArn} → ${input.solutionVersionArn}`;
    updates.set(key, (updates.get(key) ?? 0) + 1);
  }
  for (const [key, count] of updates) if (count > 1) duplicates.push(`UpdateCampaign ${key} called ${count} times`);
  const faults: Record<string, number> = {};
  for (const entry of entries) {
    if (entry.kind !== 'fault.injected') continue;
    const fault = String(entry.data.fault);
    faults[fault] = (faults[fault] ?? 0) + 1;
  }

  observing = false;
  await observe;
  const afterReceive = cloud.crashes;
  await cloud.supervisor.stop();
  if (!options.keepData) await rm(dataDir, { recursive: true, force: true });

  const ended = records.filter((r) => r.outcome !== undefined);
  return {
    seed,
    runs: records.length,
    completed: ended.filter((r) => r.outcome === 'Pipeline Completed').length,
    failedWithReason: ended.filter((r) => r.outcome === 'Pipeline Failed' && r.reason).length,
    failedWithoutReason: ended.filter((r) => r.outcome === 'Pipeline Failed' && !r.reason).length,
    lost: records.filter((r) => r.runId === undefined).length,
    stuck: records.filter((r) => r.runId !== undefined && r.outcome === undefined).length,
    duplicates,
    duplicateOutcomes: records
      .filter((r) => r.extraOutcomes > 0 || r.runsStarted > 1)
      .map((r) => `${r.group} ${r.runId}: ${r.outcomeEvents} outcomes`),
    poisonFailedWithReason: poisonRecords.filter((r) => r.deadLetterFailure).length,
    poisonRuns: poisonRecords.length,
    poisonDeadLettered: poisonRunsLettered.size,
    poisonWithReason: new Set(poisonLettered.filter((d) => d.reason).map((d) => d.runId)).size,
    otherDeadLetters: deadLetters.filter((d) => !isPoisonLetter(d)),
    redriven,
    faults,
    kills: { afterUpload: cloud.kills9, afterReceive },
    wallSeconds: Math.round((Date.now() - started) / 1000),
    dataDir,
    records,
  };
}

/** Name of a resource as List answers it. */
type Named = { readonly name?: string | undefined };

/** "kind parent/name ×n" for every name listed more than once under one parent. */
function repeated(kind: string, parent: string, items: readonly Named[]): string[] {
  const counts = new Map<string, number>();
  for (const item of items) {
    const name = item.name ?? '?';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > 1).map(([name, n]) => `${kind} ${parent}/${name} ×${n}`);
}

/** Every Personalize resource listed twice under one name in one parent (versions by their name, through Describe). */
async function personalizeDuplicates(client: PersonalizeClient): Promise<string[]> {
  const found: string[] = [];
  const groups = (await client.send(new ListDatasetGroupsCommand({ maxResults: 100 }))).datasetGroups ?? [];
  found.push(...repeated('dataset group', '', groups));
  found.push(...repeated('schema', '', (await client.send(new ListSchemasCommand({ maxResults: 100 }))).schemas ?? []));
  for (const { datasetGroupArn, name: group } of groups) {
    const datasets = (await client.send(new ListDatasetsCommand({ datasetGroupArn, maxResults: 100 }))).datasets ?? [];
    found.push(...repeated('dataset', String(group), datasets));
    for (const { datasetArn, name } of datasets) {
      const jobs = (await client.send(new ListDatasetImportJobsCommand({ datasetArn, maxResults: 100 }))).datasetImportJobs ?? [];
      found.push(
        ...repeated(
          'import job',
          `${group}/${name}`,
          jobs.map((job) => ({ name: job.jobName })),
        ),
      );
    }
    const trackers = (await client.send(new ListEventTrackersCommand({ datasetGroupArn, maxResults: 100 }))).eventTrackers ?? [];
    if (trackers.length > 1) found.push(`event tracker ${group} ×${trackers.length}`);
    found.push(
      ...repeated('filter', String(group), (await client.send(new ListFiltersCommand({ datasetGroupArn, maxResults: 100 }))).Filters ?? []),
    );
    const solutions = (await client.send(new ListSolutionsCommand({ datasetGroupArn, maxResults: 100 }))).solutions ?? [];
    found.push(...repeated('solution', String(group), solutions));
    for (const { solutionArn, name: solution } of solutions) {
      const listed = (await client.send(new ListSolutionVersionsCommand({ solutionArn, maxResults: 100 }))).solutionVersions ?? [];
      const versions: Named[] = [];
      for (const { solutionVersionArn } of listed)
        versions.push((await client.send(new DescribeSolutionVersionCommand({ solutionVersionArn }))).solutionVersion ?? {});
      found.push(...repeated('solution version', `${group}/${solution}`, versions));
    }
  }
  found.push(...repeated('campaign', '', (await client.send(new ListCampaignsCommand({ maxResults: 100 }))).campaigns ?? []));
  const batchJobs: Named[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListBatchInferenceJobsCommand({ maxResults: 100, nextToken }));
    batchJobs.push(...(page.batchInferenceJobs ?? []).map((job) => ({ name: job.jobName })));
    nextToken = page.nextToken;
  } while (nextToken);
  found.push(...repeated('batch inference job', '', batchJobs));
  return found;
}

/** A create that a retry finds already done (its first reply was lost) is done. */
async function ignoreConflict(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
  }
}
