/**
 * The status watcher on a virtual clock. The real `checkWatch` (policy, prediction, history, shared
 * reader and its tick cache, re-check messages and their parsing) runs against real SDK clients
 * whose `send` is answered in memory: Personalize from a timeline of jobs, SQS by a queue ordered
 * by due time, EventBridge by recording what was published. Time moves only between deliveries,
 * so a day of checks takes milliseconds.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeBatchInferenceJobCommand,
  DescribeBatchSegmentJobCommand,
  DescribeDatasetImportJobCommand,
  DescribeSolutionVersionCommand,
  ListBatchInferenceJobsCommand,
  ListBatchSegmentJobsCommand,
  ListDatasetImportJobsCommand,
  ListSolutionVersionsCommand,
  PersonalizeClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_WATCH_POLICY, type WatchPolicy } from '../../services/status-watcher/policy';
import { JOB_KINDS, type JobKind } from '../../services/status-watcher/job-lists';
import { parseWatchRecord } from '../../services/status-watcher/recheck';
import { createListCache, createStatusReader } from '../../services/status-watcher/status-reader';
import { checkWatch } from '../../services/status-watcher/watch';

/** One job of a comparison set, as `--durations FILE` gives it. */
export interface SimJob {
  readonly kind: JobKind;
  /** Name of the parent: the solution (versions, batch jobs) or dataset (imports). */
  readonly parent: string;
  readonly startSeconds: number;
  readonly durationSeconds: number;
  /** Earlier jobs of the same parent, placed as finished jobs before this one started. */
  readonly previousDurationsSeconds?: readonly number[];
}

export interface JobOutcome {
  readonly job: SimJob;
  readonly arn: string;
  /** Seconds from the job's end to the check that published its status; undefined if never. */
  readonly delaySeconds: number | undefined;
  readonly status: string | undefined;
}

export interface SimResult {
  readonly outcomes: readonly JobOutcome[];
  /** Every Personalize call the watcher made, by operation. */
  readonly calls: Readonly<Record<string, number>>;
  readonly totalCalls: number;
  /** Calls made while no job was in flight (must be 0). */
  readonly idleCalls: number;
  /** Messages the watcher sent itself, and how many of them were relays (no call). */
  readonly messages: number;
  readonly relays: number;
  /** Virtual times (seconds) of every Personalize call, per job ARN it was made for (Describe) or parent (List). */
  readonly callTimes: readonly { readonly atSeconds: number; readonly target: string }[];
}

export interface SimOptions {
  readonly policy?: WatchPolicy;
  /** Records per invocation, as the SQS event source batches them. */
  readonly batchSize?: number;
  /** Deadline per job (ISO) relative to its start, seconds; the kind's default otherwise. */
  readonly deadlineSeconds?: number;
  /** Stop the clock here (seconds) even if watches remain. */
  readonly horizonSeconds?: number;
}

const ACCOUNT = 'arn:aws:personalize:us-east-1:000000000000';
const EPOCH_MS = Date.parse('2026-01-05T00:00:00.000Z');
const DAY_SECONDS = 86_400;
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/000000000000/status-watcher';

interface TimelineJob {
  readonly arn: string;
  readonly kind: JobKind;
  readonly parentArn: string;
  readonly createdMs: number;
  readonly endMs: number;
}

function parentArnFor(kind: JobKind, parent: string): string {
  if (kind === 'datasetImportJob') return `${ACCOUNT}:dataset/sim/${parent}`;
  if (kind === 'solutionVersion') return `${ACCOUNT}:solution/${parent}`;
  return `${ACCOUNT}:solution/${parent}/v0000001`;
}

function jobArnFor(kind: JobKind, parent: string, index: number): string {
  const id = index.toString(16).padStart(8, '0');
  switch (kind) {
    case 'datasetImportJob':
      return `${ACCOUNT}:dataset-import-job/${parent}-${id}`;
    case 'solutionVersion':
      return `${ACCOUNT}:solution/${parent}/${id}`;
    case 'batchInferenceJob':
      return `${ACCOUNT}:batch-inference-job/${parent}-${id}`;
    case 'batchSegmentJob':
      return `${ACCOUNT}:batch-segment-job/${parent}-${id}`;
  }
}

/** Personalize as seen at virtual time `nowMs`: not yet created, in progress, or ACTIVE since its end. */
class Timeline {
  private readonly byArn = new Map<string, TimelineJob>();
  private readonly byParent = new Map<string, TimelineJob[]>();

  add(job: TimelineJob): void {
    this.byArn.set(job.arn, job);
    const list = this.byParent.get(`${job.kind} ${job.parentArn}`) ?? [];
    list.push(job);
    this.byParent.set(`${job.kind} ${job.parentArn}`, list);
  }

  private summary(job: TimelineJob, nowMs: number) {
    const done = nowMs >= job.endMs;
    return {
      status: done ? 'ACTIVE' : 'CREATE IN_PROGRESS',
      creationDateTime: new Date(job.createdMs),
      lastUpdatedDateTime: new Date(done ? job.endMs : job.createdMs),
    };
  }

  describe(arn: string, nowMs: number) {
    const job = this.byArn.get(arn);
    if (job === undefined || job.createdMs > nowMs) {
      throw new ResourceNotFoundException({ message: `${arn} does not exist`, $metadata: { httpStatusCode: 404 } });
    }
    return { job, summary: this.summary(job, nowMs) };
  }

  list(kind: JobKind, parentArn: string, nowMs: number) {
    return (this.byParent.get(`${kind} ${parentArn}`) ?? [])
      .filter((job) => job.createdMs <= nowMs)
      .sort((a, b) => b.createdMs - a.createdMs)
      .map((job) => ({ arn: job.arn, ...this.summary(job, nowMs) }));
  }
}

interface Delivery {
  readonly dueMs: number;
  readonly seq: number;
  readonly body: string;
}

/** Runs every job's watch to its end on the virtual clock. */
export async function simulate(jobs: readonly SimJob[], options: SimOptions = {}): Promise<SimResult> {
  const policy = options.policy ?? DEFAULT_WATCH_POLICY;
  const batchSize = options.batchSize ?? 10;
  let nowMs = EPOCH_MS;
  const now = () => new Date(nowMs);

  const timeline = new Timeline();
  const watched: { job: SimJob; arn: string; startMs: number; endMs: number }[] = [];
  const noticed = new Map<string, { atMs: number; status: string }>();
  jobs.forEach((job, index) => {
    const parentArn = parentArnFor(job.kind, job.parent);
    const startMs = EPOCH_MS + Math.round(job.startSeconds * 1000);
    const previous = job.previousDurationsSeconds ?? [];
    previous.forEach((seconds, k) => {
      const createdMs = startMs - (previous.length - k) * DAY_SECONDS * 1000;
      timeline.add({
        arn: jobArnFor(job.kind, job.parent, 0x10000000 + index * 16 + k),
        kind: job.kind,
        parentArn,
        createdMs,
        endMs: createdMs + seconds * 1000,
      });
    });
    const arn = jobArnFor(job.kind, job.parent, index + 1);
    const endMs = startMs + Math.round(job.durationSeconds * 1000);
    timeline.add({ arn, kind: job.kind, parentArn, createdMs: startMs, endMs });
    watched.push({ job, arn, startMs, endMs });
  });

  const calls: Record<string, number> = {};
  const callTimes: { atSeconds: number; target: string }[] = [];
  let idleCalls = 0;
  const count = (name: string, target: string) => {
    calls[name] = (calls[name] ?? 0) + 1;
    callTimes.push({ atSeconds: (nowMs - EPOCH_MS) / 1000, target });
    // A watch is in flight from its job's start until its status is published.
    if (!watched.some((w) => w.startMs <= nowMs && !noticed.has(w.arn))) idleCalls += 1;
  };

  const personalize = new PersonalizeClient({ region: 'us-east-1', credentials: { accessKeyId: 'sim', secretAccessKey: 'sim' } });
  const answerPersonalize = async (command: unknown): Promise<unknown> => {
    if (command instanceof DescribeSolutionVersionCommand) {
      const arn = command.input.solutionVersionArn ?? '';
      count('DescribeSolutionVersion', arn);
      const { job, summary } = timeline.describe(arn, nowMs);
      return { solutionVersion: { solutionVersionArn: arn, solutionArn: job.parentArn, ...summary } };
    }
    if (command instanceof DescribeDatasetImportJobCommand) {
      const arn = command.input.datasetImportJobArn ?? '';
      count('DescribeDatasetImportJob', arn);
      const { job, summary } = timeline.describe(arn, nowMs);
      return { datasetImportJob: { datasetImportJobArn: arn, datasetArn: job.parentArn, ...summary } };
    }
    if (command instanceof DescribeBatchInferenceJobCommand) {
      const arn = command.input.batchInferenceJobArn ?? '';
      count('DescribeBatchInferenceJob', arn);
      const { job, summary } = timeline.describe(arn, nowMs);
      return { batchInferenceJob: { batchInferenceJobArn: arn, solutionVersionArn: job.parentArn, ...summary } };
    }
    if (command instanceof DescribeBatchSegmentJobCommand) {
      const arn = command.input.batchSegmentJobArn ?? '';
      count('DescribeBatchSegmentJob', arn);
      const { job, summary } = timeline.describe(arn, nowMs);
      return { batchSegmentJob: { batchSegmentJobArn: arn, solutionVersionArn: job.parentArn, ...summary } };
    }
    if (command instanceof ListDatasetImportJobsCommand) {
      const parent = command.input.datasetArn ?? '';
      count('ListDatasetImportJobs', parent);
      return {
        datasetImportJobs: timeline.list('datasetImportJob', parent, nowMs).map(({ arn, ...s }) => ({ datasetImportJobArn: arn, ...s })),
      };
    }
    if (command instanceof ListSolutionVersionsCommand) {
      const parent = command.input.solutionArn ?? '';
      count('ListSolutionVersions', parent);
      const versions = timeline.list('solutionVersion', parent, nowMs).map(({ arn, ...s }) => ({ solutionVersionArn: arn, ...s }));
      return { solutionVersions: versions };
    }
    if (command instanceof ListBatchInferenceJobsCommand) {
      const parent = command.input.solutionVersionArn ?? '';
      count('ListBatchInferenceJobs', parent);
      return {
        batchInferenceJobs: timeline.list('batchInferenceJob', parent, nowMs).map(({ arn, ...s }) => ({ batchInferenceJobArn: arn, ...s })),
      };
    }
    if (command instanceof ListBatchSegmentJobsCommand) {
      const parent = command.input.solutionVersionArn ?? '';
      count('ListBatchSegmentJobs', parent);
      return {
        batchSegmentJobs: timeline.list('batchSegmentJob', parent, nowMs).map(({ arn, ...s }) => ({ batchSegmentJobArn: arn, ...s })),
      };
    }
    throw new Error(`the simulator does not answer ${(command as object).constructor.name}`);
  };
  personalize.send = answerPersonalize as unknown as PersonalizeClient['send'];

  const queue: Delivery[] = [];
  let seq = 0;
  let messages = 0;
  const enqueue = (body: string, delayMs: number) => {
    queue.push({ dueMs: nowMs + delayMs, seq: seq++, body });
  };
  const sqs = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'sim', secretAccessKey: 'sim' } });
  sqs.send = (async (command: unknown) => {
    if (!(command instanceof SendMessageCommand)) throw new Error('the simulator only sends messages');
    messages += 1;
    enqueue(command.input.MessageBody ?? '', (command.input.DelaySeconds ?? 0) * 1000);
    return { MessageId: String(seq) };
  }) as unknown as SQSClient['send'];

  const eventBridge = new EventBridgeClient({ region: 'us-east-1', credentials: { accessKeyId: 'sim', secretAccessKey: 'sim' } });
  eventBridge.send = (async (command: unknown) => {
    if (!(command instanceof PutEventsCommand)) throw new Error('the simulator only puts events');
    for (const entry of command.input.Entries ?? []) {
      const detail = JSON.parse(entry.Detail ?? '{}') as { resourceArn: string; status: string };
      if (!noticed.has(detail.resourceArn)) noticed.set(detail.resourceArn, { atMs: nowMs, status: detail.status });
    }
    return { FailedEntryCount: 0, Entries: (command.input.Entries ?? []).map((_, i) => ({ EventId: String(i) })) };
  }) as unknown as EventBridgeClient['send'];

  for (const { job, arn, startMs } of watched) {
    const requestedAt = new Date(startMs);
    const detail = {
      runId: `run-${job.parent}`,
      datasetGroupName: 'sim',
      stage: 'bench',
      resourceKind: job.kind,
      resourceArn: arn,
      requestedAt: requestedAt.toISOString(),
      ...(options.deadlineSeconds !== undefined && {
        deadlineAt: new Date(requestedAt.getTime() + options.deadlineSeconds * 1000).toISOString(),
      }),
      schemaVersion: 1,
    };
    const event = {
      version: '0',
      id: arn,
      source: 'recops.personalize',
      'detail-type': 'Watch Requested',
      time: requestedAt.toISOString(),
      detail,
    };
    queue.push({ dueMs: requestedAt.getTime(), seq: seq++, body: JSON.stringify(event) });
  }

  const cache = createListCache();
  const horizonMs = options.horizonSeconds === undefined ? Infinity : EPOCH_MS + options.horizonSeconds * 1000;
  let relays = 0;
  while (queue.length > 0) {
    queue.sort((a, b) => a.dueMs - b.dueMs || a.seq - b.seq);
    const dueMs = queue[0]?.dueMs ?? nowMs;
    if (dueMs > horizonMs) break;
    nowMs = Math.max(nowMs, dueMs);
    const due = queue.filter((d) => d.dueMs <= nowMs);
    queue.splice(0, due.length);
    for (let i = 0; i < due.length; i += batchSize) {
      const invocation = due.slice(i, i + batchSize);
      const reader = createStatusReader(personalize, { cache, now, tickSeconds: policy.budget.minIntervalSeconds });
      const deps = {
        reader,
        sqs,
        eventBridge,
        busName: 'recops-bench',
        queueUrl: QUEUE_URL,
        policy,
        now,
        sleep: () => Promise.reject(new Error('the simulated policy waits whole seconds through SQS')),
      };
      const results = await Promise.all(invocation.map((d) => checkWatch(parseWatchRecord({ body: d.body }), deps)));
      relays += results.filter((r) => r.outcome === 'relayed').length;
    }
  }

  const outcomes = watched.map(({ job, arn, endMs }) => {
    const seen = noticed.get(arn);
    return {
      job,
      arn,
      delaySeconds: seen === undefined ? undefined : (seen.atMs - endMs) / 1000,
      status: seen?.status,
    };
  });
  const totalCalls = Object.values(calls).reduce((a, b) => a + b, 0);
  return { outcomes, calls, totalCalls, idleCalls, messages, relays, callTimes };
}

export { JOB_KINDS };
