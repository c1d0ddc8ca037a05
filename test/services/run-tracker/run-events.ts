/** The events of one run of the seed example, as the bus would deliver them to the run tracker. */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  batchOutputReady,
  campaignDeployed,
  messageDeadLettered,
  messageRecovered,
  pipelineRequested,
  solutionVersionPromoted,
  solutionVersionRejected,
  statusChangedEntry,
  stepFailed,
  stepRetrying,
  watchRequested,
  type ResourceKind,
  type RunScope,
} from '@recops/events';
import { resolvePlan, validateParameterFile, type Plan, type PlannedRun } from '@recops/core';
import { plannedRunLocation, storePlannedRun } from '@recops/core/ops';
import { pipelineRequestedDetail, plannedRunOf } from '../../support/planned-run';

const ARN_PREFIX = 'arn:aws:personalize:us-east-1:000000000000:';
const BUS = 'recops-bus';

export function seedPlan(fileText: string, bucket: string): Plan {
  const validation = validateParameterFile(JSON.parse(fileText));
  if (!validation.ok) throw new Error('seed example must validate');
  return resolvePlan(validation.file, {
    stage: 'prod',
    bucket,
    configKey: 'train/dsg/config.json',
    keys: ['train/dsg/users.csv', 'train/dsg/interactions.csv'],
    runStamp: '2026_01_02_03_04_05',
  });
}

function delivered(entry: PutEventsRequestEntry, n = 0): Record<string, unknown> {
  return {
    version: '0',
    id: `event-${n}`,
    source: entry.Source,
    'detail-type': entry.DetailType,
    time: '2026-01-02T03:04:05Z',
    detail: JSON.parse(entry.Detail ?? '{}'),
  };
}

const at = (second: number) => new Date(Date.UTC(2026, 0, 2, 3, 5, second)).toISOString();

/** The run's document, as the run door stores it before publishing Pipeline Requested. */
export function runDocument(plan: Plan, runId: string, scope: RunScope = { kind: 'everything' }): PlannedRun {
  return plannedRunOf(plan, { runId, scope });
}

/** Stores the run's document as the run door does, where Pipeline Requested points (the tracker reads its goals from there). */
export async function storeRunDocument(s3: S3Client, plan: Plan, runId: string, scope?: RunScope): Promise<void> {
  const document = runDocument(plan, runId, scope);
  await storePlannedRun(s3, plannedRunLocation(plan.bucket, plan.datasetGroup.name, runId), document);
}

/**
 * A successful run: request, watches and ACTIVE status changes for every resource the chain creates,
 * then the deploy half: each version promoted (or the one named rejected), each campaign of a
 * promoted solution deployed, each batch job's output ready.
 */
export function successfulRun(
  plan: Plan,
  runId: string,
  options: { failImportOf?: string; rejectSolution?: string } = {},
): Record<string, unknown>[] {
  const key = { runId, datasetGroupName: plan.datasetGroup.name, stage: 'test' };
  const resources: { kind: ResourceKind; arn: string }[] = [
    { kind: 'datasetGroup', arn: `${ARN_PREFIX}dataset-group/${plan.datasetGroup.name}` },
    ...(plan.eventTracker ? [{ kind: 'eventTracker' as const, arn: `${ARN_PREFIX}event-tracker/0f1e2d3c` }] : []),
    ...plan.datasets.map((d) => ({ kind: 'datasetImportJob' as const, arn: `${ARN_PREFIX}dataset-import-job/${d.importJob?.jobName}` })),
    ...plan.filters.map((f) => ({ kind: 'filter' as const, arn: `${ARN_PREFIX}filter/${f.name}` })),
    ...plan.solutions.map((s) => ({ kind: 'solution' as const, arn: `${ARN_PREFIX}solution/${s.name}` })),
    ...plan.solutions.map((s) => ({ kind: 'solutionVersion' as const, arn: versionArn(s.name) })),
    ...plan.solutions
      .filter((s) => s.name !== options.rejectSolution)
      .flatMap((s) => s.campaigns.map((c) => ({ kind: 'campaign' as const, arn: `${ARN_PREFIX}campaign/${c.name}` }))),
    ...plan.solutions.flatMap((s) =>
      s.batchInferenceJobs.map((j) => ({ kind: 'batchInferenceJob' as const, arn: `${ARN_PREFIX}batch-inference-job/${j.jobName}` })),
    ),
  ];
  const entries: PutEventsRequestEntry[] = [
    pipelineRequested.entry({ ...pipelineRequestedDetail(runDocument(plan, runId)), requestedAt: at(0) } as never, BUS),
  ];
  resources.forEach((r, i) => {
    entries.push(watchRequested.entry({ ...key, resourceKind: r.kind, resourceArn: r.arn, requestedAt: at(i + 1) }, BUS));
    const failed = options.failImportOf !== undefined && r.arn.endsWith(options.failImportOf);
    entries.push(
      statusChangedEntry(
        {
          ...key,
          resourceKind: r.kind,
          resourceArn: r.arn,
          status: failed ? 'CREATE FAILED' : 'ACTIVE',
          ...(failed ? { failureReason: 'Input data has fewer than 1000 records' } : {}),
          requestedAt: at(i + 1),
          observedAt: at(i + 20),
        },
        BUS,
      ),
    );
  });
  for (const [n, solution] of plan.solutions.entries()) {
    const version = {
      ...key,
      resourceArn: versionArn(solution.name),
      solutionArn: `${ARN_PREFIX}solution/${solution.name}`,
      solutionName: solution.name,
      metrics: { coverage: 0.5 },
    };
    const metric = 'normalized_discounted_cumulative_gain_at_10';
    if (solution.name === options.rejectSolution) {
      const live = `${ARN_PREFIX}solution/${solution.name}/0000live`;
      const rule = `${metric} 0.2500 < 0.2980 + 0 (live version ${live})`;
      entries.push(
        solutionVersionRejected.entry(
          {
            ...version,
            liveSolutionVersionArn: live,
            gate: {
              metric,
              margin: 0,
              enabled: true,
              candidate: 0.25,
              baseline: 0.298,
              baselineSolutionVersionArn: live,
              baselineSource: 'campaign',
              rule,
            },
            reason: rule,
            rejectedAt: at(40 + n),
          },
          BUS,
        ),
      );
      continue;
    }
    entries.push(
      solutionVersionPromoted.entry(
        {
          ...version,
          gate: { metric, margin: 0, enabled: true, candidate: 0.31, rule: `first version of ${solution.name}: promoted` },
          promotedAt: at(40 + n),
        },
        BUS,
      ),
    );
    for (const campaign of solution.campaigns)
      entries.push(
        campaignDeployed.entry(
          {
            ...key,
            resourceArn: `${ARN_PREFIX}campaign/${campaign.name}`,
            campaignName: campaign.name,
            solutionName: solution.name,
            solutionVersionArn: versionArn(solution.name),
            operation: 'create',
            pinned: false,
            deployedAt: at(45 + n),
          },
          BUS,
        ),
      );
  }
  for (const solution of plan.solutions)
    for (const job of solution.batchInferenceJobs) {
      const output = { bucket: plan.bucket, prefix: `batch/${plan.datasetGroup.name}/${solution.name}/out/` };
      entries.push(
        batchOutputReady.entry(
          {
            ...key,
            resourceArn: `${ARN_PREFIX}batch-inference-job/${job.jobName}`,
            jobKind: 'batchInferenceJob',
            jobName: job.jobName,
            jobNameBase: job.jobNameBase,
            solutionName: solution.name,
            solutionVersionArn: versionArn(solution.name),
            input: { bucket: plan.bucket, key: `batch/${plan.datasetGroup.name}/${solution.name}/job_config.json` },
            output,
            objectKeys: [`${output.prefix}job_config.json.out`],
            check: { bucket: plan.bucket, key: `${output.prefix}_CHECK` },
            manifest: { bucket: plan.bucket, key: `${output.prefix}manifest.json` },
            lineCount: 10,
            errorLineCount: 0,
            readyAt: at(50),
          },
          BUS,
        ),
      );
    }
  return entries.map((e, i) => delivered(e, i));
}

function versionArn(solutionName: string): string {
  return `${ARN_PREFIX}solution/${solutionName}/${solutionName.length.toString(16).padStart(8, '0')}`;
}

export function stepFailedEvent(plan: Plan, runId: string): Record<string, unknown> {
  return delivered(
    stepFailed.entry(
      {
        runId,
        datasetGroupName: plan.datasetGroup.name,
        stage: 'test',
        step: 'provisioning',
        reason: 'Schema users-schema changed incompatibly: AGE changed type from int to string',
        errors: [{ path: 'datasets.users.schema', message: 'AGE changed type from int to string' }],
        failedAt: at(30),
      },
      BUS,
    ),
  );
}

/** What the queue runtime publishes when schedule-manager gives up on the run's Pipeline Requested. */
export function deadLetteredEvent(plan: Plan, runId: string, messageId = 'message-1'): Record<string, unknown> {
  return delivered(
    messageDeadLettered.entry(
      {
        runId,
        datasetGroupName: plan.datasetGroup.name,
        stage: 'test',
        service: 'schedule-manager',
        step: 'scheduling',
        eventType: 'Pipeline Requested',
        messageId,
        attempts: 1,
        reason:
          'AccessDeniedException: User: arn:aws:sts::000000000000:assumed-role/r/r is not authorized to perform: scheduler:CreateSchedule',
        errorName: 'AccessDeniedException',
        cause: 'permanent',
        deadLetterQueueUrl: 'http://127.0.0.1:4566/000000000000/recops-test-schedule-manager-dlq',
        deadLetteredAt: at(20),
      },
      BUS,
    ),
  );
}

/** The redriven copy of that message, handled. */
export function recoveredEvent(plan: Plan, runId: string, messageId = 'message-1'): Record<string, unknown> {
  return delivered(
    messageRecovered.entry(
      {
        runId,
        datasetGroupName: plan.datasetGroup.name,
        stage: 'test',
        service: 'schedule-manager',
        eventType: 'Pipeline Requested',
        messageId,
        recoveredAt: at(50),
      },
      BUS,
    ),
  );
}

/** A throttled delivery of the trainer, returned with backoff. */
export function retryingEvent(plan: Plan, runId: string, attempt: number): Record<string, unknown> {
  return delivered(
    stepRetrying.entry(
      {
        runId,
        datasetGroupName: plan.datasetGroup.name,
        stage: 'test',
        service: 'solution-trainer',
        step: 'training',
        eventType: 'Dataset Import Job Status Changed',
        messageId: 'message-2',
        attempt,
        maxAttempts: 10,
        reason: 'CreateSolution sims failed: ThrottlingException: Rate exceeded',
        errorName: 'RetryableOpsError',
        delaySeconds: 10 * 2 ** (attempt - 1),
        nextAttemptAt: at(10 + 10 * 2 ** (attempt - 1)),
        failedAt: at(10 + attempt),
      },
      BUS,
    ),
  );
}
